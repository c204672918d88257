from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from fanrepublic.core.errors import NotFound

from .enums import COUNTED_STATUSES, OrderStatus
from .models import Order, Reward


def rewards_on_sale() -> QuerySet[Reward]:
    return Reward.objects.filter(is_active=True).order_by("position", "price_points")


def catalogue_for_staff() -> QuerySet[Reward]:
    return Reward.objects.annotate(
        open_orders=Count("orders", filter=Q(orders__status=OrderStatus.PLACED)),
        redeemed=Sum("orders__quantity", filter=Q(orders__status__in=COUNTED_STATUSES)),
    ).order_by("-is_active", "position", "price_points")


def reward_get(*, slug: str, include_inactive: bool = False) -> Reward:
    rewards = Reward.objects.all() if include_inactive else Reward.objects.filter(is_active=True)
    reward = rewards.filter(slug=slug).first()
    if reward is None:
        raise NotFound()
    return reward


def orders_of(*, member) -> QuerySet[Order]:
    return Order.objects.filter(member=member).select_related("reward").order_by("-created_at", "-id")


def order_get_for(*, member, pk: int) -> Order:
    order = Order.objects.select_related("reward", "debit").filter(pk=pk, member=member).first()
    if order is None:
        raise NotFound()
    return order


def open_orders() -> QuerySet[Order]:
    return (
        Order.objects.filter(status=OrderStatus.PLACED)
        .select_related("reward", "member")
        .order_by("created_at", "id")
    )


def order_get(*, pk: int) -> Order:
    order = Order.objects.select_related("reward", "member", "debit").filter(pk=pk).first()
    if order is None:
        raise NotFound()
    return order


def yuan_per_point() -> Decimal | None:
    """What a point buys in yuan at the store's prices: the retail value of the rewards on
    sale that have a retail price ÷ their prices in points (a catalogue-weighted rate, so
    a dear item counts as much as its price says). None while no reward has a retail price."""
    priced = Reward.objects.filter(is_active=True, retail_price__isnull=False).aggregate(
        yuan=Sum("retail_price"), points=Sum("price_points")
    )
    if not priced["points"]:
        return None
    return priced["yuan"] / priced["points"]
