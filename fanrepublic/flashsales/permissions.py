"""Who does what in flash sales: operators and the founder schedule and close sales;
members who meet the sale's rules queue and reserve; a member sees their own holds."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.selectors import is_verified_owner


def can_run_sales(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def eligibility_problems(member, sale) -> list[str]:
    """The sale's anti-bot rules (trust level, membership age, verified ownership)."""
    if not (member and member.is_authenticated):
        return [_("Sign in to queue for this sale.")]
    problems = []
    if member.is_suspended:
        problems.append(_("Your account is suspended."))
    if member.trust_level < sale.min_trust_level:
        problems.append(_("Buyers need trust level %(level)d or higher.") % {"level": sale.min_trust_level})
    if sale.min_member_days and member.date_joined > timezone.now() - timedelta(days=sale.min_member_days):
        problems.append(
            _("Buyers need to have been members for %(days)d days.") % {"days": sale.min_member_days}
        )
    if (
        sale.owners_only
        and sale.product_line
        and not is_verified_owner(member=member, product_line=sale.product_line)
    ):
        problems.append(
            _("Only verified owners of %(line)s may buy in this sale.")
            % {"line": sale.product_line.localized("name")}
        )
    return problems
