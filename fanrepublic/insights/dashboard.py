"""The republic's dashboard: each figure the article quotes, computed from the platform's
own data, with its definition, a trend and where to look behind it.

The figures are computed together by `refresh` (a periodic task, and "Refresh now")
and stored as one snapshot, so the page reads one row however large the community is;
the snapshot records how long the refresh took. Labels and definitions live here, in
code, so the page shows them in the reader's language; the snapshot holds numbers only.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.betas.enums import ApplicationStatus
from fanrepublic.betas.enums import ReportStatus as TestReportStatus
from fanrepublic.betas.models import Application, TestReport
from fanrepublic.bounty.enums import ReportStatus
from fanrepublic.bounty.models import BountyReport
from fanrepublic.campaigns.enums import CampaignStatus
from fanrepublic.campaigns.models import Campaign
from fanrepublic.court.selectors import court_metrics
from fanrepublic.forum.selectors import response_metrics
from fanrepublic.governance.models import Ballot, Vote
from fanrepublic.launches.models import LiveQuestion
from fanrepublic.points.models import Posting
from fanrepublic.releases.selectors import release_metrics
from fanrepublic.rewards.selectors import yuan_per_point
from fanrepublic.trust.models import ServiceCase, Temperature

from . import nps
from .interactions import CO_CREATION, key_of
from .models import DashboardSnapshot, InteractionEstimate, SurveyResponse
from .permissions import shows_group

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Figure:
    code: str
    group: str
    label: str
    definition: str
    unit: str = ""  # "%", "d", "¥", "points", or "" for a count
    link: str = ""  # a URL name to drill down to
    columns: tuple = ()  # headings of the rows behind the figure, if it has any


FIGURES = (
    Figure(
        "engineer_replies_per_day",
        _("Engineers as customer service"),
        _("Replies per engineer per day"),
        _("Engineers' forum replies in 30 days ÷ engineers who replied ÷ 30 (the article: 100+)."),
        link="forum:metrics",
        columns=(_("Engineer"), _("Replies in 30 days")),
    ),
    Figure(
        "answered_within_7_days",
        _("Engineers as customer service"),
        _("Answered within 7 days"),
        _("Share of answerable topics of the last 30 days that had an engineer's reply within 7 days."),
        "%",
        "forum:metrics",
    ),
    Figure(
        "user_contributed_share",
        _("The release train"),
        _("User-contributed share of releases"),
        _("Changes from members ÷ all changes, releases of the last 12 weeks (the article: 30 %)."),
        "%",
        "releases:metrics",
    ),
    Figure(
        "idea_to_ship_days",
        _("The release train"),
        _("Idea to ship, median"),
        _("Median days from a suggestion to the release that shipped it (the article: 9 days)."),
        "d",
        "releases:metrics",
        columns=(_("Fastest suggestions shipped"), _("Days")),
    ),
    Figure(
        "beta_seats",
        _("Closed betas"),
        _("Beta seats"),
        _("Members selected for a closed beta, all programmes."),
        link="betas:staff",
    ),
    Figure(
        "beta_report_approval",
        _("Closed betas"),
        _("Test reports approved"),
        _("Approved test reports ÷ reviewed ones."),
        "%",
        "betas:staff",
    ),
    Figure(
        "bounty_valid_reports",
        _("Bug bounty"),
        _("Valid bug reports"),
        _("Reports judged valid or fixed, all time."),
        link="bounty:queue",
    ),
    Figure(
        "bounty_points_paid",
        _("Bug bounty"),
        _("Popcorn points paid"),
        _("Points paid to hunters for valid reports, all time; in yuan at the rewards store's prices."),
        "points",
        "bounty:queue",
    ),
    Figure(
        "bounty_top_month",
        _("Bug bounty"),
        _("Most earned by one hunter in 30 days"),
        _("The most bounty points one hunter earned in 30 days (the article: ¥23,000 in a month)."),
        "points",
        "bounty:hall_of_fame",
        columns=(_("Hunter"), _("Points in 30 days"), _("Yuan at the store's prices")),
    ),
    Figure(
        "trust_temperature",
        _("Trust thermometer"),
        _("Mean trust temperature"),
        _("Stores' customers' mean temperature; per store, with cases the rules opened in 90 days."),
        "°",
        "trust:console",
        columns=(_("Store"), _("Mean temperature"), _("Cases opened by rules, 90 days")),
    ),
    Figure(
        "campaign_deposits",
        _("Crisis mobilisation"),
        _("Pre-order deposits"),
        _("Deposits held or captured by pre-order campaigns that are open or met their goal, in yuan."),
        "¥",
        "campaigns:console",
        columns=(_("Campaign"), _("Backers"), _("Deposits (yuan)")),
    ),
    Figure(
        "campaign_backers",
        _("Crisis mobilisation"),
        _("Pre-order backers"),
        _("Backers of open and successful campaigns."),
        link="campaigns:console",
    ),
    Figure(
        "vote_ballots",
        _("Fan parliament"),
        _("Largest vote"),
        _("Ballots in the vote with the most of them; every vote below."),
        link="governance:index",
        columns=(_("Vote"), _("Ballots")),
    ),
    Figure(
        "launch_answers",
        _("Launch hall"),
        _("Largest live question"),
        _("Answers to the launch-hall question with the most of them (the article: 3.27 million voted)."),
        link="launches:index",
    ),
    Figure(
        "court_execution_rate",
        _("Users' court"),
        _("Verdicts' remedies executed"),
        _("Remedies executed ÷ remedies executed or past their deadline (the article: 100 %)."),
        "%",
        "court:stats",
        columns=(_("Product"), _("Claim upheld"), _("Claim dismissed"), _("Settled in mediation")),
    ),
    Figure(
        "court_days_to_verdict",
        _("Users' court"),
        _("Time to a verdict"),
        _("Median days from a case's admission to its jury's verdict."),
        "d",
        "court:stats",
    ),
    Figure(
        "court_days_to_execution",
        _("Users' court"),
        _("Time to execution"),
        _("Median days from a final verdict or settlement to a remedy's execution."),
        "d",
        "court:stats",
    ),
    Figure(
        "court_settled_share",
        _("Users' court"),
        _("Settled in mediation"),
        _("Cases settled ÷ cases with an outcome."),
        "%",
        "court:stats",
    ),
    Figure(
        "cocreator_spend_ratio",
        _("Co-creators"),
        _("Co-creators' yearly spend ÷ other customers'"),
        _("Matched on spend, tenure and activity before (raw in the details); the article: 3.2×."),
        "×",
        "insights:effects",
    ),
    Figure(
        "cocreator_nps_gap",
        _("Co-creators"),
        _("Co-creators' NPS minus others'"),
        _("From every NPS answer, co-creators as they were when they answered (the article: +58)."),
        "",
        "insights:surveys",
    ),
)
BY_CODE = {figure.code: figure for figure in FIGURES}


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _engineer(today):
    found = response_metrics(start=today - timedelta(days=WINDOW_DAYS - 1), end=today)
    engineers = [row for row in found.per_engineer if row["total"]]
    replies = sum(row["total"] for row in engineers)
    per_day = round(replies / len(engineers) / WINDOW_DAYS, 1) if engineers else None
    trend = [[row["day"].isoformat(), row["staff_replies"]] for row in found.daily]
    return {
        "engineer_replies_per_day": {
            "value": per_day,
            "trend": trend,
            "rows": [[str(row["engineer"]), row["total"]] for row in engineers[:10]],
        },
        "answered_within_7_days": {
            "value": (
                round(100 * found.within_target_share, 1) if found.within_target_share is not None else None
            ),
            "detail": [found.answered, found.topics],
        },
    }


def _releases():
    found = release_metrics(weeks=12)
    return {
        "user_contributed_share": {
            "value": round(found.user_share, 1) if found.user_share is not None else None,
            "trend": [
                [row["release"].version, round(row["share"], 1) if row["share"] is not None else None]
                for row in found.releases
            ],
        },
        "idea_to_ship_days": {
            "value": found.lead_days_median,
            "rows": [[row["topic"].title, row["days"]] for row in found.fastest[:5]],
        },
    }


def _betas():
    reviewed = TestReport.objects.filter(
        status__in=[TestReportStatus.APPROVED, TestReportStatus.REJECTED, TestReportStatus.CHANGES_REQUESTED]
    )
    approved = reviewed.filter(status=TestReportStatus.APPROVED).count()
    return {
        "beta_seats": {"value": Application.objects.filter(status=ApplicationStatus.SELECTED).count()},
        "beta_report_approval": {
            "value": _share(approved, reviewed.count()),
            "detail": [approved, reviewed.count()],
        },
    }


def _bounty(now):
    valid = BountyReport.objects.filter(status__in=[ReportStatus.VALID, ReportStatus.FIXED])
    paid = Posting.objects.filter(transaction__kind="bounty", amount_minor__gt=0)
    hunters = list(
        paid.filter(created_at__gte=now - timedelta(days=WINDOW_DAYS))
        .values("account__owner__username")
        .annotate(total=Sum("amount_minor"))
        .order_by("-total")[:10]
    )
    total = paid.aggregate(total=Sum("amount_minor"))["total"] or 0
    top = hunters[0]["total"] if hunters else 0
    # Points in yuan at the rewards store's prices (what the points would buy there).
    rate = yuan_per_point()

    def in_yuan(points):
        return round(float(points * rate), 2) if rate is not None else None

    return {
        "bounty_valid_reports": {"value": valid.count()},
        "bounty_points_paid": {"value": total, "detail": [in_yuan(total), _rate(rate)]},
        "bounty_top_month": {
            "value": top,
            "detail": [in_yuan(top), _rate(rate)],
            "rows": [
                [row["account__owner__username"], row["total"], in_yuan(row["total"])] for row in hunters
            ],
        },
    }


def _rate(rate):
    return round(float(rate), 4) if rate is not None else None


def _trust(now):
    stores = (
        Temperature.objects.filter(contact__store_links__isnull=False)
        .values("contact__store_links__store__name")
        .annotate(mean=Avg("value"), customers=Count("contact", distinct=True))
        .order_by("contact__store_links__store__name")
    )
    cases = dict(
        ServiceCase.objects.filter(rule__isnull=False, opened_at__gte=now - timedelta(days=90))
        .values_list("store__name")
        .annotate(count=Count("pk"))
        .values_list("store__name", "count")
    )
    overall = Temperature.objects.aggregate(mean=Avg("value"))["mean"]
    return {
        "trust_temperature": {
            "value": round(overall, 1) if overall is not None else None,
            # A store with fewer than MIN_GROUP customers would show one person's warmth.
            "rows": [
                [
                    row["contact__store_links__store__name"],
                    round(row["mean"], 1),
                    cases.get(row["contact__store_links__store__name"], 0),
                ]
                for row in stores
                if shows_group(row["customers"])
            ],
        }
    }


def _campaigns():
    counted = Campaign.objects.filter(status__in=[CampaignStatus.OPEN, CampaignStatus.SUCCEEDED])
    totals = counted.aggregate(fen=Sum("deposits_held_fen"), backers=Sum("backer_count"))
    return {
        "campaign_deposits": {
            "value": (totals["fen"] or 0) / 100,
            "rows": [
                [c.title, c.backer_count, c.deposits_held_fen / 100]
                for c in counted.order_by("-deposits_held_fen")[:10]
            ],
        },
        "campaign_backers": {"value": totals["backers"] or 0},
    }


def _votes():
    ballots = dict(Ballot.objects.values_list("vote_id").annotate(n=Count("pk")).values_list("vote_id", "n"))
    rows = [[vote.question, ballots.get(vote.pk, 0)] for vote in Vote.objects.order_by("-opens_at")[:12]]
    largest = max((n for _q, n in rows), default=None)
    questions = LiveQuestion.objects.exclude(result={})
    answered = [sum(int(v) for v in (q.result.get("counts") or {}).values()) for q in questions]
    return {
        "vote_ballots": {"value": largest, "rows": rows},
        "launch_answers": {"value": max(answered, default=None)},
    }


def _court(now):
    found = court_metrics(now=now)
    return {
        "court_execution_rate": {
            "value": found.execution_rate,
            "detail": [found.executed, found.owed],
            "rows": [[name or "—", *counts] for name, *counts in found.by_product],
        },
        "court_days_to_verdict": {"value": found.days_to_verdict},
        "court_days_to_execution": {"value": found.days_to_execution},
        "court_settled_share": {"value": found.settled_share, "detail": [found.with_outcome]},
    }


def _cocreators():
    estimate = InteractionEstimate.objects.filter(key=key_of(CO_CREATION)).first()
    result = estimate.result if estimate else {}
    matched = InteractionEstimate.objects.filter(key="nps-gap").first()
    matched_gap = (matched.result or {}).get("matched_difference") if matched else None
    answers = list(SurveyResponse.objects.values_list("score", "was_co_creator"))
    co = nps.score_of([s for s, c in answers if c])
    others = nps.score_of([s for s, c in answers if not c])
    gap = co.value - others.value if shows_group(co.answers) and shows_group(others.answers) else None
    return {
        "cocreator_spend_ratio": {
            "value": round(result["matched_ratio"], 2) if result.get("matched_ratio") is not None else None,
            "detail": [result.get("raw_ratio"), result.get("treated")],
        },
        "cocreator_nps_gap": {
            "value": round(gap, 1) if gap is not None else None,
            "detail": [co.answers, others.answers, matched_gap],
        },
    }


def refresh() -> DashboardSnapshot:
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    figures = {}
    for part in (
        lambda: _engineer(today),
        _releases,
        _betas,
        lambda: _bounty(now),
        lambda: _trust(now),
        _campaigns,
        _votes,
        lambda: _court(now),
        _cocreators,
    ):
        figures.update(part())
    return DashboardSnapshot.objects.create(
        computed_at=now, seconds=round(time.perf_counter() - started, 3), figures=figures
    )


KEPT = 48  # snapshots: two days of the 15-minute schedule, for the trends


def refresh_and_prune() -> DashboardSnapshot:
    """A snapshot computed now, the oldest beyond KEPT removed."""
    snapshot = refresh()
    with transaction.atomic():
        old = DashboardSnapshot.objects.values_list("pk", flat=True)[KEPT:]
        DashboardSnapshot.objects.filter(pk__in=list(old)).delete()
    return snapshot


@shared_task
def refresh_queued() -> float:
    """A queued "Refresh now": how long the computing took (seconds)."""
    return refresh_and_prune().seconds
