"""Reads for the court, limited to what the viewer may see."""

import gzip
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fanrepublic.core.errors import NotFound
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.selectors import senior_fans
from fanrepublic.stores.models import Order

from . import draw, permissions
from .enums import (
    HOLDING,
    CaseStatus,
    JurorKind,
    JurorState,
    ObligationState,
    Outcome,
    QuestionState,
    Side,
    VerdictState,
)
from .models import (
    Case,
    CourtPolicy,
    Evidence,
    Juror,
    JuryDraw,
    Message,
    Obligation,
    Question,
    Settlement,
    Verdict,
)


def case_for(*, viewer, number: str) -> Case:
    """A case for its parties, its jury and legal staff; a 404 for anyone else, the same
    as for a case that does not exist."""
    case = (
        Case.objects.select_related("claimant", "product_line", "order", "clerk", "respondent")
        .filter(number=number)
        .first()
    )
    if case is None or not can_see(viewer, case):
        raise NotFound()
    return case


def side_of(viewer, case: Case) -> str:
    """The party the viewer speaks for in this case — Side.CLAIMANT, Side.COMPANY (once
    the case is admitted) — or "" for anyone else."""
    if not (viewer and viewer.is_authenticated):
        return ""
    if viewer.pk == case.claimant_id:
        return Side.CLAIMANT
    if permissions.speaks_for_company(viewer) and case.status not in (
        CaseStatus.FILED,
        CaseStatus.INADMISSIBLE,
    ):
        return Side.COMPANY
    return ""


def can_see(viewer, case: Case) -> bool:
    """The parties (the claimant; the company's representatives once it is admitted),
    legal staff, and whoever holds a place on its jury."""
    if not (viewer and viewer.is_authenticated):
        return False
    if permissions.is_legal(viewer) or side_of(viewer, case):
        return True
    return _latest_places(case, viewer).filter(state__in=HOLDING).exists()


def _latest_places(case: Case, viewer) -> QuerySet[Juror]:
    """The viewer's places on the case's latest jury: after an appeal, the first jury is
    done with the case and no longer reads it."""
    latest = case.draws.order_by("-round").values_list("round", flat=True).first()
    return Juror.objects.filter(draw__case=case, draw__round=latest, member=viewer)


def can_see_evidence(viewer, case: Case) -> bool:
    """The evidence is for the parties, legal staff and the seated jury — not for a
    juror who is only invited (they read the case's account to decide whether to sit,
    and could otherwise decline after copying everything)."""
    if not can_see(viewer, case):
        return False
    if permissions.is_legal(viewer) or side_of(viewer, case):
        return True
    return _latest_places(case, viewer).filter(state=JurorState.ACCEPTED).exists()


def can_clerk(viewer, case: Case) -> bool:
    """Legal staff act as the case's clerk (forwarding questions, reopening remedies) —
    but not one who sits on its jury."""
    return permissions.is_legal(viewer) and viewer.pk not in seated_member_ids(case)


def seated_jurors(case: Case) -> list[Juror]:
    """The jurors who accepted a place in the case's latest draw, the foreperson first:
    the foreperson is the senior fan who accepted with the earliest place in the draw
    (docs/court.md) — chosen by the lot, not by anyone."""
    latest = case.draws.order_by("-round").values_list("round", flat=True).first()
    if latest is None:
        return []
    return list(
        Juror.objects.filter(draw__case=case, draw__round=latest, state=JurorState.ACCEPTED)
        .select_related("member", "draw")
        .order_by("kind", "position")
    )


def seated_member_ids(case: Case) -> list[int]:
    return [juror.member_id for juror in seated_jurors(case)]


def in_jury_room(member, case: Case, *, seated_only: bool = False) -> bool:
    """The jury room is for the seated jury, and for legal staff who run the court
    (they read it; only the seated vote)."""
    if not (member and member.is_authenticated):
        return False
    if not seated_only and permissions.is_legal(member):
        return True
    return member.pk in seated_member_ids(case)


