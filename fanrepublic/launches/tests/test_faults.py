"""Faults, not only races (issue 10, item 10): the launch hall's Redis dies while a
question takes answers.

What the product does (docs/architecture.md, "The live launch hall"): while Redis is
unreachable an answer is refused with a clear 503 ("try again in a moment"), never
stored by another path and never reported as stored; closing a question is refused the
same way (its answers are in Redis, so counting without them would be wrong) and the
question stays open. Redis runs with its append-only file (docs/scaling.md), so when it
comes back it has every answer it accepted: the writer stores each exactly once and
closing counts exactly those.

Each test runs its own throw-away redis-server (the machine's shared one keeps running)."""

import io
import signal
import threading
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from fanrepublic.core.errors import Conflict
from fanrepublic.core.tests.redis_server import RedisServer
from fanrepublic.launches import ballot_queue, live, services
from fanrepublic.launches.enums import QuestionStatus
from fanrepublic.launches.errors import HallUnavailable
from fanrepublic.launches.management.commands import hall_writer
from fanrepublic.launches.models import LiveBallot
from fanrepublic.launches.tests.factories import open_question
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CASTERS = 6


def _forget_redis():
    """Drop the ballot queue's connections, so that the next call connects to whatever
    settings.REDIS_URL names now."""
    ballot_queue._client = ballot_queue._cast_script = ballot_queue._mark_script = None
    while not ballot_queue._wires.empty():
        ballot_queue._wires.get_nowait().close()


@pytest.fixture
def hall_redis(tmp_path, settings):
    server = RedisServer(tmp_path, appendonly=True)
    server.start()
    settings.REDIS_URL = server.url
    settings.LAUNCH_BALLOT_QUEUE = True
    settings.LAUNCH_QUEUE_PREFIX = f"faults-{uuid.uuid4().hex[:8]}"
    _forget_redis()
    yield server
    server.kill()
    _forget_redis()


@contextmanager
def writer_running(monkeypatch):
    """`manage.py hall_writer` in a thread (its SIGTERM handler is called to stop it)."""
    stop, failures = [], []
    monkeypatch.setattr(hall_writer.signal, "signal", lambda _sig, handler: stop.append(handler))

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
