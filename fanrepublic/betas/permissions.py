"""Who runs beta programmes: the app's only rulebook. Services, selectors, views, the
API and the staff menu all ask here; a page a member may not use answers 404."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_role(StaffRole.ENGINEER, StaffRole.OPERATOR, StaffRole.FOUNDER)


def access_staff_pages(user) -> None:
    """The staff pages of beta programmes, as missing (404) to anyone who may not run them."""
    if not can_manage(user):
        raise NotFound()
