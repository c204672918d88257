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
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.activity.models import Event

from . import matching, nps, permissions, selectors
from .interactions import day_start, first_dates
from .models import SurveyResponse

PRIOR_DAYS = 365
MIN_FOLLOW_DAYS = 14
WINDOW_YEARS = 3
COVARIATES = ("log_prior_spend", "log_tenure_days", "log_prior_events")
# A group larger than this is represented by a random sample of this many customers
# (drawn from CANDIDATES members, since some turn out not to be customers yet): beyond
# it the intervals barely narrow, while reading and matching grow with every member.
MAX_GROUP = 10_000
CANDIDATES = 3 * MAX_GROUP
CHUNK = 5_000  # members per query: parameter lists stay well inside the drivers' limits


@dataclass(frozen=True)
class Cohorts:
    population: tuple[int, int]  # members who did it and who did not, before any sampling
    treated_ids: np.ndarray
    control_ids: np.ndarray
    treated_x: np.ndarray
    control_x: np.ndarray
    treated_y: np.ndarray
    control_y: np.ndarray


def _members():
    """Members the comparison is about: active accounts without a staff role."""
    return get_user_model().objects.filter(is_active=True, is_staff=False, groups__isnull=True)


class _History:
    """What the comparisons need to know of some members: their purchase days (up to
    WINDOW_YEARS back), their events in the log from a year before `since`, and when
    they joined — read once, then measured at any member's own date."""

    def __init__(self, members, *, joined: dict, since: date, end: date):
        wanted = sorted(set(members))
        self.joined = joined
        self.days = defaultdict(lambda: defaultdict(float))
        self.events = defaultdict(list)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for member, day, amount in selectors.member_purchase_days(
                start=end - timedelta(days=365 * WINDOW_YEARS), end=end, members=chunk
            ):
                self.days[member][day] += amount
            rows = Event.objects.filter(
                actor_id__in=chunk, occurred_at__gte=day_start(since - timedelta(days=PRIOR_DAYS))
            ).values_list("actor_id", "occurred_at")
            for member, at in rows.iterator(chunk_size=10_000):
                self.events[member].append(timezone.localtime(at).date())

    def spend(self, member, start: date, end: date) -> float:
        return sum(amount for day, amount in self.days[member].items() if start <= day <= end)

    def was_customer(self, member, day: date) -> bool:
        return any(amount > 0 for d, amount in self.days[member].items() if d < day)

    def covariates(self, member, day: date) -> list[float]:
        """Spend, days as a member and events in the year before `day`, as logarithms:
        spend and activity are heavy-tailed, and the matching's distances and its
        regression should not be run by a few big spenders."""
        since = day - timedelta(days=PRIOR_DAYS)
        prior = sum(amount for d, amount in self.days[member].items() if since <= d < day)
        tenure = max(0, (day - timezone.localtime(self.joined[member]).date()).days)
        activity = sum(1 for d in self.events[member] if since <= d < day)
        return [np.log1p(max(prior, 0.0)), np.log1p(tenure), np.log1p(activity)]


def _sample(members: list, size: int, rng) -> list:
    """`size` of `members` at random, in their order; all of them if there are no more."""
    if len(members) <= size:
        return list(members)
    picked = np.sort(rng.choice(len(members), size=size, replace=False))
    return [members[i] for i in picked]


def cohorts(kinds, *, end: date, seed: int = 0) -> Cohorts | None:
    """The two groups with their covariates and outcome; None if either has fewer than
    MIN_GROUP members (permissions.py)."""
    last_index = end - timedelta(days=MIN_FOLLOW_DAYS)
    joined = dict(_members().values_list("pk", "date_joined"))
    firsts = {
        member: timezone.localtime(at).date()
        for member, at in first_dates(kinds, until=day_start(end + timedelta(days=1))).items()
        if member in joined
    }
    treated = {member: day for member, day in firsts.items() if day <= last_index}
    controls = [member for member in joined if member not in firsts]
    if not (permissions.shows_group(len(treated)) and permissions.shows_group(len(controls))):
        return None
    rng = np.random.default_rng(seed)
    population = (len(treated), len(controls))
    treated_days = np.array(sorted(treated.values()), dtype="datetime64[D]")
    treated = {member: treated[member] for member in _sample(sorted(treated), CANDIDATES, rng)}
    controls = _sample(controls, CANDIDATES, rng)
    index = dict(treated)
    for member, drawn in zip(controls, rng.choice(treated_days, size=len(controls)), strict=True):
        index[member] = drawn.item()
    history = _History(index.keys(), joined=joined, since=min(index.values()), end=end)

    def measure(member):
        day = index[member]
        after = history.spend(member, day, end)
        return history.covariates(member, day), after / ((end - day).days + 1) * 365

    def was_customer(member):
        return history.was_customer(member, index[member])

    t_ids = _sample(sorted(m for m in treated if was_customer(m)), MAX_GROUP, rng)
    c_ids = _sample(sorted(m for m in controls if was_customer(m)), MAX_GROUP, rng)
    # A group's mean spend would point at its members when it has only a few of them.
    if not (permissions.shows_group(len(t_ids)) and permissions.shows_group(len(c_ids))):
        return None
    t_rows = [measure(m) for m in t_ids]
    c_rows = [measure(m) for m in c_ids]
    return Cohorts(
        population=population,
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
    found = matching.compare(
        groups.treated_x,
        groups.treated_y,
        groups.control_x,
        groups.control_y,
        names=COVARIATES,
        bootstrap=bootstrap,
        seed=seed,
    )
    return replace(found, population=groups.population)


def nps_comparison(
    *, end: date | None = None, bootstrap: int = 400, seed: int = 0
) -> matching.Comparison | None:
    """Co-creators' NPS against other members', raw and matched: every named answer
    (anonymous ones cannot be matched) is +100, 0 or −100; co-creators as they were when
    they answered, each set against the other respondents most like them at that date.
    The matched difference is the NPS gap that survives comparing like with like."""
    end = end or timezone.localdate()
    joined = dict(_members().values_list("pk", "date_joined"))
    answers = [
        (member, timezone.localtime(at).date(), score, co)
        for member, at, score, co in SurveyResponse.objects.filter(member__isnull=False).values_list(
            "member_id", "created_at", "score", "was_co_creator"
        )
        if member in joined
    ]
    treated = [a for a in answers if a[3]]
    controls = [a for a in answers if not a[3]]
    if not (permissions.shows_group(len(treated)) and permissions.shows_group(len(controls))):
        return None
    population = (len(treated), len(controls))
    rng = np.random.default_rng(seed)
    treated, controls = _sample(treated, MAX_GROUP, rng), _sample(controls, MAX_GROUP, rng)
    history = _History({a[0] for a in answers}, joined=joined, since=min(a[1] for a in answers), end=end)

    def rows(group):
        x = np.array([history.covariates(member, day) for member, day, _s, _c in group], dtype=float)
        y = np.array([100.0 * nps.category(score) for _m, _d, score, _c in group])
        return x, y

    tx, ty = rows(treated)
    cx, cy = rows(controls)
    found = matching.compare(tx, ty, cx, cy, names=COVARIATES, bootstrap=bootstrap, seed=seed)
    return replace(found, population=population)
