"""Every join and every answer reaches the activity event log, once (issue 11, item 7).

An answer is recorded where its ballot is stored, in the same transaction: with the
Redis queue by the hall writer, in the batch it stores (never by the web process on the
answer path); by the batch path for its batch; by `cast` itself without Redis. A batch
stored again — a writer that died before acknowledging it, a batch resent — records
nothing twice. The event says that a member answered which question, never the option.

The queue's tests bring their own throw-away redis-server (conftest.hall_redis), so they
run on SQLite and PostgreSQL alike."""

import io
import time

import pytest
import redis
from django.core.management import call_command

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, Forbidden
from fanrepublic.launches import ballot_queue, services
from fanrepublic.launches.eventlog import ANSWERED, JOINED
from fanrepublic.launches.models import Attendance, LiveBallot
from fanrepublic.launches.tests.factories import LaunchEventFactory, open_question
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def answered(question):
    return Event.objects.filter(
        verb=ANSWERED, object_type="launches.livequestion", object_id=str(question.pk)
    )


def options(question):
    return list(question.options.values_list("pk", flat=True))


def cast(member, question, option):
    services.cast(member_id=member.pk, event_id=question.event_id, question_id=question.pk, option_id=option)


def test_joining_is_recorded_once_with_the_seat():
    # Given a member joining a launch event twice
    event = LaunchEventFactory()
    fan = MemberFactory()
    services.join(member=fan, event=event)
    services.join(member=fan, event=event)
    # Then one event says so: the member as actor and owner, the launch event as object
    (joined,) = Event.objects.filter(verb=JOINED)
    assert (joined.actor_id, joined.owner_id) == (fan.pk, fan.pk)
    assert (joined.object_type, joined.object_id) == ("launches.launchevent", str(event.pk))
    assert joined.occurred_at == Attendance.objects.get(member=fan).joined_at


def test_a_refused_join_is_not_recorded():
    event = LaunchEventFactory(min_trust_level=3)
    with pytest.raises(Forbidden):
        services.join(member=MemberFactory(trust_level=0), event=event)
    assert not Event.objects.filter(verb=JOINED).exists()


def test_without_redis_each_answer_is_recorded_with_its_ballot_and_never_its_choice(settings):
    # Given the embedded default (no Redis: each answer is one statement)
    settings.LAUNCH_BALLOT_QUEUE = False
    question = open_question()
    yes, no = options(question)
    fan = MemberFactory()
    # When the member answers, then tries a second answer
    cast(fan, question, yes)
    with pytest.raises(Conflict):
        cast(fan, question, no)
    # Then one event: who answered which question — not what
    (event,) = answered(question)
    assert (event.actor_id, event.owner_id, event.properties) == (fan.pk, fan.pk, {})
    assert event.occurred_at == LiveBallot.objects.get(question=question).cast_at


def test_with_the_queue_the_writer_records_the_answers_in_its_batch_once(hall_redis, on_commit):
    # Given an open question answered by four members through the Redis queue
    with on_commit():
        question = open_question()
    yes, no = options(question)
    fans = MemberFactory.create_batch(4)
    for n, fan in enumerate(fans):
        cast(fan, question, yes if n % 2 else no)
    # Then the answer path recorded nothing (one Redis call per answer, no database)
    assert not answered(question).exists() and not LiveBallot.objects.exists()
    # When the hall writer stores the batch
    call_command("hall_writer", "--once", stdout=io.StringIO())
    # Then each answer has its ballot and one event, at the time it was cast
    assert sorted(answered(question).values_list("actor_id", flat=True)) == sorted(f.pk for f in fans)
    cast_at = dict(LiveBallot.objects.filter(question=question).values_list("member_id", "cast_at"))
    assert all(e.occurred_at == cast_at[e.actor_id] for e in answered(question))
    # And the same rows stored again (a writer replaying them) add neither ballots nor events
    rows = [(question.pk, yes, fan.pk, time.time()) for fan in fans]
    assert ballot_queue.store_rows(rows) == 0
    assert answered(question).count() == 4 == LiveBallot.objects.filter(question=question).count()


def test_a_writer_that_fails_before_acknowledging_records_its_batch_once(hall_redis, on_commit, monkeypatch):
    # Given three answers waiting in the queue, and Redis lost just as the writer
    # acknowledges the batch it stored
    with on_commit():
        question = open_question()
    for fan in MemberFactory.create_batch(3):
        cast(fan, question, options(question)[0])
    real_execute, failed = redis.client.Pipeline.execute, []

    def lose_the_acknowledgement(pipe, *args, **kwargs):
        if not failed:
            failed.append(True)
            raise redis.exceptions.ConnectionError("connection lost")
        return real_execute(pipe, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", lose_the_acknowledgement)
    with pytest.raises(redis.exceptions.ConnectionError):
        ballot_queue.write_batch("writer-1")
    assert answered(question).count() == 3  # stored and recorded, not acknowledged
    # When the writer recovers (hall_writer first stores again what it read)
    assert ballot_queue.write_batch("writer-1", own_pending=True) == 3
    # Then the answers are recorded once, and nothing is left pending
    assert answered(question).count() == 3 == LiveBallot.objects.filter(question=question).count()
    assert ballot_queue.client().xpending(ballot_queue.stream(), ballot_queue.GROUP)["pending"] == 0


@pytest.mark.parametrize("queued", [False, True], ids=["direct", "redis-queue"])
def test_the_batch_path_records_each_stored_answer_once_and_a_resent_batch_nothing(
    queued, request, settings, on_commit
):
    if queued:
        request.getfixturevalue("hall_redis")
    else:
        settings.LAUNCH_BALLOT_QUEUE = False
    # Given an open question for trust level 1, five eligible members and a newcomer
    with on_commit():
        question = open_question(event=LaunchEventFactory(min_trust_level=1))
    yes, no = options(question)
    members = MemberFactory.create_batch(5, trust_level=1)
    newcomer = MemberFactory(trust_level=0)
    batch = [(m.pk, yes if n % 2 else no) for n, m in enumerate(members)] + [(newcomer.pk, yes)]
    # When the batch is stored: five answers, five events (none for the newcomer)
    with on_commit():
        assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 5
    assert sorted(answered(question).values_list("actor_id", flat=True)) == sorted(m.pk for m in members)
    # And when it is sent again, nothing more
    with on_commit():
        assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 0
    assert answered(question).count() == 5 == LiveBallot.objects.filter(question=question).count()
