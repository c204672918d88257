"""The app's only rulebook. Insights are for the people who decide: operators and the
founder. No member sees another member's lifetime value; a page of groups hides any
group of fewer than MIN_GROUP members, so a figure never points at one person."""

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole

MIN_GROUP = 5


def can_see_insights(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def access_insights(user) -> None:
    """Anyone but operators and the founder is told there is nothing here (404), as for
    a page that does not exist."""
    if not can_see_insights(user):
        raise NotFound()


def can_refit(user) -> bool:
    return can_see_insights(user)


def shows_group(size: int) -> bool:
    return size >= MIN_GROUP


def can_run_surveys(user) -> bool:
    return can_see_insights(user)
