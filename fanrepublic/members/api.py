from datetime import datetime

from ninja import Field, Router, Schema

from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_member

from . import selectors

router = Router(tags=["members"])


class MemberOut(Schema):
    username: str
    display_name: str = Field(..., alias="public_name")
    bio: str
    trust_level: int
    reputation: int
    staff_role: str
    date_joined: datetime
    products_owned: list[str]

    @staticmethod
    def resolve_products_owned(obj):
        return [p.slug for p in obj.products_owned.all()]


class MeOut(MemberOut):
    email: str
    language: str
    daily_reply_target: int


@router.get("/members/{username}", response=MemberOut, auth=PUBLIC)
def get_member(request, username: str):
    return selectors.member_get_public(username=username)


@router.get("/me", response=MeOut, auth=MEMBER)
def me(request):
    user = require_member(request)
    return selectors.member_get_public(username=user.username)