def company_ids() -> list[int]:
    """The company's representatives in court (permissions.speaks_for_company)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=(StaffRole.OPERATOR, StaffRole.FOUNDER))
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def founder_ids() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=StaffRole.FOUNDER)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def evidence_of(case: Case) -> QuerySet[Evidence]:
    return case.evidence.select_related("uploaded_by").order_by("side", "uploaded_at", "pk")


def evidence_for(*, viewer, case_number: str, pk: int) -> Evidence:
    """One piece of evidence for who may see its case; a 404 for anyone else."""
    case = case_for(viewer=viewer, number=case_number)
    found = case.evidence.filter(pk=pk).first()
    if found is None or not can_see_evidence(viewer, case):
        raise NotFound()
    return found


def questions_of(case: Case, *, viewer, in_room: bool | None = None) -> QuerySet[Question]:
    """The jury and legal staff read every question; a party reads those put to them
    (`in_room`: whether the viewer is in the jury room, when the caller knows)."""
    questions = case.questions.select_related("asked_by", "answered_by")
    if in_jury_room(viewer, case) if in_room is None else in_room:
        return questions
    if viewer.pk == case.claimant_id:
        return questions.filter(to=Side.CLAIMANT).exclude(
            state__in=(QuestionState.ASKED, QuestionState.DECLINED)
        )
    if permissions.speaks_for_company(viewer):
        return questions.filter(to=Side.COMPANY).exclude(
            state__in=(QuestionState.ASKED, QuestionState.DECLINED)
        )
    return questions.none()


def room_threads(case: Case) -> list[tuple[Message, list[Message]]]:
    """The jury room's messages as threads: each first message with its replies."""
    messages = list(case.messages.select_related("author").order_by("created_at", "pk"))
    replies: dict[int, list[Message]] = {}
    for message in messages:
        if message.parent_id:
            replies.setdefault(message.parent_id, []).append(message)
    return [(m, replies.get(m.pk, [])) for m in messages if m.parent_id is None]


def verdicts_of(case: Case) -> list[Verdict]:
    return list(
        case.verdicts.select_related("foreperson").prefetch_related("remedies").order_by("round", "version")
    )


def adopted_verdict(case: Case) -> Verdict | None:
    return (
        case.verdicts.filter(state=VerdictState.ADOPTED)
        .prefetch_related("remedies")
        .select_related("foreperson")
        .order_by("-round")
        .first()
    )


def obligations_of(case: Case) -> QuerySet[Obligation]:
    return case.obligations.select_related("owner", "executed_by", "transaction").order_by("pk")


def obligations_owned(*, member) -> QuerySet[Obligation]:
    """The remedies a company representative owns and has still to execute."""
    return (
        Obligation.objects.filter(owner=member, state=ObligationState.OPEN)
        .select_related("case")
        .order_by("due_at", "pk")
    )


def cases_of(*, member) -> QuerySet[Case]:
    return Case.objects.filter(claimant=member).select_related("product_line")


def _week_of(moment: datetime) -> tuple[datetime, datetime]:
    """The Monday-to-Sunday week (in the site's time zone) around a moment."""
    local = timezone.localtime(moment)
    start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=7)


def conflicted(case: Case, *, now: datetime, cases_per_year: int | None = None) -> QuerySet:
    """The members who may not judge this case, whatever their standing: the claimant;
    whoever bought in the same store in the same week as the claimant's purchase; whoever
    sat, in the last year, on a jury of a case the claimant brought or on a jury with the
    claimant; whoever accepted COURT_JUROR_CASES_PER_YEAR juries in the last year."""
    User = get_user_model()
    year_ago = now - timedelta(days=365)
    sat = Juror.objects.filter(state=JurorState.ACCEPTED, draw__drawn_at__gte=year_ago)
    with_claimant = sat.filter(
        Q(draw__in=sat.filter(member_id=case.claimant_id).values("draw"))
        | Q(draw__case__claimant_id=case.claimant_id)
    )
    busy = (
        sat.values("member")
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gte=cases_per_year or rules_in_force().juror_cases_per_year)
        .values("member")
    )
    # An appeal is heard by people who did not sit on the case before (nor were asked to).
    earlier = Juror.objects.filter(draw__case=case).exclude(state=JurorState.RESERVE).values("member")
    condition = (
        Q(pk=case.claimant_id) | Q(pk__in=with_claimant.values("member")) | Q(pk__in=busy) | Q(pk__in=earlier)
    )
    if case.order_id and case.order.store_id:
        start, end = _week_of(case.order.occurred_at)
        same_week = Order.objects.filter(
            store_id=case.order.store_id, occurred_at__gte=start, occurred_at__lt=end, member__isnull=False
        ).values("member")
        condition |= Q(pk__in=same_week)
    return User.objects.filter(condition)


def pool_member_ids(
    case: Case, *, now: datetime, rules: "Rules | None" = None
) -> tuple[list[int], list[int]]:
    """Who the draw is made from, conflicts excluded: senior fans (trust level and tenure
    the operator sets, active, not suspended, not staff) and legal staff other than the
    case's clerk."""
    rules = rules or rules_in_force()
    excluded = conflicted(case, now=now, cases_per_year=rules.juror_cases_per_year).values("pk")
    fans = (
        senior_fans(min_level=rules.min_trust_level)
        .filter(date_joined__lte=now - timedelta(days=rules.min_tenure_days))
        .exclude(pk__in=excluded)
        .values_list("pk", flat=True)
    )
    legal = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=StaffRole.LEGAL)
        .exclude(suspended_until__gt=now)
        .exclude(pk__in=excluded)
        .exclude(pk=case.clerk_id)
        # Whoever also speaks for the company is a party, not a judge.
        .exclude(groups__name__in=(StaffRole.OPERATOR, StaffRole.FOUNDER))
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(fans), list(legal)


