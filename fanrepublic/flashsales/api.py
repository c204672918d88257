from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import ConfigDict

from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import selectors, services

router = Router(tags=["flash sales"])


class FlashSaleOut(Schema):
    slug: str
    title: str
    title_zh: str
    product: str
    product_zh: str
    price_fen: int
    units: int
    per_member_limit: int
    hold_seconds: int
    opens_at: datetime
    closes_at: datetime
    seed_sha256: str
    sold_out_at: datetime | None


class FlashPlaceOut(Schema):
    position: int | None
    admitted: int
    turn: bool


class FlashHoldOut(Schema):
    id: int
    unit_number: int
    status: str
    expires_at: datetime
    payment: str | None = None
    checkout_url: str = ""

    @staticmethod
    def resolve_payment(obj):
        return obj.payment.reference if obj.payment_id else None

    @staticmethod
    def resolve_checkout_url(obj):
        return obj.payment.checkout_url if obj.payment_id and obj.payment.status == "pending" else ""


class FlashReserveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    provider: str


@router.get("", response=list[FlashSaleOut], auth=PUBLIC)
def sales(request):
    return list(selectors.sales_listed(viewer=request.user)[:50])


@router.get("/{slug}", response=FlashSaleOut, auth=PUBLIC)
def sale(request, slug: str):
    return selectors.sale_get(viewer=request.user, slug=slug)


@router.post("/{slug}/queue", response={200: FlashPlaceOut}, auth=MEMBER)
def join(request, slug: str):
    """Join the waiting room (again: no change). Answers your place once it is known."""
    member = require_scope(request)
    found = selectors.sale_get(viewer=member, slug=slug)
    services.waiting_room_join(actor=member, sale=found)
    place = services.place_of(sale=found, member=member)
    return {"position": place["position"], "admitted": place["admitted"], "turn": place["turn"]}


@router.post("/{slug}/reserve", response={201: FlashHoldOut}, auth=MEMBER)
def reserve(request, slug: str, payload: FlashReserveIn):
    """Hold a unit while you pay: 201 with the payment's `checkout_url`. 409 `not_your_turn`,
    `over_limit`, `all_held` (try again soon), `sold_out`, `sale_closed`."""
    member = require_scope(request)
    found = selectors.sale_get(viewer=member, slug=slug)
    return Status(201, services.reserve(actor=member, sale=found, provider_code=payload.provider[:20]))
