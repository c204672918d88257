"""Faults, not only races (issue 10, item 10): the launch hall's Redis dies while a
question takes answers.

What the product does (docs/architecture.md, "The live launch hall"): while Redis is
unreachable an answer is refused with a clear 503 ("try again in a moment"), never
stored by another path and never reported as stored; closing a question is refused the
same way (its answers are in Redis, so counting without them would be wrong) and the
question stays open. Redis runs with its append-only file (docs/scaling.md), so when it
comes back it has every answer it accepted: the writer stores each exactly once and
closing counts exactly those.

The same holds on the rest of the write path with Redis down: opening a question is
refused before anything is written (it stays unasked), the batch path stores nothing
and a resent batch stores every member it had claimed, and the pages, the answer path
and the API say so with 503 and Retry-After. Redis work that only follows a committed
change (a push, a counter) never turns it into an error.

Each test runs its own throw-away redis-server (the machine's shared one keeps running):
the tests with threads need PostgreSQL, the others run on SQLite too."""

import io
import signal
import threading
from contextlib import contextmanager

import pytest
import redis
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, connection
from django.urls import reverse

from fanrepublic.activity.models import Event
from fanrepublic.core import stream_writer
from fanrepublic.core.errors import Conflict
from fanrepublic.core.models import AuditEntry
from fanrepublic.governance.tests.test_pages import bearer
from fanrepublic.launches import ballot_queue, live, services
from fanrepublic.launches.enums import EventStatus, QuestionStatus
from fanrepublic.launches.errors import HallUnavailable
from fanrepublic.launches.eventlog import ANSWERED
from fanrepublic.launches.models import Attendance, LiveBallot
from fanrepublic.launches.tests.factories import LaunchEventFactory, LiveQuestionFactory, open_question
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

CASTERS = 6


@contextmanager
def writer_running(monkeypatch):
    """`manage.py hall_writer` in a thread (its SIGTERM handler is called to stop it)."""
    stop, failures = [], []
    monkeypatch.setattr(stream_writer.signal, "signal", lambda _sig, handler: stop.append(handler))

    def run():
        try:
            call_command("hall_writer", "--pause", "0.05", stdout=io.StringIO())
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield
    finally:
        while not stop and thread.is_alive():
            thread.join(0.01)
        if stop:
            stop[0](signal.SIGTERM, None)
        thread.join(timeout=30)
    assert not thread.is_alive() and failures == []


def _cast(member_id, question, option_id):
    """What the member is told: "accepted", "already" (their answer is in) or the error."""
    try:
        services.cast(
            member_id=member_id, event_id=question.event_id, question_id=question.pk, option_id=option_id
        )
    except Conflict as exc:
        if exc.code == "already_voted":
            return "already"
        return exc
    except Exception as exc:  # noqa: BLE001 - judged by the test
        return exc
    return "accepted"


