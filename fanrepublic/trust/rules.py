"""Rules operators write without code: conditions over a customer's recent events and
temperature, and what to do when they hold.

A rule's conditions are a list, all of which must hold:

    {"type": "count", "verb": "trust.chat.asked", "at_least": 3, "days": 14}
    {"type": "count", "verb": "stores.purchase.recorded", "at_most": 0, "days": 14}   (absence)
    {"type": "temperature", "below": 35.5}          (or "above")

and its actions a list of:

    {"type": "open_case"}                         a service case with the customer's store manager
    {"type": "notify"}                            tell the store manager (in the app and by email)
    {"type": "tag", "tag": "hot-lead"}            label the customer
    {"type": "add_to_list", "list": "call-back"}  put the customer on a named list

The article's rule — "a customer who asked three times without buying opens a dedicated
service channel with the store manager" — is the first two conditions with open_case.

Counts are over events whose object is the customer (object_type "stores.contact"), in
the `days` before the moment of evaluation. A rule acts at most once per customer per
window of `window_days` (RuleFiring's unique key), so a replayed event or a fourth
question the same week does nothing more.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from fanrepublic.activity.models import Event
from fanrepublic.core import capabilities
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.core.text import text_problem

from . import temperature

MAX_DAYS = 365
MAX_CONDITIONS = 10
ACTION_TYPES = ("open_case", "notify", "tag", "add_to_list")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def clean_conditions(raw) -> list[dict]:
    """The conditions in canonical form, or ValidationFailed naming what is wrong."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(_("Give at least one condition."), field="conditions")
    if len(raw) > MAX_CONDITIONS:
        raise ValidationFailed(_("At most %(n)d conditions.") % {"n": MAX_CONDITIONS}, field="conditions")
    clean = []
    for number, item in enumerate(raw, start=1):
        where = _("Condition %(n)d") % {"n": number}
        if not isinstance(item, dict) or item.get("type") not in ("count", "temperature"):
            raise ValidationFailed(
                _("%(where)s: choose a count of events or a temperature.") % {"where": where}
            )
        if item["type"] == "count":
            verb = item.get("verb")
            if not isinstance(verb, str) or capabilities.verb(verb) is None:
                raise ValidationFailed(
                    _("%(where)s: choose an interaction from the list.") % {"where": where}
                )
            days = item.get("days")
            if not _whole(days) or not 1 <= days <= MAX_DAYS:
                raise ValidationFailed(
                    _("%(where)s: the period is 1 to %(max)d days.") % {"where": where, "max": MAX_DAYS}
                )
            at_least, at_most = item.get("at_least"), item.get("at_most")
            if at_least is None and at_most is None:
                raise ValidationFailed(_("%(where)s: say at least or at most how many.") % {"where": where})
            for bound in (at_least, at_most):
                if bound is not None and (not _whole(bound) or not 0 <= bound <= 10000):
                    raise ValidationFailed(_("%(where)s: a count from 0 to 10,000.") % {"where": where})
            if at_least is not None and at_most is not None and at_least > at_most:
                raise ValidationFailed(_("%(where)s: “at least” is more than “at most”.") % {"where": where})
            entry = {"type": "count", "verb": verb, "days": days}
            if at_least is not None:
                entry["at_least"] = at_least
            if at_most is not None:
                entry["at_most"] = at_most
            clean.append(entry)
        else:
            below, above = item.get("below"), item.get("above")
            if below is None and above is None:
                raise ValidationFailed(
                    _("%(where)s: say below or above which temperature.") % {"where": where}
                )
            entry = {"type": "temperature"}
            for name, bound in (("below", below), ("above", above)):
                if bound is None:
                    continue
                if isinstance(bound, bool) or not isinstance(bound, int | float) or not math.isfinite(bound):
                    raise ValidationFailed(_("%(where)s: a temperature in degrees.") % {"where": where})
                if not temperature.LOWEST <= bound <= temperature.HIGHEST:
                    raise ValidationFailed(
                        _("%(where)s: between %(low)s and %(high)s degrees.")
                        % {"where": where, "low": temperature.LOWEST, "high": temperature.HIGHEST}
                    )
                entry[name] = round(float(bound), 1)
            clean.append(entry)
    return clean


