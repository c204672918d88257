"""How orders show in a wallet's history, and the points they hold while open
(registered with points/history.py when the app is ready)."""

from django.db.models import Sum
from django.urls import reverse

from fanrepublic.points import history

from .enums import OrderStatus
from .models import Order


@history.describes("rewards.order")
def describe_orders(ids: set[int]) -> dict[int, tuple[str, str]]:
    url = reverse("rewards:orders")
    orders = Order.objects.filter(pk__in=ids).select_related("reward")
    return {o.pk: (url, f"{o.reward.display_name} × {o.quantity}") for o in orders}


@history.pending_source
def points_in_open_orders(member) -> int:
    """Spent on orders still open: back in the wallet if they are cancelled."""
    placed = Order.objects.filter(member=member, status=OrderStatus.PLACED)
    return placed.aggregate(n=Sum("points_total"))["n"] or 0
