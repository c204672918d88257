import time
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from fanrepublic.core.errors import NotFound

from .enums import HoldStatus, SaleStatus, UnitState
from .models import Entrant, FlashSale, Hold, Unit
from .permissions import can_run_sales


def sales_listed(*, viewer):
    rows = FlashSale.objects.all()
    if not can_run_sales(viewer):
        rows = rows.exclude(status=SaleStatus.DRAFT)
    return rows.order_by("-opens_at")


def sale_get(*, viewer, slug: str) -> FlashSale:
    sale = FlashSale.objects.filter(slug=slug[:50]).first()
    if sale is None or (sale.status == SaleStatus.DRAFT and not can_run_sales(viewer)):
        raise NotFound()
    return sale


@dataclass(frozen=True)
class SaleTerms:
    """What the reservation path needs of a sale; whether it is open, closed or sold out
    is Redis's to say (admission.py), so a copy a few seconds old is right."""

    pk: int
    opens_at: datetime
    admit_per_second: int
    per_member_limit: int
    hold_seconds: int


_TERMS: dict[str, tuple[SaleTerms, float]] = {}
TERMS_SECONDS = 5


def sale_terms(slug: str) -> SaleTerms:
    """The sale's terms, remembered by the process for a few seconds (a plain dict: this
    runs on every reservation on launch night). A draft or missing sale: NotFound."""
    found = _TERMS.get(slug)
    if found is None or found[1] < time.monotonic():
        sale = FlashSale.objects.filter(slug=slug[:50]).exclude(status=SaleStatus.DRAFT).first()
        if sale is None:
            raise NotFound()
        terms = SaleTerms(
            sale.pk, sale.opens_at, sale.admit_per_second, sale.per_member_limit, sale.hold_seconds
        )
        if len(_TERMS) > 1000:
            _TERMS.clear()
        found = _TERMS[slug] = (terms, time.monotonic() + TERMS_SECONDS)
    return found[0]


def unit_counts_of(sales) -> dict[int, dict]:
    """{sale id: {state: units}} for several sales, in one query."""
    found = {sale.pk: dict.fromkeys(UnitState.values, 0) for sale in sales}
    rows = Unit.objects.filter(sale__in=list(found)).values_list("sale_id", "state").annotate(n=Count("id"))
    for sale_id, state, n in rows:
        found[sale_id][state] = n
    return found


def unit_counts(sale) -> dict:
    """The sale's units by state, as every waiting member's page polls them: counted at
    most once a second per sale (core.cache), not once per member per poll."""
    key = f"flash:{sale.pk}:unit-counts"
    counts = cache.get(key)
    if counts is None:
        counts = unit_counts_of([sale])[sale.pk]
        cache.set(key, counts, timeout=1)
    return counts


def holds_of(*, member, sale):
    if not member.is_authenticated:
        return Hold.objects.none()
    return Hold.objects.filter(sale=sale, member=member).select_related("payment").order_by("-created_at")


def my_hold(*, member, sale, hold_id: int) -> Hold:
    hold = holds_of(member=member, sale=sale).filter(pk=hold_id).first()
    if hold is None:
        raise NotFound()
    return hold


def fairness_record(sale) -> dict:
    """What anyone may check once the sale opened: how many queued and tried, when it
    sold out, the draw's seed (its hash was public before), the order units went."""
    entrants = sale.entrants.aggregate(
        count=Count("id"), total_attempts=Sum("attempts"), tried=Count("id", filter=Q(attempts__gt=0))
    )
    sold = list(
        Hold.objects.filter(sale=sale, status=HoldStatus.PAID)
        .order_by("paid_at", "id")
        .values_list("unit_number", "paid_at")
    )
    return {
        "entrants": entrants["count"],
        "tried": entrants["tried"],
        "attempts": entrants["total_attempts"] or 0,
        "drawn": sale.drawn_count,
        "seed": sale.seed if sale.drawn_at else "",
        "seed_sha256": sale.seed_sha256,
        "sold_out_at": sale.sold_out_at,
        # Who bought is their business: the record shows which unit went when, not to whom.
        "sold": [
            {"order": i, "unit": unit, "paid_at": paid_at} for i, (unit, paid_at) in enumerate(sold, start=1)
        ],
        "expired_holds": Hold.objects.filter(sale=sale, status=HoldStatus.EXPIRED).count(),
    }


def draw_keys(sale) -> list[str]:
    """The early entrants' draw keys in the order of their places (once drawn): each
    entrant can find their own — HMAC-SHA256(seed, their member id) — and its place."""
    from .services import draw_key

    if sale.drawn_at is None:
        return []
    members = Entrant.objects.filter(sale=sale, position__lte=sale.drawn_count).order_by("position")
    return [draw_key(sale, member_id) for member_id in members.values_list("member_id", flat=True)]


def my_draw(*, sale, member) -> dict | None:
    if sale.drawn_at is None or not member.is_authenticated:
        return None
    entrant = Entrant.objects.filter(sale=sale, member=member).first()
    if entrant is None:
        return None
    from .services import draw_key

    return {
        "member_id": member.pk,
        "key": draw_key(sale, member.pk),
        "position": entrant.position,
        "in_draw": entrant.position is not None and entrant.position <= sale.drawn_count,
    }
