"""Who does what in flash sales: operators and the founder schedule and close sales;
members who meet the sale's rules queue and reserve; a member sees their own holds."""

from django.utils.translation import gettext as _

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.selectors import taking_part_problems


def can_run_sales(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def eligibility_problems(member, sale) -> list[str]:
    """The sale's anti-bot rules (trust level, membership age, verified ownership)."""
    if not (member and member.is_authenticated):
        return [_("Sign in to queue for this sale.")]
    return taking_part_problems(
        member,
        min_trust_level=sale.min_trust_level,
        min_member_days=sale.min_member_days,
        owners_of=sale.product_line if sale.owners_only else None,
    )