def clean_actions(raw) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(_("Give at least one action."), field="actions")
    clean, seen = [], set()
    for item in raw:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in ACTION_TYPES:
            raise ValidationFailed(_("Unknown action."), field="actions")
        entry = {"type": kind}
        if kind in ("tag", "add_to_list"):
            key = "tag" if kind == "tag" else "list"
            value = item.get(key)
            if (
                not isinstance(value, str)
                or not value.strip()
                or len(value) > 40
                or text_problem(value, single_line=True)
            ):
                raise ValidationFailed(_("Name the tag or list (1 to 40 characters)."), field="actions")
            entry[key] = value.strip()
        if (kind, entry.get("tag"), entry.get("list")) in seen:
            continue
        seen.add((kind, entry.get("tag"), entry.get("list")))
        clean.append(entry)
    return clean


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def window_of(at: datetime, window_days: int) -> int:
    """Which window `at` falls in: windows of `window_days` counted from 2000-01-01."""
    return int((at - EPOCH).total_seconds() // (window_days * 86400))


def counted_verbs(conditions: list[dict]) -> set[str]:
    return {c["verb"] for c in conditions if c["type"] == "count"}


def watches(conditions: list[dict], verb: str) -> bool:
    """Whether an event of `verb` can make the conditions true (the live evaluation
    runs only then)."""
    if any(c["type"] == "temperature" for c in conditions) and verb in temperature.factors():
        return True
    return any(c["type"] == "count" and c["verb"] == verb and c.get("at_least", 0) > 0 for c in conditions)


# --- evaluation against the log --------------------------------------------------------


def _count(contact_id: int, verb: str, *, since: datetime, until: datetime) -> int:
    return Event.objects.filter(
        object_type=temperature.CONTACT,
        object_id=str(contact_id),
        verb=verb,
        occurred_at__gt=since,
        occurred_at__lte=until,
    ).count()


def describe(condition: dict) -> str:
    """A condition in words, for rule lists and the reasons cases give."""
    if condition["type"] == "temperature":
        if "below" in condition and "above" in condition:
            return _("temperature between %(a)s° and %(b)s°") % {
                "a": condition["above"],
                "b": condition["below"],
            }
        if "below" in condition:
            return _("temperature below %(t)s°") % {"t": condition["below"]}
        return _("temperature above %(t)s°") % {"t": condition["above"]}
    declared = capabilities.verb(condition["verb"])
    what = str(declared.description).rstrip(".") if declared else condition["verb"]
    days = condition["days"]
    low, high = condition.get("at_least"), condition.get("at_most")
    if high == 0:
        return _("no “%(what)s” in %(days)d days") % {"what": what, "days": days}
    if low is not None and high is not None:
        return _("“%(what)s” %(low)d to %(high)d times in %(days)d days") % {
            "what": what,
            "low": low,
            "high": high,
            "days": days,
        }
    if low is not None:
        return _("“%(what)s” at least %(n)d times in %(days)d days") % {"what": what, "n": low, "days": days}
    return _("“%(what)s” at most %(n)d times in %(days)d days") % {"what": what, "n": high, "days": days}


def holds(conditions: list[dict], *, contact_id: int, at: datetime) -> bool:
    """Whether every condition holds for the customer at `at`, from the log."""
    for condition in conditions:
        if condition["type"] == "count":
            n = _count(contact_id, condition["verb"], since=at - timedelta(days=condition["days"]), until=at)
            if n < condition.get("at_least", 0) or n > condition.get("at_most", math.inf):
                return False
        else:
            value, _parts = temperature.explain(contact_id=contact_id, at=at, top=0)
            if "below" in condition and not value < condition["below"]:
                return False
            if "above" in condition and not value > condition["above"]:
                return False
    return True


# --- trying a rule on past data ------------------------------------------------------------


@dataclass
class DryRun:
    days: int
    firings: int = 0
    customers: int = 0
    examples: list[tuple[int, datetime]] = field(default_factory=list)  # (contact id, when)


def dry_run(
    *, conditions: list[dict], window_days: int, days: int, until: datetime, limit: int = 20000
) -> DryRun:
    """How often the rule would have fired over the past `days`: the conditions are
    checked at every moment one of their counted events happened (the only moments a
    count can rise to its threshold), with the same once-per-window rule as live.
    Reads each customer's events once and counts with binary search."""
    start = until - timedelta(days=days)
    verbs = counted_verbs(conditions)
    needs_temperature = any(c["type"] == "temperature" for c in conditions)
    table = temperature.factors()
    span = max([c["days"] for c in conditions if c["type"] == "count"] or [0])
    watched = verbs | (set(table) if needs_temperature else set())
    triggers = {c["verb"] for c in conditions if c["type"] == "count" and c.get("at_least", 0) > 0}
    if needs_temperature:
        triggers |= set(table)
    horizon = start - timedelta(days=max(span, 1))
    if needs_temperature:
        horizon = min(horizon, start - timedelta(days=max(f.half_life_days for f in table.values()) * 10))
    rows = (
        Event.objects.filter(
            object_type=temperature.CONTACT,
            verb__in=list(watched),
            occurred_at__gt=horizon,
            occurred_at__lte=until,
        )
        .order_by("object_id", "occurred_at")
        .values_list("object_id", "verb", "occurred_at")[:limit]
    )
    by_contact: dict[int, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    for object_id, verb, when in rows:
        by_contact[int(object_id)][verb].append(when)
    result = DryRun(days=days)
    for contact_id, events in by_contact.items():
        moments = sorted(t for v in triggers for t in events.get(v, ()) if start < t <= until)
        degrees_at = _temperatures_at(events, moments, table) if needs_temperature else {}
        fired_windows: set[int] = set()
        for moment in moments:
            window = window_of(moment, window_days)
            if window in fired_windows:
                continue
            if _holds_in_memory(conditions, events, moment, degrees_at.get(moment)):
                fired_windows.add(window)
                result.firings += 1
                if len(result.examples) < 10:
                    result.examples.append((contact_id, moment))
        result.customers += bool(fired_windows)
    return result


def _temperatures_at(
    events: dict[str, list[datetime]], moments: list[datetime], table
) -> dict[datetime, float]:
    """The customer's temperature at each of `moments` (sorted), from their events: one
    pass that adds each interaction once to decayed sums (temperature.add_interaction,
    as live), not a sum over every earlier event per moment — that was quadratic in a
    customer's events, and one customer writes as many chat messages as they like."""
    interactions = sorted((t, verb) for verb, times in events.items() if verb in table for t in times)
    values: dict[datetime, float] = {}
    sums: dict[str, float] = {}
    computed_at = None
    next_one = 0
    for moment in moments:
        while next_one < len(interactions) and interactions[next_one][0] <= moment:
            when, verb = interactions[next_one]
            sums, computed_at = temperature.add_interaction(
                sums, computed_at=computed_at, verb=verb, at=when, table=table
            )
            next_one += 1
        values[moment] = temperature.degrees(sums, at=moment, computed_at=computed_at or moment, table=table)
    return values


def _holds_in_memory(
    conditions, events: dict[str, list[datetime]], at: datetime, degrees: float | None
) -> bool:
    for condition in conditions:
        if condition["type"] == "count":
            times = events.get(condition["verb"], [])
            since = at - timedelta(days=condition["days"])
            n = bisect.bisect_right(times, at) - bisect.bisect_right(times, since)
            if n < condition.get("at_least", 0) or n > condition.get("at_most", math.inf):
                return False
        else:
            value = temperature.NEUTRAL if degrees is None else degrees
            if "below" in condition and not value < condition["below"]:
                return False
            if "above" in condition and not value > condition["above"]:
                return False
    return True
