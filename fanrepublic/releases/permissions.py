"""Who plans releases: the app's only rulebook. Services, views, the API and the staff
menu all ask here; a staff page a member may not use answers 404."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_plan(user) -> bool:
    return user.is_authenticated and user.has_role(
        StaffRole.ENGINEER, StaffRole.SECURITY, StaffRole.OPERATOR, StaffRole.FOUNDER
    )


def access_staff_pages(user) -> None:
    """The release-planning pages, as missing (404) to anyone who may not plan."""
    if not can_plan(user):
        raise NotFound()
