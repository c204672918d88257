from datetime import datetime

from ninja import Field, Router, Schema

from fanrepublic.core.api import PUBLIC
from fanrepublic.members.selectors import member_get_public

from . import selectors

router = Router(tags=["badges"])


class BadgeOut(Schema):
    slug: str
    name: str
    name_zh: str
    description: str
    description_zh: str
    tier: str
    icon: str
    automatic: bool = Field(..., alias="is_automatic")
    holders: int = Field(..., alias="holder_count")


class HeldOut(Schema):
    badge: str = Field(..., alias="badge.slug")
    granted_at: datetime
    reason: str


@router.get("/badges", response=list[BadgeOut], auth=PUBLIC)
def gallery(request):
    return list(selectors.badge_gallery())


@router.get("/members/{username}/badges", response=list[HeldOut], auth=PUBLIC)
def member_badges(request, username: str):
    return list(selectors.badges_of(member=member_get_public(username=username)))
