"""Who handles money: operators and founders see every payment, the notification log and
the bill checks, ask a provider about a payment, and refund. A member sees their own
payments; anyone else's answer 404. Payouts alike: a member requests and sees their own,
links and removes their own payout accounts; operators and founders see every payout,
ask the provider, return one the provider never took, and set the payout policy."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole

MONEY_ROLES = (StaffRole.OPERATOR, StaffRole.FOUNDER)


def can_manage_payments(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*MONEY_ROLES))


def may_see_payment(user, payment) -> bool:
    if not (user and user.is_authenticated):
        return False
    return payment.member_id == user.pk or can_manage_payments(user)


def may_see_payout(user, payout) -> bool:
    if not (user and user.is_authenticated):
        return False
    return payout.member_id == user.pk or can_manage_payments(user)


def access_console(user) -> None:
    if not can_manage_payments(user):
        raise NotFound()