@pytest.mark.postgres
def test_redis_killed_while_a_question_takes_answers_loses_no_accepted_answer(hall_redis, monkeypatch):
    # Given an open question, the hall writer running and 90 members answering from six
    # threads at once.
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    members = [m.pk for m in MemberFactory.create_batch(90)]
    choice = {m: yes if n % 3 else no for n, m in enumerate(members)}
    told: dict[int, list] = {m: [] for m in members}
    lock = threading.Lock()
    todo = list(reversed(members))
    phase = {"killed": False, "restarted": False, "accepted": 0, "after_kill": 0, "after_restart": 0}

    back = threading.Event()

    def caster():
        try:
            while True:
                if phase["restarted"]:
                    back.wait(30)  # the rest answer once Redis is back
                with lock:
                    if not todo:
                        return
                    member = todo.pop()
                outcome = _cast(member, question, choice[member])
                with lock:
                    told[member].append(outcome)
                    phase["accepted"] += outcome == "accepted"
                    phase["after_kill"] += phase["killed"]
                    phase["after_restart"] += phase["restarted"] and outcome == "accepted"
                    # When Redis is killed mid-flight (SIGKILL: the other threads' answers
                    # are on the wire) and, after twelve more answers, started again (with
                    # its append-only file). Under the lock: the restart cannot overtake
                    # the kill.
                    if phase["accepted"] >= 30 and not phase["killed"]:
                        hall_redis.kill()
                        phase["killed"] = True
                    elif phase["killed"] and phase["after_kill"] >= 12 and not phase["restarted"]:
                        hall_redis.start()
                        phase["restarted"] = True
                        back.set()
        finally:
            connection.close()
            close_old_connections()

    with writer_running(monkeypatch):
        threads = [threading.Thread(target=caster) for _ in range(CASTERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert phase["killed"] and phase["restarted"] and phase["after_restart"] > 0
        # Half the refused members try again (Redis is back): accepted, or told that
        # their answer is in (the one on the wire when Redis died may have been taken).
        refused = [m for m in members if not isinstance(told[m][-1], str)]
        for member in refused[::2]:
            told[member].append(_cast(member, question, choice[member]))
        # And the host closes the question while the writer is still storing.
        closed = services.question_close(actor=question.event.host, question=question)

    stored = dict(LiveBallot.objects.filter(question=question).values_list("member_id", "option_id"))
    in_ = {m for m, said in told.items() if said[-1] in ("accepted", "already")}
    # Then every accepted answer (and every "your answer is in") is stored, once, as chosen.
    assert in_ <= set(stored)
    assert all(stored[m] == choice[m] for m in stored)
    # Every refusal was the clear "try again" error, never another exception and
    # never a silent success.
    outcomes = [o for said in told.values() for o in said]
    assert all(o in ("accepted", "already") or isinstance(o, HallUnavailable) for o in outcomes), {
        repr(o) for o in outcomes if o not in ("accepted", "already")
    }
    # (Twelve answers came after the kill; at most one per other thread was already on
    # its way and could be accepted.)
    assert sum(isinstance(o, HallUnavailable) for o in outcomes) >= 12 - (CASTERS - 1)
    assert HallUnavailable.status == 503
    # A refused answer is stored only if it was the one on the wire when Redis died
    # (Redis had taken it; its reply was lost) — at most one per thread.
    assert len(set(stored) - in_) <= CASTERS
    # Closing counted exactly the stored answers, and the live counts agree.
    assert closed.status == QuestionStatus.CLOSED
    assert closed.result["total"] == len(stored) == LiveBallot.objects.filter(question=question).count()
    assert closed.result["counts"] == {str(o): sum(1 for v in stored.values() if v == o) for o in (yes, no)}
    assert live.exact_counts(question.pk) == {o: closed.result["counts"][str(o)] for o in (yes, no)}
    # Nothing was left behind in Redis: every entry of the stream was stored and acknowledged.
    assert ballot_queue.client().xpending(ballot_queue.stream(), ballot_queue.GROUP)["pending"] == 0
    assert ballot_queue.client().xlen(ballot_queue.stream()) == 0


@pytest.mark.postgres
def test_with_redis_down_closing_is_refused_and_counts_exactly_once_it_is_back(hall_redis):
    # Given an open question with 20 accepted answers waiting in Redis (no writer runs).
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    early, late = MemberFactory.create_batch(20), MemberFactory.create_batch(5)
    for n, member in enumerate(early):
        assert _cast(member.pk, question, yes if n % 4 else no) == "accepted"

    # When Redis dies: answers and the host's close are refused with the clear error,
    # the question stays open, nothing is counted, and the hall still shows counts.
    hall_redis.kill()
    assert isinstance(_cast(late[0].pk, question, yes), HallUnavailable)
    with pytest.raises(HallUnavailable):
        services.question_close(actor=question.event.host, question=question)
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN and not question.result
    assert live.running_counts(question.pk, [yes, no]) == {yes: 0, no: 0}  # stored so far

    # Then, Redis back with what it accepted, answering and closing carry on: the result
    # is exactly the 20 + 5 accepted answers, and a late answer hears "closed".
    hall_redis.start()
    for member in late:
        assert _cast(member.pk, question, no) == "accepted"
    closed = services.question_close(actor=question.event.host, question=question)
    assert closed.result == {"counts": {str(yes): 15, str(no): 10}, "total": 25}
    assert LiveBallot.objects.filter(question=question).count() == 25
    refused = _cast(MemberFactory().pk, question, yes)
    assert isinstance(refused, Conflict) and "closed" in str(refused)


# ------------------------------------------------------ the rest of the write path


def test_with_redis_down_opening_a_question_is_refused_and_nothing_is_written(hall_redis):
    # Given a live event with a question not asked yet, and the hall's Redis down
    question = LiveQuestionFactory()
    hall_redis.kill()
    # When the host opens it: refused with the clear error, and the question stays
    # unasked — no audit entry, no event, nothing that could take answers
    with pytest.raises(HallUnavailable, match="stays unasked"):
        services.question_open(actor=question.event.host, question=question)
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT and question.opened_at is None
    assert not AuditEntry.objects.filter(action="launches.question.opened").exists()
    assert not Event.objects.filter(verb="launches.question.opened").exists()
    # Then, Redis back, the host opens it and it takes answers
    hall_redis.start()
    services.question_open(actor=question.event.host, question=question)
    assert ballot_queue.state(question.pk) == str(question.event_id)
    assert _cast(MemberFactory().pk, question, question.options.first().pk) == "accepted"


def test_with_redis_down_a_batch_stores_nothing_and_the_same_batch_later_stores_everyone(hall_redis):
    # Given an open question and a batch of six answers
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    batch = [(m.pk, yes if n % 2 else no) for n, m in enumerate(MemberFactory.create_batch(6))]
    # When Redis is down: the batch is refused with the clear error, nothing is stored
    hall_redis.kill()
    with pytest.raises(HallUnavailable):
        services.cast_batch(event=question.event, question_id=question.pk, ballots=batch)
    assert not LiveBallot.objects.exists() and not Event.objects.filter(verb=ANSWERED).exists()
    # Then, Redis back, the same batch stores all six, each counted once
    hall_redis.start()
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 6
    assert LiveBallot.objects.count() == 6 == Event.objects.filter(verb=ANSWERED).count()
    assert live.running_counts(question.pk, [yes, no]) == {yes: 3, no: 3}


def test_a_batch_whose_claim_was_made_but_its_reply_lost_takes_it_back_for_any_batch(hall_redis, monkeypatch):
    # Given an open question, and Redis that carries out the batch's claim (its members
    # marked as having answered, their options counted) but whose reply never arrives
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    members = MemberFactory.create_batch(5)
    batch = [(m.pk, yes) for m in members]
    real_claim = ballot_queue.claim

    def claim_then_lose_the_reply(*args, **kwargs):
        real_claim(*args, **kwargs)
        raise redis.exceptions.ConnectionError("Connection reset by peer")

    monkeypatch.setattr(ballot_queue, "claim", claim_then_lose_the_reply)
    # When the batch is sent: refused, nothing stored, and what Redis claimed is taken back
    with pytest.raises(HallUnavailable):
        services.cast_batch(event=question.event, question_id=question.pk, ballots=batch)
    assert not LiveBallot.objects.exists()
    assert not any(ballot_queue.has_answered(question.pk, m.pk) for m in members)
    assert live.running_counts(question.pk, [yes, no]) == {yes: 0, no: 0}
    # Then the members are stored by batches put together differently, each counted once
    monkeypatch.setattr(ballot_queue, "claim", real_claim)
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch[:2]) == 2
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch[2:]) == 3
    assert live.running_counts(question.pk, [yes, no]) == {yes: 5, no: 0}
    assert (
        services.cast_batch(event=question.event, question_id=question.pk, ballots=[(members[0].pk, no)]) == 0
    )
    assert Event.objects.filter(verb=ANSWERED).count() == 5


