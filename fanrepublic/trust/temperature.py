"""The trust temperature: how warm a customer's relationship with the brand is.

    temperature(t) = 36.0 + Σ over the customer's interactions i of  w(kind_i) · ½^((t − t_i) / h(kind_i))

clipped to 33.0–41.0 °. Every interaction of a kind adds its weight `w` in degrees
(negative for complaints and questions left unanswered), and that contribution halves
every `h` days, so what happened last week counts more than what happened last year and
a customer nobody talks to drifts back to 36.0 °, neutral. Operators change the weights
and half-lives (TemperatureFactor rows); DEFAULT_FACTORS below is the documented default,
chosen so that a purchase outweighs a complaint for a season while a string of
unanswered questions cools a customer within days.

Incremental update: per customer we keep, for each kind, the decayed count
S_k(t₀) = Σ ½^((t₀ − t_i)/h_k) as of t₀. A new interaction at t ≥ t₀ makes it
S_k(t) = S_k(t₀)·½^((t − t₀)/h_k) + 1, so each event costs O(kinds), not a read of the
log; the temperature is 36 + Σ w_k · S_k. A weight change applies at once (sums are
counts); a half-life change needs `temperatures_recompute`, which rebuilds every sum
from the log (one GROUP BY on PostgreSQL; the same sums computed in Python elsewhere).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.activity.models import Event

NEUTRAL = 36.0
LOWEST, HIGHEST = 33.0, 41.0
CONTACT = "stores.contact"  # events about a customer name the contact as their object
# An interaction older than this many half-lives adds less than 0.1 % of its weight.
HORIZON_HALF_LIVES = 10


@dataclass(frozen=True)
class Factor:
    verb: str
    weight: float  # degrees
    half_life_days: float
    label: str


DEFAULT_FACTORS: dict[str, Factor] = {
    f.verb: f
    for f in (
        Factor("stores.purchase.recorded", 1.5, 90, _("Purchase")),
        Factor("stores.purchase.refunded", -0.8, 60, _("Refund")),
        Factor("stores.visit.recorded", 0.8, 30, _("Store visit")),
        Factor("trust.question.answered", 0.6, 14, _("Staff answered their question")),
        Factor("trust.case.responded", 0.6, 14, _("Store manager replied in a service case")),
        Factor("trust.chat.praised", 0.4, 14, _("Positive message")),
        Factor("trust.chat.asked", 0.1, 7, _("Asked about buying, price or stock")),
        Factor("trust.chat.said", 0.05, 7, _("Other message")),
        Factor("trust.chat.grumbled", -0.4, 14, _("Negative message")),
        Factor("trust.chat.complained", -1.2, 30, _("Complaint")),
        Factor("trust.question.unanswered", -0.7, 14, _("Question left unanswered")),
    )
}


FACTORS_CACHE_KEY = "trust:factors"
FACTORS_CACHE_SECONDS = 10  # a changed weight reaches every process within this


def factors() -> dict[str, Factor]:
    """The factors in force: the defaults with the operators' changes over them. Asked
    for every interaction, so kept briefly in the process's memory."""
    from .models import TemperatureFactor

    local = caches["process"]
    changed = local.get(FACTORS_CACHE_KEY)
    if changed is None:
        changed = {row.verb: (row.weight, row.half_life_days) for row in TemperatureFactor.objects.all()}
        local.set(FACTORS_CACHE_KEY, changed, FACTORS_CACHE_SECONDS)
    merged = dict(DEFAULT_FACTORS)
    for verb, (weight, half_life) in changed.items():
        label = DEFAULT_FACTORS[verb].label if verb in DEFAULT_FACTORS else verb
        merged[verb] = Factor(verb, weight, half_life, label)
    return merged


def factors_changed() -> None:
    caches["process"].delete(FACTORS_CACHE_KEY)


