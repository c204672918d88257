"""The deadlines of every step of a case, watched by one periodic task
(`court-deadlines`): it reminds, escalates to the founder and moves cases on — an open
ballot counted at the deliberation's deadline, an uncontested verdict made final, a case
whose remedies are done closed."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import DomainError

from . import selectors
from .enums import CaseStatus, ObligationState, QuestionState, VerdictState
from .execution import _close_if_done, make_final
from .hearing import ballot_close_overdue
from .models import Case, Obligation, Question, Verdict
from .services import _tell, _when

logger = logging.getLogger(__name__)


def deadlines_run(*, now: datetime | None = None) -> dict[str, int]:
    """Every step's deadline, checked (the periodic task `court-deadlines`):
    - the company's response: missed → the clerk and the founder are told, once;
    - a question put to a party: missed → the clerk is told, once;
    - the verdict: missed → an open ballot is counted as it stands, and the clerk and the
      founder are told, once; a draft proposed later is counted COURT_LATE_BALLOT_HOURS
      after it was proposed;
    - a verdict not contested in COURT_CONTEST_DAYS becomes final;
    - a remedy due within a day: its owner is reminded; overdue: escalated to the founder;
    - a final case whose remedies are all done closes."""
    now = now or timezone.now()
    done = dict.fromkeys(
        ("response", "questions", "deliberation", "final", "reminded", "escalated", "closed"), 0
    )
    founders = selectors.founder_ids()

    for pk in Case.objects.filter(
        status__in=(CaseStatus.ADMITTED, CaseStatus.DRAWN, CaseStatus.SEATED),
        responded_at__isnull=True,
        respond_by__lt=now,
        response_escalated_at__isnull=True,
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.response_escalated_at or case.responded_at:
                continue
            case.response_escalated_at = now
            case.save(update_fields=["response_escalated_at"])
            _tell(case, [case.clerk_id, *founders], what="late_response", key="late_response")
            record_event(verb="court.deadline.missed", actor=None, obj=case, properties={"step": "response"})
            done["response"] += 1

    for question in Question.objects.filter(state=QuestionState.FORWARDED, answer_by__lt=now).select_related(
        "case"
    )[:500]:
        _tell(question.case, [question.case.clerk_id], what="late_answer", key=f"late_answer:{question.pk}")
        done["questions"] += 1

    late_ballot = timedelta(hours=settings.COURT_LATE_BALLOT_HOURS)
    for case_id in Verdict.objects.filter(
        state=VerdictState.BALLOT,
        case__status=CaseStatus.SEATED,
        case__deliberate_by__lt=now,
        proposed_at__lt=now - late_ballot,
    ).values_list("case_id", flat=True)[:500]:
        # A draft proposed after the deadline gets COURT_LATE_BALLOT_HOURS to be voted on.
        with transaction.atomic():
            ballot_close_overdue(Case.objects.select_for_update().get(pk=case_id), now)

    for pk in Case.objects.filter(
        status=CaseStatus.SEATED, deliberate_by__lt=now, deliberation_escalated_at__isnull=True
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.deliberation_escalated_at or case.status != CaseStatus.SEATED:
                continue
            ballot_close_overdue(case, now)
            case.deliberation_escalated_at = now
            case.save(update_fields=["deliberation_escalated_at"])
            if case.status == CaseStatus.SEATED:
                _tell(
                    case,
                    [case.clerk_id, *founders, *selectors.seated_member_ids(case)],
                    what="late_verdict",
                    key=f"late_verdict:{case.deliberate_by:%Y%m%d%H%M}",
                )
            record_event(verb="court.deadline.missed", actor=None, obj=case, properties={"step": "verdict"})
            done["deliberation"] += 1

    for pk in Case.objects.filter(status=CaseStatus.DECIDED, accept_by__lt=now).values_list("pk", flat=True)[
        :500
    ]:
        try:
            with transaction.atomic():
                case = Case.objects.select_for_update().get(pk=pk)
                if case.status == CaseStatus.DECIDED and case.accept_by < now:
                    make_final(case, now)
                    done["final"] += 1
        except DomainError:
            # Nobody to own the remedies: the others go on; this one is retried next run.
            logger.exception("court: case %s could not be made final", pk)

    soon = Obligation.objects.filter(
        state=ObligationState.OPEN,
        reminded_at__isnull=True,
        due_at__gte=now,
        due_at__lt=now + timedelta(days=1),
    ).select_related("case")
    for obligation in soon[:500]:
        _tell(
            obligation.case,
            [obligation.owner_id],
            what="due_soon",
            key=f"due_soon:{obligation.pk}",
            when=_when(obligation.due_at),
        )
        Obligation.objects.filter(pk=obligation.pk).update(reminded_at=now)
        done["reminded"] += 1

    late = Obligation.objects.filter(state=ObligationState.OPEN, escalated_at__isnull=True, due_at__lt=now)
    for obligation in late.select_related("case")[:500]:
        with transaction.atomic():
            locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
            if locked.escalated_at or locked.state != ObligationState.OPEN:
                continue
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at"])
            case = obligation.case
            _tell(
                case,
                [*founders, locked.owner_id, case.clerk_id],
                what="late_remedy",
                key=f"late_remedy:{locked.pk}",
                remedy=locked.get_kind_display(),
            )
            record_event(
                verb="court.deadline.missed",
                actor=None,
                obj=case,
                properties={"step": "remedy", "kind": locked.kind},
            )
            done["escalated"] += 1

    silent_before = now - timedelta(days=settings.COURT_EXECUTION_DAYS)
    final = Case.objects.filter(status=CaseStatus.FINAL).exclude(obligations__state=ObligationState.OPEN)
    for pk in final.exclude(obligations__state=ObligationState.DISPUTED).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            done["closed"] += _close_if_done(case, now, silent_before=silent_before)
    return done
