"""Reads, already limited to what the asking member may see: everything here is for
operators and the founder (permissions.can_see_insights); anyone else gets NotFound."""

from datetime import date, datetime, time

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import TrustLevel
from fanrepublic.stores.enums import OrderKind
from fanrepublic.stores.models import Order

from . import nps, permissions
from .enums import FitStatus, SurveyStatus
from .interactions import key_of
from .models import (
    ClvFit,
    ClvScore,
    DashboardSnapshot,
    InteractionEstimate,
    Survey,
    SurveyInvite,
    SurveyResponse,
)

CURRENCY = "CNY"


def member_purchase_days(*, start: date, end: date, members=None) -> list[tuple[int, date, float]]:
    """(member, local day, signed amount) of every yuan sale and refund of members (all,
    or those listed) whose sale falls in [start, end]. A refund counts on its sale's day,
    so a day refunded in full is no purchase at all (clv.summarise)."""
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone)
    until = timezone.make_aware(datetime.combine(end, time.max), zone)
    orders = Order.objects.filter(member__isnull=False, currency=CURRENCY)
    if members is not None:
        orders = orders.filter(member_id__in=list(members))
    rows = orders.filter(
        Q(kind=OrderKind.SALE, occurred_at__range=(since, until))
        | Q(kind=OrderKind.REFUND, refund_of__occurred_at__range=(since, until))
    ).values_list("member_id", "kind", "total", "occurred_at", "refund_of__occurred_at")
    found = []
    for member_id, kind, total, occurred_at, sale_at in rows.iterator(chunk_size=10_000):
        if kind == OrderKind.REFUND:
            found.append((member_id, timezone.localtime(sale_at, zone).date(), -float(total)))
        else:
            found.append((member_id, timezone.localtime(occurred_at, zone).date(), float(total)))
    return found


def fits(*, viewer) -> QuerySet[ClvFit]:
    permissions.access_insights(viewer)
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
    # A group's figures must not be the whole fit's (totals) less the groups shown.
    return _complete(rows, size="members", figures=CLV_FIGURES)


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
    """The fit's members grouped by the quarter of their first purchase (cohorts), by
    trust level and by co-creation; a group of fewer than MIN_GROUP members shows its
    size only."""
    permissions.access_insights(viewer)
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
        "co_creators": _group_rows(
            _aggregate(scores, F("co_creator")),
            lambda co: _("Co-creators") if co else _("Other customers"),
        ),
    }


def totals(*, viewer, fit: ClvFit) -> dict:
    permissions.access_insights(viewer)
    return ClvScore.objects.filter(fit=fit).aggregate(
        members=Count("pk"),
        value=Sum("value"),
        value_low=Sum("value_low"),
        value_high=Sum("value_high"),
        purchases=Sum("purchases"),
        likely_alive=Count("pk", filter=Q(p_alive__gte=0.5)),
    )


def top_members(*, viewer, fit: ClvFit, limit: int = 50) -> QuerySet[ClvScore]:
    permissions.access_insights(viewer)
    return (
        ClvScore.objects.filter(fit=fit, value__isnull=False)
        .select_related("member")
        .order_by("-value")[:limit]
    )


def member_history(*, viewer, member_id: int) -> list[ClvScore]:
    """One member's figures in every fit that still keeps them, newest first."""
    permissions.access_insights(viewer)
    if not 0 < member_id < 2**63:
        raise NotFound()
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
    permissions.access_insights(viewer)
    return (
        ClvScore.objects.filter(fit=fit)
        .select_related("member")
        .order_by("member_id")
        .iterator(chunk_size=2000)
    )


def latest_estimate(*, viewer, kinds) -> InteractionEstimate | None:
    permissions.access_insights(viewer)
    return InteractionEstimate.objects.filter(key=key_of(kinds)).first()


def estimate_history(*, viewer, kinds, limit: int = 30) -> list[InteractionEstimate]:
    permissions.access_insights(viewer)
    found = InteractionEstimate.objects.filter(key=key_of(kinds))[:limit]
    return list(reversed(found))


# ---- NPS surveys ---------------------------------------------------------------------