def test_a_claim_made_while_redis_goes_away_waits_for_the_same_batch(hall_redis, monkeypatch):
    # Given Redis that makes the batch's claim and then goes away before replying
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    members = MemberFactory.create_batch(4)
    batch = [(m.pk, no) for m in members]
    real_claim = ballot_queue.claim

    def claim_then_die(*args, **kwargs):
        real_claim(*args, **kwargs)
        hall_redis.kill()
        raise redis.exceptions.ConnectionError("Connection reset by peer")

    monkeypatch.setattr(ballot_queue, "claim", claim_then_die)
    # When the batch is sent: refused; the claims cannot be taken back while Redis is away
    with pytest.raises(HallUnavailable):
        services.cast_batch(event=question.event, question_id=question.pk, ballots=batch)
    assert not LiveBallot.objects.exists()
    # Then, Redis back (with what it had), the same batch stores every member, counted once
    hall_redis.start()
    monkeypatch.setattr(ballot_queue, "claim", real_claim)
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 4
    assert live.running_counts(question.pk, [yes, no]) == {yes: 0, no: 4}


def test_a_batch_the_database_refuses_takes_back_its_claims_or_keeps_them_for_a_resend(
    hall_redis, monkeypatch
):
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    first, second = MemberFactory.create_batch(3), MemberFactory.create_batch(3)

    def refused(rows):
        raise DatabaseError("the database went away")

    # When the database refuses a batch: nothing is stored and Redis takes its claims
    # back — the members may still answer, and the counts do not include them
    monkeypatch.setattr(services, "_insert_ballots", refused)
    with pytest.raises(DatabaseError):
        services.cast_batch(
            event=question.event, question_id=question.pk, ballots=[(m.pk, yes) for m in first]
        )
    assert not any(ballot_queue.has_answered(question.pk, m.pk) for m in first)
    assert live.running_counts(question.pk, [yes, no]) == {yes: 0, no: 0}
    assert _cast(first[0].pk, question, no) == "accepted"

    # And when Redis is gone by then too (the claims cannot be taken back), the same
    # batch sent once both are back stores its members
    def refused_and_redis_gone(rows):
        hall_redis.kill()
        raise DatabaseError("the database went away")

    monkeypatch.setattr(services, "_insert_ballots", refused_and_redis_gone)
    batch = [(m.pk, no) for m in second]
    with pytest.raises(DatabaseError):
        services.cast_batch(event=question.event, question_id=question.pk, ballots=batch)
    hall_redis.start()
    monkeypatch.undo()
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 3
    assert LiveBallot.objects.count() == 3 == Event.objects.filter(verb=ANSWERED).count()
    assert live.running_counts(question.pk, [yes, no]) == {yes: 0, no: 4}  # 3 + first[0] queued


