from django.db.models import QuerySet

from fanrepublic.core.errors import NotFound

from .enums import OrderStatus
from .models import Order, Reward


def rewards_on_sale() -> QuerySet[Reward]:
    return Reward.objects.filter(is_active=True).order_by("position", "price_points")


def reward_get(*, slug: str) -> Reward:
    reward = Reward.objects.filter(slug=slug, is_active=True).first()
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


def orders_by_id(*, ids) -> dict[int, Order]:
    return {o.pk: o for o in Order.objects.filter(pk__in=ids).select_related("reward")}


def open_order_points(*, member) -> int:
    from django.db.models import Sum

    return (
        Order.objects.filter(member=member, status=OrderStatus.PLACED).aggregate(n=Sum("points_total"))["n"]
        or 0
    )