def surveys(*, viewer) -> QuerySet[Survey]:
    permissions.access_insights(viewer)
    # Subqueries, not two joins: joining invitations and answers would multiply rows.
    invited = (
        SurveyInvite.objects.filter(survey=OuterRef("pk"))
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answered = (
        SurveyResponse.objects.filter(survey=OuterRef("pk"))
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Survey.objects.annotate(
        invited=Coalesce(Subquery(invited), 0), answered=Coalesce(Subquery(answered), 0)
    )


def survey_get(*, viewer, pk: int) -> Survey:
    try:
        return surveys(viewer=viewer).get(pk=pk)
    except Survey.DoesNotExist:
        raise NotFound() from None


def survey_to_answer(*, member, pk: int) -> Survey:
    """A survey the member was invited to (anyone else: 404, as for no survey at all)."""
    if not member.is_authenticated:
        raise NotFound()
    found = Survey.objects.filter(pk=pk, invites__member=member).exclude(status=SurveyStatus.DRAFT).first()
    if found is None:
        raise NotFound()
    return found


def _score_row(label, scores) -> dict:
    found = nps.score_of(scores)
    shown = permissions.shows_group(found.answers)
    return {
        "label": label,
        "answers": found.answers,
        "shown": shown,
        "nps": found.value if shown else None,
        "interval": found.interval if shown else None,
        "promoters": found.promoters if shown else None,
        "passives": found.passives if shown else None,
        "detractors": found.detractors if shown else None,
    }


NPS_FIGURES = ("nps", "interval", "promoters", "passives", "detractors")
CLV_FIGURES = ("p_alive", "purchases", "value", "mean_value")


def _complete(rows: list[dict], *, size: str = "answers", figures=NPS_FIGURES) -> list[dict]:
    """Groups that add up to the total: one hidden group alone would be the total minus
    the others, so a second (the smallest shown) is hidden with it."""
    hidden = [row for row in rows if not row["shown"]]
    shown = [row for row in rows if row["shown"]]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda row: row[size])
        rows = [{**row, "shown": False, **dict.fromkeys(figures)} if row is smallest else row for row in rows]
    return rows


def nps_summary(*, viewer, survey: Survey | None = None) -> dict:
    """NPS overall, by month, for co-creators and others (with the gap), and by trust
    level; every figure with its 90 % interval, groups under MIN_GROUP answers hidden."""
    permissions.access_insights(viewer)
    answers = SurveyResponse.objects.all() if survey is None else SurveyResponse.objects.filter(survey=survey)
    rows = list(answers.values_list("score", "created_at", "was_co_creator", "trust_level"))
    by_month: dict = {}
    for score, at, _co, _level in rows:
        by_month.setdefault(timezone.localtime(at).strftime("%Y-%m"), []).append(score)
    trust = dict(TrustLevel.choices)
    co = [s for s, _at, c, _l in rows if c]
    others = [s for s, _at, c, _l in rows if not c]
    split = _complete([_score_row(_("Co-creators"), co), _score_row(_("Other members"), others)])
    return {
        "overall": _score_row(_("Everyone"), [r[0] for r in rows]),
        "months": _complete([_score_row(month, scores) for month, scores in sorted(by_month.items())]),
        "co_creators": split[0],
        "others": split[1],
        "gap": nps_gap(co, others) if split[0]["shown"] and split[1]["shown"] else None,
        "trust_levels": _complete(
            [
                _score_row(trust.get(level, str(level)), [s for s, _at, _c, lv in rows if lv == level])
                for level in sorted({r[3] for r in rows})
            ]
        ),
        "distribution": [sum(1 for r in rows if r[0] == k) for k in range(11)],
    }


def nps_gap(first, second) -> dict | None:
    """The difference of two independent NPS, with its 90 % interval (standard errors
    added in quadrature); None when either group is under MIN_GROUP answers."""
    a, b = nps.score_of(first), nps.score_of(second)
    if not (permissions.shows_group(a.answers) and permissions.shows_group(b.answers)):
        return None
    error = ((a.interval[1] - a.interval[0]) / 2 / nps.Z90) ** 2 + (
        (b.interval[1] - b.interval[0]) / 2 / nps.Z90
    ) ** 2
    gap = a.value - b.value
    return {"value": gap, "interval": (gap - nps.Z90 * error**0.5, gap + nps.Z90 * error**0.5)}


def verbatims(*, viewer, survey: Survey | None = None, query: str = "", tag: str = "", category: str = ""):
    """Answers with a reason, newest first, found by words in either language (a plain
    substring search: Chinese needs no word boundaries for it) or by tag."""
    permissions.access_insights(viewer)
    found = SurveyResponse.objects.select_related("survey", "member", "service_case").exclude(
        reason="", follow_up_answer=""
    )
    if survey is not None:
        found = found.filter(survey=survey)
    query = " ".join(query.split())[:100]
    for word in query.split(" ") if query else []:
        found = found.filter(Q(reason__icontains=word) | Q(follow_up_answer__icontains=word))
    if category == "promoters":
        found = found.filter(score__gte=nps.PROMOTER)
    elif category == "passives":
        found = found.filter(score__gt=nps.DETRACTOR, score__lt=nps.PROMOTER)
    elif category == "detractors":
        found = found.filter(score__lte=nps.DETRACTOR)
    tag = " ".join(tag.split())
    if tag:
        found = found.filter(tag_keys__contains=f"\n{tag.casefold()}\n")
    return found


def response_get(*, viewer, pk: int) -> SurveyResponse:
    permissions.access_insights(viewer)
    try:
        return SurveyResponse.objects.select_related("member", "survey").get(pk=pk)
    except SurveyResponse.DoesNotExist:
        raise NotFound() from None


def dashboard_latest(*, viewer) -> DashboardSnapshot | None:
    permissions.access_insights(viewer)
    return DashboardSnapshot.objects.first()


def dashboard_history(*, viewer, code: str, limit: int = 48) -> list[tuple]:
    """(computed at, value) of one figure over the kept snapshots, oldest first."""
    permissions.access_insights(viewer)
    rows = DashboardSnapshot.objects.values_list("computed_at", "figures")[:limit]
    return [(at, figures.get(code, {}).get("value")) for at, figures in reversed(rows)]


def nps_gap_estimate(*, viewer) -> InteractionEstimate | None:
    permissions.access_insights(viewer)
    return InteractionEstimate.objects.filter(key="nps-gap").first()
