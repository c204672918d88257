from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from fanrepublic.core.api import Id, Int
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_member, require_scope

from . import permissions, selectors, services

router = Router(tags=["rewards"])


class RewardOut(Schema):
    slug: str
    name: str
    name_zh: str
    kind: str
    price_points: int
    retail_price: Decimal | None = Field(
        ..., description="What the item sells for in the brand's shops, in yuan (a decimal string)."
    )
    stock: int
    per_member_limit: int | None
    min_trust_level: int
    required_badges: list[str] = Field(..., description="Slugs of badges a member must hold, all of them.")
    regions: list[str] = Field(..., description="Country codes; empty means every region.")

    @staticmethod
    def resolve_required_badges(obj) -> list[str]:
        return [badge.slug for badge in obj.required_badges.all()]

    @staticmethod
    def resolve_regions(obj) -> list[str]:
        return [country.code for country in obj.regions]


class RedeemIn(Schema):
    idempotency_key: str = Field(..., min_length=1, max_length=100)
    quantity: Int = Field(1, ge=1, le=services.MAX_QUANTITY)
    shipping_name: str = Field("", max_length=100)
    shipping_phone: str = Field("", max_length=30)
    shipping_address: str = Field("", max_length=500)


class OrderOut(Schema):
    id: int
    reward: str = Field(..., alias="reward.slug")
    member: str = Field(..., alias="member.username")
    quantity: int
    points_total: int
    status: str
    voucher_code: str
    tracking: str
    created_at: datetime


class FulfilIn(Schema):
    voucher_code: str = Field("", max_length=100)
    tracking: str = Field("", max_length=100)


class RefuseIn(Schema):
    reason: str = Field(..., max_length=500)


@router.get("", response=list[RewardOut], auth=PUBLIC)
def catalogue(request):
    return list(selectors.rewards_on_sale().prefetch_related("required_badges"))


@router.get("/orders", response=list[OrderOut], auth=MEMBER)
def my_orders(request):
    return list(selectors.orders_of(member=require_member(request)).select_related("member")[:200])


@router.get("/staff/orders", response=list[OrderOut], auth=MEMBER)
def open_orders(request):
    """Store managers and operators: orders waiting for fulfilment, oldest first."""
    user = require_member(request)
    if not permissions.can_fulfil(user):
        raise NotFound()
    return list(selectors.open_orders()[:500])


@router.post("/orders/{order_id}/cancel", response=OrderOut, auth=MEMBER)
def cancel(request, order_id: Id):
    user = require_scope(request)
    return services.order_cancel(member=user, order=selectors.order_get_for(member=user, pk=order_id))


@router.post("/orders/{order_id}/fulfil", response=OrderOut, auth=MEMBER)
def fulfil(request, order_id: Id, payload: FulfilIn):
    user = require_scope(request)  # the service answers 404 to anyone but store staff
    return services.order_fulfil(actor=user, order=selectors.order_get(pk=order_id), **payload.dict())


@router.post("/orders/{order_id}/refuse", response=OrderOut, auth=MEMBER)
def refuse(request, order_id: Id, payload: RefuseIn):
    user = require_scope(request)  # the service answers 404 to anyone but store staff
    return services.order_refuse(actor=user, order=selectors.order_get(pk=order_id), reason=payload.reason)


@router.get("/{slug}", response=RewardOut, auth=PUBLIC)
def reward(request, slug: str):
    return selectors.reward_get(slug=slug)


@router.post("/{slug}/redeem", response={201: OrderOut, 200: OrderOut}, auth=MEMBER)
def redeem(request, slug: str, payload: RedeemIn, response: HttpResponse):
    """Reserve stock and pay with points in one step: 201 when this request placed the
    order. Retrying with the same idempotency_key (also concurrently) places nothing
    more and answers 200 with the order already placed and `Idempotent-Replayed: true`."""
    user = require_scope(request)
    order = services.reward_redeem(
        member=user,
        reward=selectors.reward_get(slug=slug),
        quantity=payload.quantity,
        key=f"api:{user.pk}:{payload.idempotency_key}",
        shipping={
            "name": payload.shipping_name,
            "phone": payload.shipping_phone,
            "address": payload.shipping_address,
        },
    )
    if order.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, order)
    return Status(201, order)
