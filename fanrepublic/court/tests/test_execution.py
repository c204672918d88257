"""Carrying out verdicts, given/when/then: each remedy of a final verdict is an obligation
its owner executes — money and points through the ledger, exactly once; other remedies
with proof — the claimant confirms or disputes, and every step's deadline is watched:
reminders, escalation to the founder, verdicts made final, cases closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.court import deadlines, execution, hearing
from fanrepublic.court.enums import CaseStatus, ObligationState
from fanrepublic.court.models import Obligation
from fanrepublic.members.tests.factories import MemberFactory, founder, legal, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.points.enums import Currency
from fanrepublic.points.models import Transaction
from fanrepublic.points.selectors import ledger_problems, wallet_account

from .builders import REASONS, REMEDIES, admitted_case, decided_case, final_case, seated_case

pytestmark = pytest.mark.django_db


def told(member, what) -> int:
    return Notification.objects.filter(recipient=member, params__what=what).count()


def balance(member, currency) -> int:
    account = wallet_account(member=member, currency=currency)
    return account.balance_minor if account else 0


def obligations(case) -> dict[str, Obligation]:
    return {o.kind: o for o in Obligation.objects.filter(case=case)}


def test_points_and_yuan_are_paid_through_the_ledger_exactly_once():
    h = final_case()
    owed = obligations(h.case)
    points = execution.obligation_execute(actor=h.company, obligation_id=owed["compensate_points"].pk)
    yuan = execution.obligation_execute(actor=h.company, obligation_id=owed["compensate_yuan"].pk)
    assert balance(h.claimant, Currency.POINTS) == 5_000 and balance(h.claimant, Currency.CNY) == 20_000
    assert points.transaction.idempotency_key == f"court:obligation:{points.pk}"
    assert points.state == ObligationState.EXECUTED and yuan.transaction_id and "Ledger" in yuan.proof
    for again in (points, yuan):
        with pytest.raises(Conflict):
            execution.obligation_execute(actor=h.company, obligation_id=again.pk)
    assert balance(h.claimant, Currency.POINTS) == 5_000 and balance(h.claimant, Currency.CNY) == 20_000
    assert Transaction.objects.filter(kind="court_remedy").count() == 2 and ledger_problems() == []
    assert AuditEntry.objects.filter(action="court.obligation.executed").count() == 2
    assert told(h.claimant, "executed") == 2


def test_a_replacement_needs_proof_and_an_apology_its_https_address():
    h = final_case(
        remedies=[
            {"kind": "replace", "amount": 0, "description": "Replace the phone with a new one."},
            {"kind": "apology", "amount": 0, "description": "Apologise in the forum."},
        ]
    )
    owed = obligations(h.case)
    with pytest.raises(ValidationFailed):
        execution.obligation_execute(actor=h.company, obligation_id=owed["replace"].pk, proof="")
    for bad in ("", "http://example.com/sorry", "javascript:alert(1)", "https://x"):
        with pytest.raises(ValidationFailed):
            execution.obligation_execute(actor=h.company, obligation_id=owed["apology"].pk, proof=bad)
    done = execution.obligation_execute(
        actor=h.company, obligation_id=owed["replace"].pk, proof="Replacement order SH-2026-8812"
    )
    assert done.proof == "Replacement order SH-2026-8812" and done.transaction is None
    execution.obligation_execute(
        actor=h.company, obligation_id=owed["apology"].pk, proof="https://fans.example.com/t/sorry/42"
    )
    assert not Obligation.objects.filter(state=ObligationState.OPEN).exists()


def test_only_the_owner_or_the_founder_executes_and_nobody_else_learns_the_obligation_exists():
    h = final_case()
    owed = obligations(h.case)
    for outsider in (h.claimant, operator(), legal(), h.clerk, h.jurors[0], MemberFactory()):
        with pytest.raises(NotFound):
            execution.obligation_execute(actor=outsider, obligation_id=owed["replace"].pk, proof="Order 1")
    with pytest.raises(NotFound):
        execution.obligation_execute(actor=h.company, obligation_id=10**9, proof="Order 1")
    assert execution.obligation_execute(actor=h.founder, obligation_id=owed["replace"].pk, proof="Order 77")


def test_the_claimant_confirms_each_remedy_and_the_case_closes_when_all_are_confirmed():
    h = final_case()
    owed = obligations(h.case)
    for kind, proof in (("replace", "Order SH-1"), ("compensate_points", ""), ("compensate_yuan", "")):
        execution.obligation_execute(actor=h.company, obligation_id=owed[kind].pk, proof=proof)
    with pytest.raises(NotFound):
        execution.obligation_answer(member=h.company, obligation_id=owed["replace"].pk, confirm=True)
    for kind in ("replace", "compensate_points"):
        execution.obligation_answer(member=h.claimant, obligation_id=owed[kind].pk, confirm=True)
    assert h.refresh().case.status == CaseStatus.FINAL
    execution.obligation_answer(member=h.claimant, obligation_id=owed["compensate_yuan"].pk, confirm=True)
    case = h.refresh().case
    assert case.status == CaseStatus.CLOSED and case.closed_at and told(case.claimant, "closed") == 1
    with pytest.raises(Conflict):
        execution.obligation_answer(
            member=h.claimant, obligation_id=owed["replace"].pk, confirm=False, note="x" * 20
        )


def test_a_dispute_says_what_is_wrong_tells_the_clerk_and_founder_and_the_clerk_may_reopen_it():
    h = final_case()
    owed = obligations(h.case)
    with pytest.raises(Conflict):  # not executed yet
        execution.obligation_answer(member=h.claimant, obligation_id=owed["replace"].pk, confirm=True)
    execution.obligation_execute(actor=h.company, obligation_id=owed["replace"].pk, proof="Order SH-1")
    with pytest.raises(ValidationFailed):
        execution.obligation_answer(
            member=h.claimant, obligation_id=owed["replace"].pk, confirm=False, note=""
        )
    disputed = execution.obligation_answer(
        member=h.claimant,
        obligation_id=owed["replace"].pk,
        confirm=False,
        note="The replacement never arrived.",
    )
    assert disputed.state == ObligationState.DISPUTED
    assert told(h.clerk, "disputed") and told(h.founder, "disputed") and told(h.company, "disputed")
    with pytest.raises(NotFound):
        execution.obligation_reopen(actor=h.company, obligation_id=disputed.pk, reason="Send it again")
    reopened = execution.obligation_reopen(actor=h.clerk, obligation_id=disputed.pk, reason="Send it again")
    assert reopened.state == ObligationState.OPEN and reopened.due_at > timezone.now() + timedelta(days=13)
    # A payment is never reopened (it would be paid twice).
    execution.obligation_execute(actor=h.company, obligation_id=owed["compensate_points"].pk)
    execution.obligation_answer(
        member=h.claimant,
        obligation_id=owed["compensate_points"].pk,
        confirm=False,
        note="Fewer points than said.",
    )
    with pytest.raises(Conflict):
        execution.obligation_reopen(actor=h.clerk, obligation_id=owed["compensate_points"].pk, reason="Again")


# ---- Deadlines ---------------------------------------------------------------------------------


def test_a_missed_response_is_escalated_to_the_clerk_and_founder_once_and_a_late_response_is_marked():
    case, clerk, company, boss = admitted_case(respond=False)
    early = deadlines.deadlines_run(now=case.respond_by - timedelta(minutes=1))
    assert early["response"] == 0
    late = case.respond_by + timedelta(minutes=1)
    assert deadlines.deadlines_run(now=late)["response"] == 1
    assert deadlines.deadlines_run(now=late + timedelta(hours=1))["response"] == 0
    assert told(clerk, "late_response") == 1 and told(boss, "late_response") == 1
    hearing.case_respond(
        actor=company, case=case, response="Late, but here is our answer to the claim made.", now=late
    )
    from fanrepublic.activity.models import Event

    assert Event.objects.get(verb="court.case.responded").properties["late"] is True


def test_a_missed_verdict_counts_the_open_ballot_and_escalates():
    h = seated_case()
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="dismissed", reasons=REASONS, remedies=[]
    )
    for member in h.jurors[:7]:
        hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve")
    done = deadlines.deadlines_run(now=h.case.deliberate_by + timedelta(minutes=1))
    verdict.refresh_from_db()
    assert done["deliberation"] == 1 and verdict.state == "rejected"  # 7 of 12 is not two thirds
    assert told(h.clerk, "late_verdict") == 1 and told(h.founder, "late_verdict") == 1
    assert told(h.jurors[5], "late_verdict") == 1


def test_an_uncontested_verdict_is_final_when_its_time_passes():
    h = decided_case()
    assert deadlines.deadlines_run(now=h.case.accept_by - timedelta(minutes=1))["final"] == 0
    assert deadlines.deadlines_run(now=h.case.accept_by + timedelta(minutes=1))["final"] == 1
    assert h.refresh().case.status == CaseStatus.FINAL and Obligation.objects.filter(case=h.case).count() == 3


def test_remedies_due_soon_remind_their_owner_and_late_ones_go_to_the_founder_once():
    h = final_case()
    owed = obligations(h.case)
    execution.obligation_execute(actor=h.company, obligation_id=owed["replace"].pk, proof="Order SH-1")
    due = owed["compensate_points"].due_at
    assert deadlines.deadlines_run(now=due - timedelta(hours=30))["reminded"] == 0
    assert deadlines.deadlines_run(now=due - timedelta(hours=2))["reminded"] == 2
    assert deadlines.deadlines_run(now=due - timedelta(hours=1))["reminded"] == 0
    assert told(h.company, "due_soon") == 2
    assert deadlines.deadlines_run(now=due + timedelta(minutes=1))["escalated"] == 2
    assert deadlines.deadlines_run(now=due + timedelta(hours=2))["escalated"] == 0
    assert told(h.founder, "late_remedy") == 2 and told(h.clerk, "late_remedy") == 2
    late = execution.obligation_execute(actor=h.founder, obligation_id=owed["compensate_yuan"].pk)
    assert late.escalated_at and late.executed_at


def test_a_case_closes_when_the_claimant_stays_silent_after_every_remedy_was_executed():
    h = final_case()
    for obligation in obligations(h.case).values():
        execution.obligation_execute(actor=h.company, obligation_id=obligation.pk, proof="Order SH-9")
    executed = timezone.now()
    assert deadlines.deadlines_run(now=executed + timedelta(days=13))["closed"] == 0
    assert deadlines.deadlines_run(now=executed + timedelta(days=15))["closed"] == 1
    assert h.refresh().case.status == CaseStatus.CLOSED


def test_without_a_respondent_the_founder_owns_the_remedies():
    h = seated_case(respond=False)
    later = h.case.respond_by + timedelta(minutes=1)
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES, now=later
    )
    for member in h.jurors[:8]:
        hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve", now=later)
    hearing.verdict_accept(actor=h.claimant, case=h.case)
    hearing.verdict_accept(actor=founder(), case=h.case)  # any company representative accepts
    assert set(Obligation.objects.values_list("owner_id", flat=True)) == {h.founder.pk}


def test_a_draft_proposed_after_the_deadline_is_counted_two_days_later_and_the_case_never_sticks():
    h = seated_case()
    late = h.case.deliberate_by + timedelta(hours=1)
    deadlines.deadlines_run(now=late)  # escalated: no ballot was open
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="dismissed", reasons=REASONS, remedies=[], now=late
    )
    for member in h.jurors[:7]:  # one short of two thirds; the rest never vote
        hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve", now=late)
    deadlines.deadlines_run(now=late + timedelta(hours=47))
    verdict.refresh_from_db()
    assert verdict.state == "ballot"
    deadlines.deadlines_run(now=late + timedelta(hours=49))
    verdict.refresh_from_db()
    assert verdict.state == "rejected"


def test_an_owner_who_no_longer_speaks_for_the_company_cannot_execute():
    h = final_case()
    owed = obligations(h.case)
    h.company.groups.clear()
    former = type(h.company).objects.get(pk=h.company.pk)
    with pytest.raises(NotFound):
        execution.obligation_execute(actor=former, obligation_id=owed["replace"].pk, proof="Order 1")
