"""Do the stored purchases add up to what the source system says it sold?

A read: the source's own export (the CSV or JSON the point of sale produces) is grouped
by day, store and currency and compared with the orders stored from that source, so a
lost batch, a double import or a changed order shows up as a difference with its
order numbers."""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from fanrepublic.activity.models import Integration

from .enums import OrderKind
from .models import Order
from .purchases import _Known, clean_order, orders_from_csv


@dataclass
class Group:
    day: str
    store: str
    currency: str
    source_orders: int = 0
    source_total: Decimal = Decimal("0.00")
    stored_orders: int = 0
    stored_total: Decimal = Decimal("0.00")

    @property
    def matches(self) -> bool:
        return self.source_orders == self.stored_orders and self.source_total == self.stored_total


@dataclass
class Reconciliation:
    groups: list[Group]
    missing: list[str] = field(default_factory=list)  # in the source, not stored
    changed: list[str] = field(default_factory=list)  # stored with other contents
    unreadable: list[str] = field(default_factory=list)  # source orders that do not parse

    @property
    def matches(self) -> bool:
        return all(g.matches for g in self.groups) and not (self.missing or self.changed or self.unreadable)


def _signed(kind: str, total: Decimal) -> Decimal:
    return -total if kind == OrderKind.REFUND else total


def source_items(content: bytes, filename: str) -> list:
    if filename.lower().endswith(".json"):
        data = json.loads(content.decode("utf-8-sig"))
        return data.get("orders", []) if isinstance(data, dict) else data
    items, _rows, _problems = orders_from_csv(content)
    return items


def reconcile(*, integration: Integration, items: list) -> Reconciliation:
    known = _Known.for_items(items)
    groups: dict[tuple, Group] = {}
    report = Reconciliation(groups=[])
    source_ids = {}
    for item in items:
        clean, errors = clean_order(item, known)
        if clean is None:
            order_id = item.get("order_id") if isinstance(item, dict) else None
            report.unreadable.append(str(order_id or "?")[:100])
            continue
        day = timezone.localdate(clean.occurred_at).isoformat()
        store = clean.store.slug if clean.store else ""
        key = (day, store, clean.currency)
        group = groups.setdefault(key, Group(day, store, clean.currency))
        group.source_orders += 1
        group.source_total += _signed(clean.kind, clean.total)
        source_ids[clean.external_id] = clean.fingerprint
    days = {g.day for g in groups.values()}
    stored = (
        Order.objects.filter(integration=integration)
        .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "store__slug", "currency", "kind")
        .annotate(n=Count("pk"), total=Sum("total"))
    )
    for row in stored:
        day = row["day"].isoformat()
        if day not in days:
            continue  # the source export covers only its own days
        key = (day, row["store__slug"] or "", row["currency"])
        group = groups.setdefault(key, Group(*key))
        group.stored_orders += row["n"]
        group.stored_total += _signed(row["kind"], row["total"])
    report.groups = sorted(groups.values(), key=lambda g: (g.day, g.store, g.currency))
    fingerprints = dict(
        Order.objects.filter(integration=integration, external_id__in=list(source_ids)).values_list(
            "external_id", "fingerprint"
        )
    )
    for external_id, fingerprint in source_ids.items():
        if external_id not in fingerprints:
            report.missing.append(external_id)
        elif fingerprints[external_id] != fingerprint:
            report.changed.append(external_id)
    return report
