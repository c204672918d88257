"""Writes for mediation: before a verdict is final, either party may propose a settlement
— terms in words and remedies from the verdicts' set — and the other accepts or declines.
An accepted settlement ends the case as a verdict would: its remedies become obligations,
executed and confirmed the same way (execution.py); the jury is told it is discharged."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, NotFound
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_checked

from . import selectors
from .enums import (
    BEFORE_VERDICT,
    CaseStatus,
    JurorState,
    Outcome,
    RemedyKind,
    SettlementState,
    Side,
    VerdictState,
)
from .execution import obligations_from
from .hearing import _refundable_fen, _remedies_checked, _side_of, close_the_hearing
from .models import Case, Juror, Remedy, Settlement, Verdict
from .services import _locked_case, _tell


def _party_ids(case: Case, side: str) -> list[int]:
    return [case.claimant_id] if side == Side.CLAIMANT else selectors.company_ids()


def settlement_propose(
    *, actor, case: Case, terms: str, remedies: list[dict], now: datetime | None = None
) -> Settlement:
    """A party proposes terms to the other (one open proposal at a time)."""
    if not selectors.can_see(actor, case):
        raise NotFound()
    side = _side_of(actor, case)
    terms = text_checked(terms, field="terms", max_length=5_000, min_length=20)
    remedies = (
        _remedies_checked(Outcome.UPHELD, remedies, refund_limit=_refundable_fen(case)) if remedies else []
    )
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status not in BEFORE_VERDICT:
            raise Conflict(_("A settlement is proposed after admission and before a verdict."))
        if Settlement.objects.filter(case=locked, state=SettlementState.PROPOSED).exists():
            raise Conflict(_("A proposal is waiting for an answer; withdraw it or wait."))
        settlement = Settlement.objects.create(
            case=locked, side=side, proposed_by=actor, terms=terms, proposed_at=now
        )
        Remedy.objects.bulk_create(Remedy(settlement=settlement, **item) for item in remedies)
        if side == Side.COMPANY:
            audit_record(
                actor=actor,
                action="court.settlement.proposed",
                target=locked,
                data={"settlement": settlement.pk},
            )
        record_event(
            verb="court.settlement.proposed",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"side": side},
        )
        other = Side.COMPANY if side == Side.CLAIMANT else Side.CLAIMANT
        _tell(
            locked,
            [*_party_ids(locked, other), locked.clerk_id],
            what="settlement",
            key=f"settlement:{settlement.pk}",
            actor=actor,
        )
    return settlement


def settlement_answer(*, actor, settlement_id: int, accept: bool, now: datetime | None = None) -> Settlement:
    """The other party accepts (the case is settled: its remedies become obligations; the
    jury is discharged, an open ballot withdrawn) or declines; the proposer may withdraw
    (`accept=False` from their own side)."""
    now = now or timezone.now()
    with transaction.atomic():
        found = Settlement.objects.select_related("case").filter(pk=settlement_id).first()
        if found is None or not selectors.can_see(actor, found.case):
            raise NotFound()
        case = _locked_case(found.case)
        settlement = Settlement.objects.select_for_update().get(pk=found.pk)
        side = _side_of(actor, case)
        if settlement.state != SettlementState.PROPOSED:
            raise Conflict(_("This proposal was answered already."))
        own = side == settlement.side
        if own and accept:
            raise Conflict(_("The other party accepts a proposal, not the one who made it."))
        if accept and case.status not in BEFORE_VERDICT:
            raise Conflict(_("The case has moved on: a verdict was given."))
        settlement.state = (
            SettlementState.ACCEPTED
            if accept
            else SettlementState.WITHDRAWN
            if own
            else SettlementState.DECLINED
        )
        settlement.answered_by, settlement.answered_at = actor, now
        settlement.save(update_fields=["state", "answered_by", "answered_at"])
        if side == Side.COMPANY:
            audit_record(
                actor=actor,
                action=f"court.settlement.{settlement.state}",
                target=case,
                data={"settlement": settlement.pk},
            )
        record_event(
            verb="court.settlement.answered",
            actor=actor,
            obj=case,
            owner=case.claimant,
            properties={"state": settlement.state},
        )
        if settlement.state == SettlementState.ACCEPTED:
            _settle(case, settlement, now)
        else:
            _tell(
                case,
                _party_ids(case, settlement.side) if not own else [case.clerk_id],
                what=f"settlement_{settlement.state}",
                key=f"settlement:{settlement.pk}:{settlement.state}",
                actor=actor,
            )
    return settlement


def _settle(case: Case, settlement: Settlement, now: datetime) -> None:
    limit = _refundable_fen(case)
    refunds = sum(r.amount for r in settlement.remedies.all() if r.kind == RemedyKind.REFUND)
    if limit is not None and refunds > limit:
        # The store refunded since the offer: accepting it would pay twice.
        raise Conflict(_("The purchase was refunded since this offer was made: a new proposal is needed."))
    jury = selectors.seated_member_ids(case)
    # The jury is discharged: an open ballot is withdrawn, invitations not yet answered end.
    Verdict.objects.filter(case=case, state=VerdictState.BALLOT).update(
        state=VerdictState.REJECTED, closed_at=now
    )
    Juror.objects.filter(draw__case=case, state=JurorState.INVITED).update(
        state=JurorState.DISCHARGED, answered_at=now
    )
    remedies = list(settlement.remedies.all())
    case.outcome, case.decided_at, case.final_at = Outcome.SETTLED, now, now
    case.status = CaseStatus.FINAL if remedies else CaseStatus.CLOSED
    case.closed_at = None if remedies else now
    case.save(update_fields=["outcome", "decided_at", "final_at", "status", "closed_at"])
    obligations_from(case, remedies, now=now, settlement=settlement)
    close_the_hearing(case, now)
    record_event(
        verb="court.case.settled",
        actor=None,
        obj=case,
        owner=case.claimant,
        properties={"remedies": len(remedies)},
    )
    _tell(
        case,
        [case.claimant_id, case.clerk_id, *selectors.company_ids(), *jury],
        what="settled",
        key="settled",
    )