def pool_file(record: JuryDraw) -> str:
    """The published pool, once drawn (draw.pool_text)."""
    if not record.drawn_at:
        raise NotFound()
    return gzip.decompress(bytes(record.pool)).decode("utf-8")


def draw_published(record: JuryDraw) -> dict:
    """What the site publishes of a draw, as the file a member downloads to recompute it
    (`manage.py recount_jury_draw`): before the draw only the commitment; after it the
    seed, the whole pool of pseudonyms and the order of each kind as far as the site
    keeps it (the invited and their replacements)."""
    data = {
        "rule": draw.RULE,
        "case": record.case.number,
        "round": record.round,
        "commitment": record.commitment,
        "committed_at": record.committed_at.isoformat(),
        "fans_wanted": record.fans_wanted,
        "legal_wanted": record.legal_wanted,
        "rules": record.rules,
    }
    if not record.drawn_at:
        return data
    lines = pool_file(record).splitlines()
    split = lines.index("legal")
    placed = list(record.jurors.order_by("kind", "position").values_list("kind", "pseudonym"))
    return {
        **data,
        "drawn_at": record.drawn_at.isoformat(),
        "seed": record.seed,
        "pool_digest": record.pool_digest,
        "pool": {"fans": lines[2:split], "legal": lines[split + 1 :]},
        "order": {
            "fans": [name for kind, name in placed if kind == JurorKind.FAN],
            "legal": [name for kind, name in placed if kind == JurorKind.LEGAL],
        },
    }


def waiting_for_admission() -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.FILED).select_related("claimant").order_by("filed_at", "pk")


def cases_open_to_legal() -> QuerySet[Case]:
    closed_or_waiting = (CaseStatus.FILED, CaseStatus.INADMISSIBLE)
    return Case.objects.exclude(status__in=closed_or_waiting).select_related("claimant")


def invitations_of(*, member) -> QuerySet[Juror]:
    """The juries the member was drawn for and may still sit on."""
    return (
        Juror.objects.filter(member=member, state__in=HOLDING)
        .select_related("draw__case")
        .order_by("-draw__drawn_at")
    )


def draw_public(*, number: str, round_: int) -> JuryDraw:
    """A draw's public record (anyone: it is how the draw is checked)."""
    found = JuryDraw.objects.select_related("case").filter(case__number=number, round=round_).first()
    if found is None:
        raise NotFound()
    return found


def own_pseudonym(record: JuryDraw, member) -> str:
    """The member's pseudonym in a drawn pool, if they are in it ("" otherwise)."""
    if not (record.drawn_at and member and member.is_authenticated):
        return ""
    name = draw.pseudonym(bytes.fromhex(record.pseudonym_key), record.case.number, member.pk)
    return name if f"\n{name}\n" in pool_file(record) else ""


def jury_of(record: JuryDraw) -> list[Juror]:
    """The places of a draw that were reached (invited, answered), in draw order."""
    return list(
        record.jurors.exclude(state=JurorState.RESERVE).select_related("member").order_by("kind", "position")
    )


@dataclass(frozen=True)
class Rules:
    """The jury rules in force (CourtPolicy's fields, or the settings before the first)."""

    version: int
    min_trust_level: int
    min_tenure_days: int
    juror_cases_per_year: int
    answer_hours: int
    jury_fans: int
    jury_legal: int

    def as_published(self) -> dict:
        return {
            "policy_version": self.version,
            "min_trust_level": self.min_trust_level,
            "min_tenure_days": self.min_tenure_days,
            "juror_cases_per_year": self.juror_cases_per_year,
        }


# Each rule and the setting that stands for it before the operator's first version.
DEFAULTS = {
    "min_trust_level": "COURT_SENIOR_TRUST_LEVEL",
    "min_tenure_days": "COURT_SENIOR_TENURE_DAYS",
    "juror_cases_per_year": "COURT_JUROR_CASES_PER_YEAR",
    "answer_hours": "COURT_JUROR_ANSWER_HOURS",
    "jury_fans": "COURT_JURY_FANS",
    "jury_legal": "COURT_JURY_LEGAL",
}


def rules_in_force() -> Rules:
    latest = CourtPolicy.objects.order_by("-version").first()
    if latest is None:
        return Rules(version=0, **{name: getattr(settings, setting) for name, setting in DEFAULTS.items()})
    return Rules(version=latest.version, **{name: getattr(latest, name) for name in DEFAULTS})


