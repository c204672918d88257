"""Who runs votes: the app's only rulebook. Services, selectors, views and the API all
ask here; a draft vote and a staff page answer 404 to anyone who may not run votes."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_run_votes(user) -> bool:
    return user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER)


def access_staff_pages(user) -> None:
    """The organisers' pages, as missing (404) to anyone who may not run votes."""
    if not can_run_votes(user):
        raise NotFound()
