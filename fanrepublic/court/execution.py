"""Writes for carrying out verdicts: a final verdict's remedies become obligations with an
owner on the company's side and a deadline; money and points are paid through the
ledger, exactly once per obligation; the claimant confirms or disputes. (The deadlines
of every step are watched by deadlines.py.)"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import single_line_checked
from fanrepublic.points.enums import AccountKind
from fanrepublic.points.services import AccountRef, ledger_post, wallet_ref
from fanrepublic.stores.selectors import refundable_fen

from . import permissions, selectors
from .enums import PAID, CaseStatus, ObligationState, RemedyKind, VerdictState
from .models import Case, Obligation, Verdict
from .services import _locked_case, _tell, _when

# Proof a non-monetary remedy needs: an apology is published at an https address; the
# others are described (a replacement order's number, the repair ticket, the policy).
HTTPS = re.compile(r"https://[^\s<>\"']{4,490}")


def remedies_account(currency: str) -> AccountRef:
    """Where the court's payments come from: the company's expense, one per currency."""
    return AccountRef(
        code=f"system:court-remedies:{currency}", kind=AccountKind.SETTLEMENT, currency=currency
    )


def _owner_id(case: Case) -> int:
    """Who answers for executing the remedies: the company's respondent in the case, or
    else the founder (the longest-standing one), or else a community operator."""
    if case.respondent_id:
        return case.respondent_id
    owners = selectors.founder_ids() or selectors.company_ids()
    if not owners:
        raise Conflict(_("Nobody can own the remedies: the site has no founder or community operator."))
    return owners[0]


def obligations_from(case: Case, remedies, *, now: datetime, verdict=None, settlement=None) -> int:
    """Each remedy becomes an obligation owned on the company's side, due in
    COURT_EXECUTION_DAYS; the owner is told. Returns how many."""
    remedies = list(remedies)
    if not remedies:
        return 0
    owner_id = _owner_id(case)
    due = now + timedelta(days=settings.COURT_EXECUTION_DAYS)
    Obligation.objects.bulk_create(
        Obligation(
            case=case,
            verdict=verdict,
            settlement=settlement,
            kind=remedy.kind,
            amount=remedy.amount,
            description=remedy.description,
            owner_id=owner_id,
            due_at=due,
        )
        for remedy in remedies
    )
    source = f"v{verdict.pk}" if verdict is not None else f"s{settlement.pk}"
    _tell(case, [owner_id], what="owe", key=f"owe:{source}", when=_when(due))
    return len(remedies)


def make_final(case: Case, now: datetime) -> Case:
    """The adopted verdict (of the last round) is final: each remedy becomes an
    obligation. A dismissed claim closes the case. The caller holds the lock."""
    verdict = Verdict.objects.filter(case=case, state=VerdictState.ADOPTED).order_by("-round").first()
    remedies = list(verdict.remedies.all())
    case.status, case.final_at = CaseStatus.FINAL, now
    if not remedies:
        case.status, case.closed_at = CaseStatus.CLOSED, now
    case.save(update_fields=["status", "final_at", "closed_at"])
    obligations_from(case, remedies, now=now, verdict=verdict)
    record_event(
        verb="court.verdict.final",
        actor=None,
        obj=case,
        owner=case.claimant,
        properties={"outcome": case.outcome, "remedies": len(remedies), "round": verdict.round},
    )
    _tell(case, [case.claimant_id], what="final", key=f"final:{verdict.pk}")
    return case


def _locked_obligation(obligation_id: int) -> tuple[Obligation, Case]:
    found = Obligation.objects.select_related("case").filter(pk=obligation_id).first()
    if found is None:
        raise NotFound()
    case = _locked_case(found.case)
    return Obligation.objects.select_for_update().get(pk=found.pk), case


def obligation_execute(
    *, actor, obligation_id: int, proof: str = "", now: datetime | None = None
) -> Obligation:
    """The obligation's owner (or the founder) carries it out. Money and points are paid
    to the claimant's wallet by one ledger transaction whose key is the obligation's, so
    no race or replay pays twice; other remedies need their proof."""
    now = now or timezone.now()
    with transaction.atomic():
        obligation, case = _locked_obligation(obligation_id)
        owner = obligation.owner_id == actor.pk and permissions.speaks_for_company(actor)
        if not (owner or permissions.is_founder(actor)):
            raise NotFound()
        if obligation.state != ObligationState.OPEN:
            raise Conflict(_("This remedy has been executed already."))
        refund = obligation.kind == RemedyKind.REFUND and case.order_id
        if refund and obligation.amount > refundable_fen(case.order):
            raise Conflict(
                _("The store has refunded this purchase since the verdict: ask the clerk what is due.")
            )
        if obligation.kind in PAID:
            currency = PAID[obligation.kind]
            tx = ledger_post(
                key=f"court:obligation:{obligation.pk}",
                kind="court_remedy",
                memo=f"Users' court {case.number}: {obligation.get_kind_display()}",
                actor=actor,
                obj=obligation,
                entries=[
                    (remedies_account(currency), -obligation.amount),
                    (wallet_ref(case.claimant, currency), obligation.amount),
                ],
            )
            obligation.transaction = tx
            proof = _("Ledger transaction %(id)s") % {"id": tx.pk}
        elif obligation.kind == RemedyKind.APOLOGY:
            proof = single_line_checked(proof, field="proof", max_length=500)
            if not HTTPS.fullmatch(proof):
                raise ValidationFailed(
                    _("Give the https address where the apology is published."), field="proof"
                )
        else:
            proof = single_line_checked(proof, field="proof", max_length=500)
            if len(proof) < 3:
                raise ValidationFailed(_("Say how it was done (an order number, a ticket)."), field="proof")
        obligation.state, obligation.proof = ObligationState.EXECUTED, proof
        obligation.executed_by, obligation.executed_at = actor, now
        obligation.save(update_fields=["state", "proof", "transaction", "executed_by", "executed_at"])
        audit_record(
            actor=actor,
            action="court.obligation.executed",
            target=case,
            data={"obligation": obligation.pk, "kind": obligation.kind, "amount": obligation.amount},
        )
        record_event(
            verb="court.obligation.executed",
            actor=actor,
            obj=case,
            owner=case.claimant,
            properties={"kind": obligation.kind, "late": now > obligation.due_at},
        )
        _tell(case, [case.claimant_id], what="executed", key=f"executed:{obligation.pk}", actor=actor)
    return obligation


def obligation_answer(
    *, member, obligation_id: int, confirm: bool, note: str = "", now: datetime | None = None
) -> Obligation:
    """The claimant confirms an executed remedy, or disputes it with their words (the
    clerk, the owner and the founder are told)."""
    now = now or timezone.now()
    with transaction.atomic():
        obligation, case = _locked_obligation(obligation_id)
        if case.claimant_id != member.pk:
            raise NotFound()
        note = single_line_checked(note, field="note", max_length=1_000, required=not confirm)
        if not confirm and len(note) < 10:
            raise ValidationFailed(_("Say what is wrong, so that it can be put right."), field="note")
        if obligation.state != ObligationState.EXECUTED:
            raise Conflict(_("Only an executed remedy can be confirmed or disputed."))
        obligation.state = ObligationState.CONFIRMED if confirm else ObligationState.DISPUTED
        obligation.claimant_note, obligation.answered_at = note, now
        obligation.save(update_fields=["state", "claimant_note", "answered_at"])
        record_event(
            verb="court.obligation.confirmed" if confirm else "court.obligation.disputed",
            actor=member,
            obj=case,
            owner=member,
            properties={"kind": obligation.kind},
        )
        if not confirm:
            _tell(
                case,
                [case.clerk_id, obligation.owner_id, *selectors.founder_ids()],
                what="disputed",
                key=f"disputed:{obligation.pk}:{now.timestamp()}",
                actor=member,
                note=note,
            )
        _close_if_done(case, now)
    return obligation


def obligation_reopen(*, actor, obligation_id: int, reason: str, now: datetime | None = None) -> Obligation:
    """The clerk upholds a claimant's dispute of a remedy that was not a payment: it is
    open again, due in COURT_EXECUTION_DAYS. (A payment is in the ledger: a dispute of it
    is looked into and settled by a new case or the founder, never paid twice here.)"""
    reason = single_line_checked(reason, field="reason", max_length=500)
    now = now or timezone.now()
    with transaction.atomic():
        obligation, case = _locked_obligation(obligation_id)
        if not selectors.can_clerk(actor, case):
            raise NotFound()
        if obligation.state != ObligationState.DISPUTED or obligation.kind in PAID:
            raise Conflict(_("Only a disputed remedy that is not a payment can be reopened."))
        obligation.state, obligation.proof = ObligationState.OPEN, ""
        obligation.executed_at = obligation.executed_by = obligation.escalated_at = obligation.reminded_at = (
            None
        )
        obligation.due_at = now + timedelta(days=settings.COURT_EXECUTION_DAYS)
        obligation.save()
        if case.status == CaseStatus.CLOSED:
            case.status, case.closed_at = CaseStatus.FINAL, None
            case.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="court.obligation.reopened",
            target=case,
            reason=reason,
            data={"obligation": obligation.pk},
        )
        _tell(
            case,
            [obligation.owner_id, case.claimant_id],
            what="reopened",
            key=f"reopened:{obligation.pk}:{now.timestamp()}",
            actor=actor,
            when=_when(obligation.due_at),
        )
    return obligation


def _close_if_done(case: Case, now: datetime, *, silent_before: datetime | None = None) -> bool:
    """A final case closes when every remedy is confirmed — or executed and not disputed
    for COURT_EXECUTION_DAYS (`silent_before`), the claimant's silence counting as
    acceptance."""
    if case.status != CaseStatus.FINAL:
        return False
    waiting = case.obligations.exclude(state=ObligationState.CONFIRMED)
    if silent_before is not None:
        waiting = waiting.exclude(state=ObligationState.EXECUTED, executed_at__lte=silent_before)
    if waiting.exists():
        return False
    case.status, case.closed_at = CaseStatus.CLOSED, now
    case.save(update_fields=["status", "closed_at"])
    record_event(verb="court.case.closed", actor=None, obj=case, owner=case.claimant)
    _tell(case, [case.claimant_id], what="closed", key="closed")
    return True
