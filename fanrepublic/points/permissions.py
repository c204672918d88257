"""Who runs the points economy: the app's only rulebook. Operators and founders adjust
wallets, read any member's wallet and edit the earning rules. Services, views, the API,
the profile's wallet box and the staff menu all ask here; a refused page answers 404."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_manage_points(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def access_staff_pages(user) -> None:
    """A member's wallet and the earning rules, as missing (404) to anyone else."""
    if not can_manage_points(user):
        raise NotFound()
