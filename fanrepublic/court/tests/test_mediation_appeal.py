"""Mediation and the appeal, given/when/then: a party proposes terms and the other
accepts (the case is settled, its remedies executed like a verdict's, the jury
discharged) or declines; a verdict is appealed once, by either party, to a larger jury
drawn from people who did not sit on the case, whose verdict is final."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.court import execution, hearing, mediation, selectors, services
from fanrepublic.court.enums import CaseStatus, JurorState
from fanrepublic.court.models import Juror, JuryDraw, Obligation
from fanrepublic.members.tests.factories import MemberFactory, engineer, legal
from fanrepublic.notifications.models import Notification

from .builders import REASONS, REMEDIES, admitted_case, decided_case, senior, settle

pytestmark = pytest.mark.django_db
TERMS = "We replace the earbuds and add points for the trouble; the case ends here."


def told(member, what) -> bool:
    return Notification.objects.filter(recipient=member, params__what=what).exists()


def test_the_company_proposes_terms_the_claimant_accepts_and_the_remedies_are_executed_like_a_verdicts():
    case, clerk, company, _boss = admitted_case()
    proposal = mediation.settlement_propose(actor=company, case=case, terms=TERMS, remedies=REMEDIES[:2])
    assert told(case.claimant, "settlement") and told(clerk, "settlement")
    with pytest.raises(Conflict):  # the proposer does not accept their own terms
        mediation.settlement_answer(actor=company, settlement_id=proposal.pk, accept=True)
    with pytest.raises(Conflict):  # one open proposal at a time
        mediation.settlement_propose(actor=case.claimant, case=case, terms=TERMS, remedies=[])
    mediation.settlement_answer(actor=case.claimant, settlement_id=proposal.pk, accept=True)
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.FINAL, "settled")
    owed = list(Obligation.objects.filter(case=case).order_by("pk"))
    assert [(o.kind, o.settlement_id, o.verdict_id) for o in owed] == [
        ("replace", proposal.pk, None),
        ("compensate_points", proposal.pk, None),
    ]
    for o in owed:
        execution.obligation_execute(actor=company, obligation_id=o.pk, proof="Order SH-77")
        execution.obligation_answer(member=case.claimant, obligation_id=o.pk, confirm=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_declined_or_withdrawn_proposal_changes_nothing_and_a_new_one_may_follow():
    case, clerk, company, _boss = admitted_case()
    first = mediation.settlement_propose(actor=case.claimant, case=case, terms=TERMS, remedies=[])
    declined = mediation.settlement_answer(actor=company, settlement_id=first.pk, accept=False)
    assert declined.state == "declined" and told(case.claimant, "settlement_declined")
    second = mediation.settlement_propose(actor=company, case=case, terms=TERMS, remedies=REMEDIES[:1])
    withdrawn = mediation.settlement_answer(actor=company, settlement_id=second.pk, accept=False)
    assert withdrawn.state == "withdrawn"
    case.refresh_from_db()
    assert case.status == CaseStatus.ADMITTED and not Obligation.objects.exists()


def test_only_the_parties_mediate_and_bad_terms_store_nothing():
    case, clerk, company, _boss = admitted_case()
    for outsider in (MemberFactory(), engineer(), clerk, legal()):
        with pytest.raises(NotFound):
            mediation.settlement_propose(actor=outsider, case=case, terms=TERMS, remedies=[])
    for terms, remedies in (
        ("Too short", []),
        (TERMS, [{"kind": "refund", "amount": 0, "description": "Refund it"}]),
    ):
        with pytest.raises(ValidationFailed):
            mediation.settlement_propose(actor=company, case=case, terms=terms, remedies=remedies)
    proposal = mediation.settlement_propose(actor=company, case=case, terms=TERMS, remedies=[])
    for outsider in (MemberFactory(), clerk):
        with pytest.raises(NotFound):
            mediation.settlement_answer(actor=outsider, settlement_id=proposal.pk, accept=True)


def test_a_settlement_discharges_the_jury_and_withdraws_an_open_ballot():
    senior(12)
    for _ in range(3):
        legal()
    case, clerk, company, _boss = admitted_case()
    record = services.jury_draw(actor=clerk, case=case)
    invited = list(record.jurors.filter(state=JurorState.INVITED))
    services.juror_answer(member=invited[0].member, juror_id=invited[0].pk, accept=True)
    settle(case, company)
    assert record.jurors.filter(state=JurorState.INVITED).count() == 0
    assert record.jurors.filter(state=JurorState.DISCHARGED).count() == len(invited) - 1
    with pytest.raises(Conflict):
        services.juror_answer(member=invited[1].member, juror_id=invited[1].pk, accept=True)
    assert services.jurors_lapse(now=record.drawn_at + timedelta(days=30)) == 0  # nobody else is invited


def test_no_settlement_once_the_verdict_is_given():
    h = decided_case()
    with pytest.raises(Conflict):
        mediation.settlement_propose(actor=h.company, case=h.case, terms=TERMS, remedies=[])


# ---- The appeal ---------------------------------------------------------------------------------


def test_a_party_appeals_once_and_a_larger_jury_from_people_who_did_not_sit_hears_it(tmp_path):
    senior(30)  # with the 12 of the first jury's pool: enough for 21 new fans
    legal(), legal()
    h = decided_case(outcome="dismissed", remedies=[])
    first = set(selectors.seated_member_ids(h.case))
    for outsider in (MemberFactory(), h.jurors[0], engineer()):
        with pytest.raises(NotFound):
            hearing.verdict_appeal(actor=outsider, case=h.case, reason="The jury ignored my photographs.")
    with pytest.raises(ValidationFailed):
        hearing.verdict_appeal(actor=h.claimant, case=h.case, reason="No")
    case = hearing.verdict_appeal(actor=h.claimant, case=h.case, reason="The jury ignored my photographs.")
    assert (
        case.status == CaseStatus.APPEALED and case.appealed_by == "claimant" and told(h.company, "appealed")
    )
    appeal = JuryDraw.objects.get(case=case, round=2)
    assert (appeal.fans_wanted, appeal.legal_wanted, appeal.drawn_at) == (21, 2, None)
    services.jury_draw(actor=h.clerk, case=case)
    appeal.refresh_from_db()
    drawn = set(Juror.objects.filter(draw=appeal).values_list("member_id", flat=True))
    assert not drawn & first  # nobody of the first jury
    path = tmp_path / "draw.json"
    import json

    path.write_text(json.dumps(selectors.draw_published(appeal)), encoding="utf-8")
    call_command("recount_jury_draw", str(path))  # recomputed like the first
    for juror in Juror.objects.filter(draw=appeal, state=JurorState.INVITED):
        services.juror_answer(member=juror.member, juror_id=juror.pk, accept=True)
    case.refresh_from_db()
    seated = selectors.seated_jurors(case)
    assert case.status == CaseStatus.SEATED and len(seated) == 23
    verdict = hearing.verdict_propose(
        member=seated[0].member, case=case, outcome="upheld", reasons=REASONS, remedies=REMEDIES[:1]
    )
    assert verdict.round == 2 and verdict.seated == 23
    for juror in seated[:16]:  # two thirds of 23 is 16 (15.33, rounded up)
        hearing.ballot_cast(member=juror.member, verdict_id=verdict.pk, choice="approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.outcome == "upheld"
    with pytest.raises(Conflict):  # once
        hearing.verdict_appeal(actor=h.company, case=case, reason="We disagree with the appeal's jury.")
    hearing.verdict_accept(actor=h.claimant, case=case)
    hearing.verdict_accept(actor=h.company, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.FINAL
    assert list(Obligation.objects.filter(case=case).values_list("verdict__round", "kind")) == [
        (2, "replace")
    ]


def test_no_appeal_after_the_time_to_contest_or_once_accepted_and_final():
    h = decided_case()
    with pytest.raises(Conflict):
        hearing.verdict_appeal(
            actor=h.company,
            case=h.case,
            reason="We disagree with the jury.",
            now=h.case.accept_by + timedelta(seconds=1),
        )
    hearing.verdict_accept(actor=h.claimant, case=h.case)
    hearing.verdict_accept(actor=h.company, case=h.case)
    with pytest.raises(Conflict):
        hearing.verdict_appeal(actor=h.claimant, case=h.case, reason="I changed my mind about it.")
