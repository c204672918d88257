"""Who runs committees: the app's only rulebook. Operators and founders organise
elections; a committee's sitting members and the organisers run its needs backlog and
meetings. Services, views and the API all ask here; a refused page answers 404."""

from django.utils import timezone

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole


def can_organise(user) -> bool:
    return user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER)


def is_sitting(member, committee) -> bool:
    today = timezone.localdate()
    return (
        member.is_authenticated
        and committee.seats_held.filter(
            member=member, left_on__isnull=True, starts_on__lte=today, ends_on__gte=today
        ).exists()
    )


def can_plan_for(member, committee) -> bool:
    """The committee's sitting members and the organisers run its backlog and meetings."""
    return can_organise(member) or is_sitting(member, committee)


def access_organiser_pages(user) -> None:
    """The organisers' staff door, as missing (404) to anyone who may not organise."""
    if not can_organise(user):
        raise NotFound()


def access_planning(user, committee) -> None:
    """A committee's planning door, as missing (404) to anyone who may not plan for it."""
    if not can_plan_for(user, committee):
        raise NotFound()
