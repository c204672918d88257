"""One answer per member, and a close that counts every accepted answer — under real
concurrent connections on PostgreSQL."""

import pytest

from fanrepublic.core.errors import Conflict
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.launches import live, services
from fanrepublic.launches.models import LiveBallot
from fanrepublic.launches.tests.factories import open_question, settle
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def cast(member, question, option):
    services.cast(member_id=member.pk, event_id=question.event_id, question_id=question.pk, option_id=option)
    return True


def test_the_same_member_answering_eight_times_at_once_is_one_ballot():
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    fan = MemberFactory()
    results, errors = run_concurrently(cast, [(fan, question, yes if n % 2 else no) for n in range(8)])
    assert len(results) == 1 and len(errors) == 7 and all(isinstance(e, Conflict) for e in errors)
    settle()
    assert LiveBallot.objects.filter(question=question).count() == 1
    assert sum(live.running_counts(question.pk, [yes, no]).values()) == 1


def test_many_members_at_once_give_exact_counts_in_the_database_and_the_live_counters():
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    fans = [MemberFactory() for _ in range(24)]
    results, errors = run_concurrently(
        cast, [(fan, question, yes if n < 15 else no) for n, fan in enumerate(fans)]
    )
    assert errors == [] and len(results) == 24
    settle()
    assert live.exact_counts(question.pk) == {yes: 15, no: 9}
    assert live.running_counts(question.pk, [yes, no]) == {yes: 15, no: 9}


def test_closing_while_members_answer_counts_every_accepted_answer_and_no_other():
    question = open_question()
    yes, _no = question.options.values_list("pk", flat=True)
    fans = [MemberFactory() for _ in range(20)]

    def close():
        return services.question_close(actor=question.event.host, question=question)

    calls = [(lambda f=fan: cast(f, question, yes), ()) for fan in fans]
    calls.insert(10, (close, ()))
    results, errors = run_concurrently(lambda fn, args: fn(*args), calls)
    accepted = results.count(True)
    assert all(isinstance(e, Conflict) for e in errors) and accepted + len(errors) == 20
    question.refresh_from_db()
    assert question.result["total"] == accepted == LiveBallot.objects.filter(question=question).count()