def _decay(age_days: float, half_life_days: float) -> float:
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def degrees(
    sums: dict[str, float], *, at: datetime, computed_at: datetime, table: dict[str, Factor]
) -> float:
    """The temperature at `at` from the decayed counts kept as of `computed_at`."""
    total = NEUTRAL
    age = _days(at - computed_at)
    for verb, count in sums.items():
        factor = table.get(verb)
        if factor is not None:
            total += factor.weight * count * _decay(age, factor.half_life_days)
    return min(HIGHEST, max(LOWEST, total))


def add_interaction(
    sums: dict[str, float], *, computed_at: datetime | None, verb: str, at: datetime, table: dict[str, Factor]
) -> tuple[dict[str, float], datetime]:
    """The decayed counts after one more interaction of `verb` at `at` (which may be
    earlier than `computed_at`: a late delivery adds its already-faded share)."""
    if computed_at is None:
        return {verb: 1.0}, at
    if at >= computed_at:
        age = _days(at - computed_at)
        moved = {v: c * _decay(age, table[v].half_life_days) if v in table else c for v, c in sums.items()}
        moved[verb] = moved.get(verb, 0.0) + 1.0
        return moved, at
    moved = dict(sums)
    moved[verb] = moved.get(verb, 0.0) + _decay(_days(computed_at - at), table[verb].half_life_days)
    return moved, computed_at


@transaction.atomic
def record_interaction(*, contact_id: int, verb: str, at: datetime) -> float:
    """Apply one interaction to the customer's stored temperature (under a row lock, so
    concurrent events for one customer add up). Returns the new temperature."""
    from .models import Temperature

    table = factors()
    if verb not in table:
        return NEUTRAL
    Temperature.objects.get_or_create(
        contact_id=contact_id, defaults={"value": NEUTRAL, "sums": {}, "computed_at": at}
    )
    row = Temperature.objects.select_for_update().get(contact_id=contact_id)
    sums, computed_at = add_interaction(
        row.sums if row.sums else {},
        computed_at=row.computed_at if row.sums else None,
        verb=verb,
        at=at,
        table=table,
    )
    row.sums = {v: round(c, 9) for v, c in sums.items() if c > 1e-9}
    row.computed_at = computed_at
    row.value = round(degrees(row.sums, at=computed_at, computed_at=computed_at, table=table), 3)
    row.save(update_fields=["sums", "computed_at", "value"])
    return row.value


@dataclass
class Contribution:
    label: str
    verb: str
    at: datetime
    degrees: float


def explain(*, contact_id: int, at: datetime | None = None, top: int = 5) -> tuple[float, list[Contribution]]:
    """ "Why 36.2°": the temperature now and the interactions that weigh most in it,
    computed from the log itself."""
    at = at or timezone.now()
    table = factors()
    horizon = max(f.half_life_days for f in table.values()) * HORIZON_HALF_LIVES
    events = Event.objects.filter(
        object_type=CONTACT,
        object_id=str(contact_id),
        verb__in=list(table),
        occurred_at__gte=at - timedelta(days=horizon),
        occurred_at__lte=at,
    ).values_list("verb", "occurred_at")
    parts = [
        Contribution(
            str(table[verb].label),
            verb,
            when,
            table[verb].weight * _decay(_days(at - when), table[verb].half_life_days),
        )
        for verb, when in events
    ]
    value = min(HIGHEST, max(LOWEST, NEUTRAL + sum(p.degrees for p in parts)))
    parts.sort(key=lambda p: abs(p.degrees), reverse=True)
    return value, [p for p in parts[:top] if abs(p.degrees) >= 0.005]


def reference_sums(events, *, at: datetime, table: dict[str, Factor]) -> dict[int, dict[str, float]]:
    """Decayed counts per customer straight from the definition, in Python: the
    embedded database's recomputation and the cross-check of the SQL one."""
    sums: dict[int, dict[str, float]] = {}
    for contact_id, verb, when in events:
        factor = table.get(verb)
        if factor is None or when > at:
            continue
        per = sums.setdefault(int(contact_id), {})
        per[verb] = per.get(verb, 0.0) + _decay(_days(at - when), factor.half_life_days)
    return sums


