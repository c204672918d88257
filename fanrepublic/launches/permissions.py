"""Who runs launch events: the app's only rulebook. Operators and founders create and
run events; an event's host runs its console. Services, selectors and views all ask
here; a member who may not host is told nothing about the console (404)."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_run_events(user) -> bool:
    return user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER)


def can_host(user, event) -> bool:
    return user.is_authenticated and (user.pk == event.host_id or can_run_events(user))


def access_organiser_pages(user) -> None:
    """The organisers' pages (a new event), as missing (404) to anyone else."""
    if not can_run_events(user):
        raise NotFound()