def test_with_redis_down_pages_the_answer_path_and_the_api_say_503_with_retry_after(hall_redis, client):
    # Given a live event with an open question, a member who joined, and another event
    # whose question is not asked yet
    question = open_question()
    event, yes = question.event, question.options.first().pk
    fan = MemberFactory()
    services.join(member=fan, event=event)
    draft = LiveQuestionFactory()
    hall_redis.kill()

    def unavailable(response):
        body = response.json() if response["Content-Type"].startswith("application/json") else None
        return (
            response.status_code == 503
            and int(response["Retry-After"]) > 0
            and (body is None or body["error"]["code"] == "hall_unavailable")
        )

    # When the member answers on the answer path (in Chinese), the API and the form
    answer_path = client.post(
        reverse("launch_answer", args=[event.slug, question.pk, yes]),
        HTTP_X_HALL_PASS=services.hall_pass(fan.pk, event),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert (
        unavailable(answer_path)
        and answer_path.json()["error"]["message"] == "会场暂时无法接收回答，请稍后再试。"
    )
    api_url = f"/api/v1/launches/{event.slug}/questions/{question.pk}/answer"
    assert unavailable(client.post(api_url, {"option": yes}, "application/json", **bearer(fan)))
    client.force_login(fan)
    form = client.post(
        reverse("launches:answer", args=[event.slug]), {"question": question.pk, "option": yes}
    )
    assert unavailable(form) and "try again in a moment" in form.content.decode()
    # And the hosts close and open questions on the console and through the API
    client.force_login(event.host)
    console = reverse("launches:host_action", args=[event.slug])
    assert unavailable(client.post(console, {"action": "close", "question": question.pk}))
    host_api = f"/api/v1/launches/{event.slug}/questions/{question.pk}/close"
    assert unavailable(client.post(host_api, **bearer(event.host)))
    open_api = f"/api/v1/launches/{draft.event.slug}/questions/{draft.pk}/open"
    assert unavailable(client.post(open_api, **bearer(draft.event.host)))
    # Then nothing was half-done: no answer stored, the question still open, the draft unasked
    assert not LiveBallot.objects.exists()
    question.refresh_from_db()
    draft.refresh_from_db()
    assert (question.status, draft.status) == (QuestionStatus.OPEN, QuestionStatus.DRAFT)


def test_redis_work_after_a_committed_change_never_turns_it_into_an_error(hall_redis, monkeypatch):
    # Given pushes to the halls, the attendee counter and arming a new question that all
    # fail (Redis went away right after the database committed)
    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Redis went away")

    for name in ("push", "attendee_joined"):
        monkeypatch.setattr(live, name, unreachable)
    monkeypatch.setattr(ballot_queue, "arm", unreachable)
    event = LaunchEventFactory(status=EventStatus.SCHEDULED)
    question = LiveQuestionFactory(event=event)
    fan = MemberFactory()
    # When the host starts the event and opens the question, and a member joins: each
    # is done, and said to be done
    services.event_start(actor=event.host, event=event)
    services.question_open(actor=event.host, question=question)
    services.join(member=fan, event=event)
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN
    assert Attendance.objects.filter(event=event, member=fan).exists()
    assert Event.objects.filter(verb="launches.event.joined", actor=fan).exists()
    # Then the first answer arms the question in Redis (its keys were never written)
    monkeypatch.undo()
    assert _cast(fan.pk, question, question.options.first().pk) == "accepted"
    assert ballot_queue.state(question.pk) == str(event.pk)


def test_a_stored_batch_resent_after_redis_lost_its_tidying_is_neither_stored_nor_counted_twice(
    hall_redis, monkeypatch
):
    # Given a batch stored while Redis went away just after the commit (its claims could
    # not be tidied away: the batch is told it is stored, which it is)
    question = open_question()
    yes, no = question.options.values_list("pk", flat=True)
    batch = [(m.pk, yes) for m in MemberFactory.create_batch(4)]

    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Redis went away")

    monkeypatch.setattr(ballot_queue, "claims_stored", unreachable)
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 4
    # When the same batch is sent again, then nothing is stored or counted twice
    monkeypatch.undo()
    assert services.cast_batch(event=question.event, question_id=question.pk, ballots=batch) == 0
    assert LiveBallot.objects.count() == 4 == Event.objects.filter(verb=ANSWERED).count()
    assert live.running_counts(question.pk, [yes, no]) == {yes: 4, no: 0}


def test_with_the_shared_cache_down_the_hall_still_opens_with_its_attendance(client, monkeypatch):
    # Given a live event two members joined, and a shared cache (Redis) that cannot be reached
    question = open_question()
    event = question.event
    for fan in MemberFactory.create_batch(2):
        services.join(member=fan, event=event)

    class Away:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

            return fail

    monkeypatch.setattr(live, "cache", Away())
    # When a visitor opens the hall and its live figures
    page = client.get(reverse("launches:hall", args=[event.slug]))
    # Then both answer, the attendance counted in the database
    assert page.status_code == 200
    assert live.attendee_count(event.pk) == 2
