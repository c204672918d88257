"""The value of an interaction: members who did it against members who did not, raw and
matched (matching.py), from the platform's own data.

The design (docs/insights.md, "The value of an interaction"):
- treated: members whose first interaction of the kind falls before the end less
  MIN_FOLLOW_DAYS; their index date is that first interaction;
- untreated: every other member, each given an index date drawn from the treated
  members' (so both groups are measured over the same calendar);
- both groups only members who were already customers (a purchase day before their
  index date, up to WINDOW_YEARS back): the question is what the interaction changes
  in a customer's spend, and members who never bought would only dilute it;
- before the index date (365 days): spend, tenure (days since joining), activity
  (events in the log) — what the matching compares;
- after it, to the end: spend per year — the outcome.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.activity.models import Event

from . import matching, permissions, selectors
from .interactions import first_dates

PRIOR_DAYS = 365
MIN_FOLLOW_DAYS = 14
WINDOW_YEARS = 3
COVARIATES = ("log_prior_spend", "log_tenure_days", "log_prior_events")


@dataclass(frozen=True)
class Cohorts:
    treated_ids: np.ndarray
    control_ids: np.ndarray
    treated_x: np.ndarray
    control_x: np.ndarray
    treated_y: np.ndarray
    control_y: np.ndarray


def _members():
    """Members the comparison is about: active accounts without a staff role."""
    return get_user_model().objects.filter(is_active=True, is_staff=False, groups__isnull=True)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def cohorts(kinds, *, end: date, seed: int = 0) -> Cohorts | None:
    """The two groups with their covariates and outcome; None if either has fewer than
    MIN_GROUP members (permissions.py)."""
    last_index = end - timedelta(days=MIN_FOLLOW_DAYS)
    joined = dict(_members().values_list("pk", "date_joined"))
    firsts = {
        member: timezone.localtime(at).date()
        for member, at in first_dates(kinds, until=_start_of(end + timedelta(days=1))).items()
        if member in joined
    }
    treated = {member: day for member, day in firsts.items() if day <= last_index}
    controls = [member for member in joined if member not in firsts]
    if not (permissions.shows_group(len(treated)) and permissions.shows_group(len(controls))):
        return None
    rng = np.random.default_rng(seed)
    treated_days = np.array(sorted(treated.values()), dtype="datetime64[D]")
    index = dict(treated)
    for member, drawn in zip(controls, rng.choice(treated_days, size=len(controls)), strict=True):
        index[member] = drawn.item()
    earliest = min(index.values()) - timedelta(days=PRIOR_DAYS)
    spend = defaultdict(list)
    for member, day, amount in selectors.member_purchase_days(
        start=end - timedelta(days=365 * WINDOW_YEARS), end=end
    ):
        if member in index:
            spend[member].append((day, amount))

    def was_customer(member):
        by_day = defaultdict(float)
        for day, amount in spend[member]:
            if day < index[member]:
                by_day[day] += amount
        return any(amount > 0 for amount in by_day.values())

    events = defaultdict(list)
    rows = Event.objects.filter(actor_id__in=list(index), occurred_at__gte=_start_of(earliest)).values_list(
        "actor_id", "occurred_at"
    )
    for member, at in rows.iterator(chunk_size=10_000):
        events[member].append(timezone.localtime(at).date())

    def measure(member):
        day = index[member]
        since = day - timedelta(days=PRIOR_DAYS)
        prior = sum(amount for d, amount in spend[member] if since <= d < day)
        after = sum(amount for d, amount in spend[member] if day <= d <= end)
        follow_days = (end - day).days + 1
        tenure = max(0, (day - timezone.localtime(joined[member]).date()).days)
        activity = sum(1 for d in events[member] if since <= d < day)
        # Logarithms: spend and activity are heavy-tailed, and the matching's distances
        # and its regression should not be run by a few big spenders.
        return [np.log1p(prior), np.log1p(tenure), np.log1p(activity)], after / follow_days * 365

    t_ids = sorted(m for m in treated if was_customer(m))
    c_ids = sorted(m for m in controls if was_customer(m))
    # A group's mean spend would point at its members when it has only a few of them.
    if not (permissions.shows_group(len(t_ids)) and permissions.shows_group(len(c_ids))):
        return None
    t_rows = [measure(m) for m in t_ids]
    c_rows = [measure(m) for m in c_ids]
    return Cohorts(
        treated_ids=np.array(t_ids),
        control_ids=np.array(c_ids),
        treated_x=np.array([x for x, _y in t_rows], dtype=float).reshape(len(t_ids), len(COVARIATES)),
        control_x=np.array([x for x, _y in c_rows], dtype=float).reshape(len(c_ids), len(COVARIATES)),
        treated_y=np.array([y for _x, y in t_rows], dtype=float),
        control_y=np.array([y for _x, y in c_rows], dtype=float),
    )


def compare(kinds, *, end: date, bootstrap: int = 400, seed: int = 0) -> matching.Comparison | None:
    groups = cohorts(kinds, end=end, seed=seed)
    if groups is None or len(groups.control_y) < 2:
        return None
    return matching.compare(
        groups.treated_x,
        groups.treated_y,
        groups.control_x,
        groups.control_y,
        names=COVARIATES,
        bootstrap=bootstrap,
        seed=seed,
    )