def _recompute_in_sql(*, at: datetime, table: dict[str, Factor]) -> int:
    """Every customer's sums and temperature in one statement on PostgreSQL: one pass
    over the log grouped by customer, a filtered sum per kind of interaction (so the hash
    table holds one entry per customer, not one per customer and kind), folded into the
    stored row. Per event: ½^(age/h) = exp((t − at)·ln2/h), with t as float8 seconds
    (`date_part`: EXTRACT returns numeric, several times slower) and the kind found by a
    hash join on a small VALUES list (an integer to filter on, not text compared 11 times).
    Only placeholders are formatted into the SQL; every value is a parameter."""
    factors_ = list(table.values())
    kinds = ", ".join("(%s, %s::int, %s::float8)" for _ in factors_)
    sums = ", ".join(f"SUM(d.decay) FILTER (WHERE d.kind = {i}) AS n{i}" for i in range(len(factors_)))
    degrees_sql = " + ".join(f"COALESCE(%s::float8 * s.n{i}, 0)" for i in range(len(factors_)))
    json_sql = ", ".join(f"%s, round(s.n{i}::numeric, 9)" for i in range(len(factors_)))
    sql = f"""
        WITH f(verb, kind, rate) AS (VALUES {kinds}),
        d AS (
            SELECT e.object_id, f.kind,
                   exp((date_part('epoch', e.occurred_at) - %s::float8) * f.rate) AS decay
            FROM activity_event e JOIN f ON f.verb = e.verb
            WHERE e.object_type = %s AND e.occurred_at <= %s
        ),
        s AS (SELECT d.object_id::bigint AS contact_id, {sums} FROM d GROUP BY d.object_id)
        INSERT INTO trust_temperature (contact_id, value, sums, computed_at)
        SELECT s.contact_id,
               round(LEAST(%s, GREATEST(%s, %s + {degrees_sql}))::numeric, 3),
               jsonb_strip_nulls(jsonb_build_object({json_sql})),
               %s
        FROM s JOIN stores_contact c ON c.id = s.contact_id
        ON CONFLICT (contact_id) DO UPDATE
            SET value = EXCLUDED.value, sums = EXCLUDED.sums, computed_at = EXCLUDED.computed_at
    """  # noqa: S608
    params: list = []
    for i, f in enumerate(factors_):
        params += [f.verb, i, math.log(2) / (f.half_life_days * 86400.0)]
    params += [at.timestamp(), CONTACT, at]
    params += [HIGHEST, LOWEST, NEUTRAL, *[f.weight for f in factors_]]
    for f in factors_:
        params.append(f.verb)
    params.append(at)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def temperatures_recompute(*, at: datetime | None = None, batch: int = 20000) -> int:
    """Rebuild every customer's temperature from the log (after a half-life change, or
    to repair drift). Returns how many customers have one from their interactions."""
    from fanrepublic.stores.models import Contact

    from .models import Temperature

    at = at or timezone.now()
    table = factors()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            count = _recompute_in_sql(at=at, table=table)
        else:
            events = Event.objects.filter(object_type=CONTACT, verb__in=list(table)).values_list(
                "object_id", "verb", "occurred_at"
            )
            per = reference_sums(events.iterator(chunk_size=batch), at=at, table=table)
            known = set(Contact.objects.filter(pk__in=list(per)).values_list("pk", flat=True))
            rows = [
                Temperature(
                    contact_id=contact_id,
                    sums={v: round(c, 9) for v, c in sums.items()},
                    computed_at=at,
                    value=round(degrees(sums, at=at, computed_at=at, table=table), 3),
                )
                for contact_id, sums in per.items()
                if contact_id in known
            ]
            Temperature.objects.bulk_create(
                rows,
                batch_size=batch,
                update_conflicts=True,
                unique_fields=["contact"],
                update_fields=["sums", "computed_at", "value"],
            )
            count = len(rows)
        # Customers none of whose interactions count any more fall back to neutral.
        Temperature.objects.exclude(computed_at=at).update(sums={}, value=NEUTRAL, computed_at=at)
    return count
