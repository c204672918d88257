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
    flash_pass: str | None = None


class FlashAdmittedOut(Schema):
    unit_number: int
    ticket: str
    expires_at: datetime


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
    return {
        "position": place["position"],
        "admitted": place["admitted"],
        "turn": place["turn"],
        "flash_pass": place["pass"],
    }


@router.post("/{slug}/reserve", response={201: FlashHoldOut, 202: FlashAdmittedOut}, auth=MEMBER)
def reserve(request, slug: str, payload: FlashReserveIn):
    """Hold a unit while you pay: 201 with the payment's `checkout_url`; 202 when the unit
    is yours but not stored yet (Redis decided it): pay through …/holds/<id>/pay once
    GET …/holds lists it. 409 `not_your_turn`, `over_limit`, `all_held` (try again
    soon), `sold_out`, `sale_closed`. On launch night, POST /flash/<slug>/hold with the
    `flash_pass` from /queue in the X-Flash-Pass header answers faster."""
    member = require_scope(request)
    found = selectors.sale_get(viewer=member, slug=slug)
    held = services.reserve(actor=member, sale=found, provider_code=payload.provider[:20])
    return Status(202 if isinstance(held, services.Admitted) else 201, held)


@router.get("/{slug}/holds", response=list[FlashHoldOut], auth=MEMBER)
def holds(request, slug: str):
    """Your holds in this sale, newest first."""
    member = require_scope(request)
    found = selectors.sale_get(viewer=member, slug=slug)
    return list(selectors.holds_of(member=member, sale=found)[:20])


@router.post("/{slug}/holds/{hold_id}/pay", response={200: FlashHoldOut}, auth=MEMBER)
def pay(request, slug: str, hold_id: int, payload: FlashReserveIn):
    """Start the payment of a hold that has none (one Redis decided): its `checkout_url`.
    409 `hold_ended` once it ran out or was given back."""
    member = require_scope(request)
    found = selectors.sale_get(viewer=member, slug=slug)
    hold = selectors.my_hold(member=member, sale=found, hold_id=hold_id)
    return services.hold_pay(actor=member, hold=hold, provider_code=payload.provider[:20])
