"""Races on real PostgreSQL connections: two clerks drawing the same jury at once draw it
once; jurors declining at the same moment each hand their place to a different next juror
of the order, never two to the same one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fanrepublic.core.errors import Conflict
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.court import services
from fanrepublic.court.enums import JurorState
from fanrepublic.court.models import Case, Juror, JuryDraw
from fanrepublic.members.tests.factories import MemberFactory, legal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"),
]


def admitted_case():
    old = timezone.now() - timedelta(days=800)
    for _ in range(16):
        MemberFactory(trust_level=3, date_joined=old)
    for _ in range(4):
        legal()
    clerks = [legal(), legal()]
    case = services.case_file(
        claimant=MemberFactory(),
        title="Burned-in screen",
        account="The screen burned in after three months of normal use.",
        remedy_sought="Replace the phone.",
    )
    return services.case_admit(actor=clerks[0], case=case), clerks


def test_two_clerks_drawing_at_once_draw_the_jury_once():
    case, clerks = admitted_case()
    results, errors = run_at_once(
        lambda i: services.jury_draw(actor=clerks[i], case=Case.objects.get(pk=case.pk)), 2
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    record = JuryDraw.objects.get(case=case)
    assert record.jurors.filter(state=JurorState.INVITED).count() == 12


def test_jurors_declining_at_once_each_pass_their_place_to_a_different_next_juror():
    case, clerks = admitted_case()
    record = services.jury_draw(actor=clerks[0], case=case)
    invited = list(record.jurors.filter(kind="fan", state=JurorState.INVITED).order_by("position")[:4])
    results, errors = run_at_once(
        lambda i: services.juror_answer(member=invited[i].member, juror_id=invited[i].pk, accept=False), 4
    )
    assert not errors and len(results) == 4
    fans = Juror.objects.filter(draw=record, kind="fan")
    assert fans.filter(state=JurorState.DECLINED).count() == 4
    assert fans.filter(state=JurorState.INVITED).count() == 10  # still ten places, none given twice
    assert list(
        fans.filter(state=JurorState.INVITED).order_by("position").values_list("position", flat=True)
    ) == [*range(5, 15)]


def test_an_obligation_executed_twice_at_once_pays_once():
    from fanrepublic.court import execution
    from fanrepublic.court.models import Obligation
    from fanrepublic.points.enums import Currency
    from fanrepublic.points.models import Transaction
    from fanrepublic.points.selectors import ledger_problems, wallet_account

    from .builders import final_case

    h = final_case()
    owed = Obligation.objects.get(case=h.case, kind="compensate_yuan")
    actors = [h.company, h.founder, h.company, h.founder]
    results, errors = run_at_once(
        lambda i: execution.obligation_execute(actor=actors[i], obligation_id=owed.pk), len(actors)
    )
    assert len(results) == 1 and all(isinstance(e, Conflict) for e in errors) and len(errors) == 3
    assert Transaction.objects.filter(kind="court_remedy").count() == 1
    assert wallet_account(member=h.claimant, currency=Currency.CNY).balance_minor == 20_000
    assert ledger_problems() == []


def test_jurors_voting_at_once_are_each_counted_once_and_the_ballot_closes_once():
    from fanrepublic.court import hearing
    from fanrepublic.court.models import Ballot, Verdict

    from .builders import REASONS, REMEDIES, seated_case

    h = seated_case()
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
    )
    # Ten jurors at once, one of them twice: 9 distinct approvals would adopt it at the 8th.
    voters = [*h.jurors[:9], h.jurors[0]]
    results, errors = run_at_once(
        lambda i: hearing.ballot_cast(member=voters[i], verdict_id=verdict.pk, choice="approve"), len(voters)
    )
    verdict = Verdict.objects.get(pk=verdict.pk)
    assert verdict.state == "adopted" and verdict.approvals == len(results) == Ballot.objects.count()
    assert 8 <= verdict.approvals <= 9 and all(isinstance(e, Conflict) for e in errors)
    assert Case.objects.get(pk=h.case.pk).status == "decided"
