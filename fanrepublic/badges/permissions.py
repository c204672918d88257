"""Who grants badges and runs perks: the app's only rulebook. Services, views, the API,
the profile's grant form and the staff menu all ask here; a staff page a member may not
use answers 404."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_grant_badges(user) -> bool:
    """Operators and founders grant a badge by hand."""
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def can_manage_perks(user) -> bool:
    """Operators and founders edit perks and see who holds a place (the guest list)."""
    return user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER)


def access_perk_staff_pages(user) -> None:
    """The perks' staff pages, as missing (404) to anyone who may not run perks."""
    if not can_manage_perks(user):
        raise NotFound()
