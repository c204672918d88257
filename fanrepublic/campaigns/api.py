from datetime import datetime

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from fanrepublic.core.api import Int
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope
from fanrepublic.members.enums import TokenScope

from . import selectors, services

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    slug: str
    title: str
    title_zh: str
    product: str
    product_zh: str
    description: str
    description_zh: str
    status: str
    unit_price_fen: int
    deposit_fen: int
    goal_fen: int | None
    goal_units: int | None
    per_member_limit: int
    opens_at: datetime
    closes_at: datetime
    backer_count: int
    units_held: int
    pledged_fen: int
    progress_percent: int


class CampaignBackingOut(Schema):
    campaign: str = Field(..., alias="campaign.slug")
    units: int
    deposit_fen: int
    status: str
    payment: str | None = Field(None, alias="payment.reference")
    checkout_url: str = ""
    created_at: datetime

    @staticmethod
    def resolve_checkout_url(obj):
        payment = obj.payment
        return payment.checkout_url if payment is not None and payment.status == "pending" else ""


class CampaignBackingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    units: Int
    provider: str


@router.get("", response=list[CampaignOut], auth=PUBLIC)
def campaigns(request):
    """Campaigns, open ones first (amounts in fen: 100 fen = 1 yuan)."""
    return list(selectors.campaigns_listed(viewer=request.user)[:100])


@router.get("/backings", response=list[CampaignBackingOut], auth=MEMBER)
def my_backings(request):
    """Your backings, newest first."""
    return list(selectors.backings_of(require_scope(request, TokenScope.READ))[:200])


@router.get("/{slug}", response=CampaignOut, auth=PUBLIC)
def campaign(request, slug: str):
    return selectors.campaign_get(viewer=request.user, slug=slug)


@router.post("/{slug}/backing", response={201: CampaignBackingOut}, auth=MEMBER)
def back(request, slug: str, payload: CampaignBackingIn):
    """Back the campaign: 201 with the deposit's payment; pay at `checkout_url`. 409
    `already_backing` (cancel first to change), `campaign_closed`; 403 `not_eligible`."""
    member = require_scope(request)
    found = selectors.campaign_get(viewer=member, slug=slug)
    backing = services.backing_start(
        actor=member, campaign=found, units=payload.units, provider_code=payload.provider[:20]
    )
    return Status(201, backing)


@router.delete("/{slug}/backing", response=CampaignBackingOut, auth=MEMBER)
def cancel(request, slug: str):
    """Cancel your backing before the deadline; a paid deposit is refunded in full."""
    member = require_scope(request)
    return services.backing_cancel(actor=member, campaign=selectors.campaign_get(viewer=member, slug=slug))
