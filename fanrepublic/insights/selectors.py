"""Reads, already limited to what the asking member may see: everything here is for
operators and the founder (permissions.can_see_insights); anyone else gets NotFound."""

from datetime import date, datetime, time

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import TrustLevel
from fanrepublic.stores.enums import OrderKind
from fanrepublic.stores.models import Order

from . import permissions
from .enums import FitStatus
from .models import ClvFit, ClvScore

CURRENCY = "CNY"


def _allowed(viewer) -> None:
    if not permissions.can_see_insights(viewer):
        raise NotFound()


def member_purchase_days(*, start: date, end: date) -> list[tuple[int, date, float]]:
    """(member, local day, signed amount) of every yuan sale and refund of members whose
    sale falls in [start, end]. A refund counts on its sale's day, so a day refunded in
    full is no purchase at all (clv.summarise)."""
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone)
    until = timezone.make_aware(datetime.combine(end, time.max), zone)
    rows = (
        Order.objects.filter(member__isnull=False, currency=CURRENCY)
        .filter(
            Q(kind=OrderKind.SALE, occurred_at__range=(since, until))
            | Q(kind=OrderKind.REFUND, refund_of__occurred_at__range=(since, until))
        )
        .values_list("member_id", "kind", "total", "occurred_at", "refund_of__occurred_at")
    )
    found = []
    for member_id, kind, total, occurred_at, sale_at in rows.iterator(chunk_size=10_000):
        if kind == OrderKind.REFUND:
            found.append((member_id, timezone.localtime(sale_at, zone).date(), -float(total)))
        else:
            found.append((member_id, timezone.localtime(occurred_at, zone).date(), float(total)))
    return found


def fits(*, viewer) -> QuerySet[ClvFit]:
    _allowed(viewer)
    return ClvFit.objects.select_related("requested_by")


def fit_get(*, viewer, pk: int) -> ClvFit:
    try:
        return fits(viewer=viewer).get(pk=pk)
    except ClvFit.DoesNotExist:
        raise NotFound() from None


def latest_fit(*, viewer) -> ClvFit | None:
    return fits(viewer=viewer).filter(status=FitStatus.DONE).first()


def running_fit(*, viewer) -> ClvFit | None:
    return fits(viewer=viewer).filter(status=FitStatus.RUNNING).first()


def _group_rows(queryset, label_of) -> list[dict]:
    rows = []
    for row in queryset:
        size = row["members"]
        shown = permissions.shows_group(size)
        rows.append(
            {
                "label": label_of(row["group"]),
                "members": size,
                "shown": shown,
                "p_alive": row["p_alive"] if shown else None,
                "purchases": row["purchases"] if shown else None,
                "value": row["value"] if shown else None,
                "mean_value": (row["value"] / size) if shown and row["value"] is not None else None,
            }
        )
    return rows


def _aggregate(scores, group_by) -> QuerySet:
    return (
        scores.values(group=group_by)
        .annotate(
            members=Count("pk"),
            p_alive=Avg("p_alive"),
            purchases=Avg("purchases"),
            value=Sum("value"),
        )
        .order_by("group")
    )


def segments(*, viewer, fit: ClvFit) -> dict[str, list[dict]]:
    """The fit's members grouped by the quarter of their first purchase (cohorts) and by
    trust level; a group of fewer than MIN_GROUP members shows its size only."""
    _allowed(viewer)
    scores = ClvScore.objects.filter(fit=fit)
    trust = dict(TrustLevel.choices)
    return {
        "cohorts": _group_rows(
            _aggregate(scores, TruncQuarter("first_purchase")),
            lambda quarter: f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}",
        ),
        "trust_levels": _group_rows(
            _aggregate(scores, F("member__trust_level")), lambda level: trust.get(level, str(level))
        ),
    }


def totals(*, viewer, fit: ClvFit) -> dict:
    _allowed(viewer)
    return ClvScore.objects.filter(fit=fit).aggregate(
        members=Count("pk"),
        value=Sum("value"),
        value_low=Sum("value_low"),
        value_high=Sum("value_high"),
        purchases=Sum("purchases"),
        likely_alive=Count("pk", filter=Q(p_alive__gte=0.5)),
    )


def top_members(*, viewer, fit: ClvFit, limit: int = 50) -> QuerySet[ClvScore]:
    _allowed(viewer)
    return (
        ClvScore.objects.filter(fit=fit, value__isnull=False)
        .select_related("member")
        .order_by("-value")[:limit]
    )


def member_history(*, viewer, member_id: int) -> list[ClvScore]:
    """One member's figures in every fit that still keeps them, newest first."""
    _allowed(viewer)
    found = list(
        ClvScore.objects.filter(member_id=member_id, fit__status=FitStatus.DONE)
        .select_related("fit", "member")
        .order_by("-fit__started_at")
    )
    if not found:
        raise NotFound()
    return found


def holdout_bucket_label(row: dict) -> str:
    return (
        _("%(count)s or more") % {"count": row["repeat_purchases"]}
        if row["or_more"]
        else str(row["repeat_purchases"])
    )


def export_scores(*, viewer, fit: ClvFit):
    _allowed(viewer)
    return (
        ClvScore.objects.filter(fit=fit)
        .select_related("member")
        .order_by("member_id")
        .iterator(chunk_size=2000)
    )
