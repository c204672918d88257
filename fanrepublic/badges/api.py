from datetime import datetime

from ninja import Field, Router, Schema, Status

from fanrepublic.core.api import Id
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope
from fanrepublic.members.selectors import member_get_public

from . import perks as perk_service
from . import permissions, selectors, services
from .models import Badge, PerkClaim

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


class PerkOut(Schema):
    slug: str
    name: str
    name_zh: str
    happens_at: datetime
    price_points: int
    remaining: int
    transferable: bool
    required_badges: list[str]

    @staticmethod
    def resolve_required_badges(obj):
        return [b.slug for b in obj.required_badges.all()]


class PlaceOut(Schema):
    id: int
    perk: str = Field(..., alias="perk.slug")
    holder: str = Field(..., alias="holder.username")


class TransferIn(Schema):
    to: str = Field(..., max_length=150)
    note: str = Field("", max_length=300)


@router.get("/perks", response=list[PerkOut], auth=PUBLIC)
def perks(request):
    return list(selectors.perks_open())


@router.post("/perks/{slug}/claim", response={201: PlaceOut}, auth=MEMBER)
def claim(request, slug: str):
    user = require_scope(request)
    return Status(201, perk_service.perk_claim(member=user, perk=selectors.perk_get(slug=slug)))


@router.post("/perks/places/{place_id}/transfer", response=PlaceOut, auth=MEMBER)
def transfer(request, place_id: Id, payload: TransferIn):
    user = require_scope(request)
    place = PerkClaim.objects.select_related("perk").filter(pk=place_id, holder=user).first()
    if place is None:
        raise NotFound()
    return perk_service.perk_transfer(
        holder=user, claim=place, to_member=member_get_public(username=payload.to), note=payload.note
    )


class GrantIn(Schema):
    member: str = Field(..., max_length=150)
    badge: str = Field(..., max_length=50)
    reason: str = Field(..., max_length=300)


class GrantOut(Schema):
    member: str = Field(..., alias="member.username")
    badge: str = Field(..., alias="badge.slug")
    granted_at: datetime
    reason: str


class HolderOut(Schema):
    place: int = Field(..., alias="id")
    holder: str = Field(..., alias="holder.username")
    claimed_by: str = Field(..., alias="claimed_by.username")
    created_at: datetime


@router.post("/badges/grants", response={201: GrantOut}, auth=MEMBER)
def grant(request, payload: GrantIn):
    """Operators and founders grant a badge with a reason; audited."""
    actor = require_scope(request)
    badge = Badge.objects.filter(slug=payload.badge).first()
    if badge is None or not permissions.can_grant_badges(actor):
        raise NotFound()
    member = member_get_public(username=payload.member)
    return Status(201, services.badge_grant(actor=actor, member=member, badge=badge, reason=payload.reason))


@router.get("/perks/{slug}/holders", response=list[HolderOut], auth=MEMBER)
def holders(request, slug: str):
    """Staff: who holds the places of a perk (for the guest list at the door)."""
    if not permissions.can_manage_perks(require_scope(request)):
        raise NotFound()
    perk = selectors.perk_get(slug=slug)
    return list(perk.claims.select_related("holder", "claimed_by").order_by("created_at"))