def policies(limit: int = 50):
    return CourtPolicy.objects.select_related("created_by").order_by("-version")[:limit]


def question_for_clerk(*, viewer, pk: int) -> Question:
    found = Question.objects.select_related("case").filter(pk=pk).first()
    if found is None or not can_clerk(viewer, found.case):
        raise NotFound()
    return found


def question_for_party(*, viewer, pk: int) -> Question:
    """A question the clerk put to the viewer's side; a 404 otherwise."""
    found = Question.objects.select_related("case").filter(pk=pk).first()
    if found is None or found.state in (QuestionState.ASKED, QuestionState.DECLINED):
        raise NotFound()
    if side_of(viewer, found.case) != found.to:
        raise NotFound()
    return found


def obligation_for(*, viewer, pk: int) -> Obligation:
    found = Obligation.objects.select_related("case").filter(pk=pk).first()
    if found is None or not can_see(viewer, found.case):
        raise NotFound()
    return found


def awaiting_response() -> QuerySet[Case]:
    """Admitted cases the company has not answered yet, the most urgent first."""
    return Case.objects.filter(
        status__in=(CaseStatus.ADMITTED, CaseStatus.DRAWN, CaseStatus.SEATED), responded_at__isnull=True
    ).order_by("respond_by", "pk")


def questions_for_the_clerk() -> QuerySet[Question]:
    return (
        Question.objects.filter(state=QuestionState.ASKED).select_related("case").order_by("asked_at", "pk")
    )


def disputed_obligations() -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(state=ObligationState.DISPUTED)
        .select_related("case")
        .order_by("answered_at")
    )


def settlements_of(case: Case) -> QuerySet[Settlement]:
    return (
        case.settlements.select_related("proposed_by", "answered_by")
        .prefetch_related("remedies")
        .order_by("proposed_at", "pk")
    )


def settlement_for(*, viewer, pk: int) -> Settlement:
    """A proposal, for the parties of its case; a 404 for anyone else."""
    found = Settlement.objects.select_related("case").filter(pk=pk).first()
    if found is None or not side_of(viewer, found.case):
        raise NotFound()
    return found


@dataclass(frozen=True)
class CourtMetrics:
    """The court's figures (docs/court.md, "Metrics"); None where there is nothing to
    measure yet."""

    filed: int
    admitted: int
    with_outcome: int
    execution_rate: float | None  # % of remedies due or done that were executed
    executed: int
    owed: int
    days_to_execution: float | None  # median, from the verdict becoming final
    days_to_verdict: float | None  # median, from admission to the jury's verdict
    settled_share: float | None  # % of cases with an outcome that were settled
    by_product: list  # [product, upheld, dismissed, settled]


def _days(delta) -> float:
    return delta.total_seconds() / 86_400


def court_metrics(*, now: datetime | None = None) -> CourtMetrics:
    from fanrepublic.core.stats import percentile

    now = now or timezone.now()
    done_states = (ObligationState.EXECUTED, ObligationState.CONFIRMED, ObligationState.DISPUTED)
    counted = Obligation.objects.filter(Q(state__in=done_states) | Q(due_at__lt=now))
    owed = counted.count()
    executed = list(counted.filter(state__in=done_states).values_list("executed_at", "case__final_at"))
    decided = Case.objects.filter(decided_at__isnull=False, admitted_at__isnull=False).exclude(
        outcome=Outcome.SETTLED
    )
    verdict_days = [_days(d - a) for d, a in decided.values_list("decided_at", "admitted_at")]
    with_outcome = Case.objects.exclude(outcome="").exclude(status__in=(CaseStatus.APPEALED,))
    outcomes = (
        with_outcome.values("product_line__name", "outcome")
        .order_by("product_line__name")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = {}
    for row in outcomes:
        table.setdefault(row["product_line__name"] or "", {})[row["outcome"]] = row["n"]
    total = with_outcome.count()
    settled = with_outcome.filter(outcome=Outcome.SETTLED).count()
    return CourtMetrics(
        filed=Case.objects.count(),
        admitted=Case.objects.filter(admitted_at__isnull=False).count(),
        with_outcome=total,
        execution_rate=round(100 * len(executed) / owed, 1) if owed else None,
        executed=len(executed),
        owed=owed,
        days_to_execution=_rounded(percentile([_days(e - f) for e, f in executed if e and f], 50)),
        days_to_verdict=_rounded(percentile(verdict_days, 50)),
        settled_share=round(100 * settled / total, 1) if total else None,
        by_product=[
            [
                name,
                counts.get(Outcome.UPHELD, 0),
                counts.get(Outcome.DISMISSED, 0),
                counts.get(Outcome.SETTLED, 0),
            ]
            for name, counts in sorted(table.items())
        ],
    )


def _rounded(value):
    return round(value, 1) if value is not None else None
