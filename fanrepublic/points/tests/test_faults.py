"""Faults, not only races (issue 10, item 10): a Celery worker killed (SIGKILL) while it
pays earning rules. The task (activity.tasks.dispatch_events → points.rules) comes back
— put back at once by the worker when the pool process running it dies, or handed to a
new worker by Redis once the visibility timeout has passed when the whole worker dies —
and every event pays exactly once (config/settings/base.py, docs/architecture.md
"Background work").

A real worker process runs against a throw-away redis-server and the test database. To
kill it while it runs the task, the test holds the row lock of one member's wallet: the
worker pays the events before that member's, then waits on the lock, and is killed
there, halfway through its batch."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
import pytest
import redis
from celery import Celery
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from fanrepublic.activity.tests.factories import EventFactory
from fanrepublic.core.tests.redis_server import RedisServer
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.points import services as points
from fanrepublic.points.models import Transaction
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.points.tests.factories import EarningRuleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

EVENTS = 12
BLOCKED = 6  # the worker pays events 0-5, then waits on the wallet of event 6's owner
POINTS = 7
TASK = "fanrepublic.activity.tasks.dispatch_events"

# The worker: the project's Celery app and settings, pointed at the test database and the
# throw-away broker; only the broker's timing knobs can be made shorter by the test.
WORKER = """
import json, os, sys
from config.celery import app
app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}), **json.loads(os.environ["FAULTS_TRANSPORT_OPTIONS"])
}
app.worker_main(["worker", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", *sys.argv[1:]])
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, broker: RedisServer, log: Path, *args: str, transport_options: dict | None = None):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker.url,
            "CELERY_BROKER_URL": broker.url,
            "FAULTS_TRANSPORT_OPTIONS": json.dumps(transport_options or {}),
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, "-n", f"faults-{uuid.uuid4().hex[:6]}@%h", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def pool_children(self) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def kill(self) -> None:
        """SIGKILL the whole worker (and the pool processes it forked)."""
        children = self.pool_children()
        self.process.kill()
        self.process.wait(timeout=10)
        for pid in children:
            with suppress(ProcessLookupError):  # gone with its parent already
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self.log.close()


def wait_for(check, log: Path, what: str, timeout=25.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}; the worker's log ends:\n{tail}")
        time.sleep(0.05)


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def workers(broker, tmp_path):
    started = []

    def start(*args, **kwargs):
        worker = Worker(broker, tmp_path / "worker.log", *args, **kwargs)
        started.append(worker)
        return worker

    start.log = tmp_path / "worker.log"
    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def paying_events():
    """Twelve purchases in the event log, each owned by another member, and an earning
    rule that pays them; the wallets exist (the lock below needs a row)."""
    EarningRuleFactory(name="Purchase", verb="store.purchased", points=POINTS, pays_platform_events=True)
    owners = MemberFactory.create_batch(EVENTS)
    for owner in owners:
        points.wallet_for(owner)
    events = [EventFactory(owner=owner, verb="store.purchased") for owner in owners]
    return events


@contextmanager
def wallet_locked(member):
    """Hold the row lock of the member's wallet from another connection."""
    db = connection.get_connection_params()
    wallet = points.wallet_for(member)
    with psycopg.connect(
        dbname=db["dbname"],
        user=db.get("user"),
        host=db.get("host"),
        port=db.get("port"),
        password=db.get("password"),
    ) as holder:
        holder.execute("SELECT 1 FROM points_account WHERE id = %s FOR UPDATE", [wallet.pk])
        try:
            yield holder
        finally:
            holder.rollback()


def send_dispatch(broker: RedisServer, event_ids: list[int]) -> None:
    """What activity.services does after commit, to the throw-away broker."""
    sender = Celery("faults-sender", broker=broker.url, set_as_current=False)
    try:
        sender.send_task(TASK, args=[event_ids])
    finally:
        sender.close()


def paid() -> int:
    return Transaction.objects.filter(kind="earn").count()


def worker_waits_on_the_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def broker_idle(broker: RedisServer) -> bool:
    """Nothing queued, nothing delivered and unacknowledged: the task finished."""
    r = redis.Redis.from_url(broker.url)
    try:
        return r.llen("celery") == 0 and r.hlen("unacked") == 0
    finally:
        r.close()


def assert_each_event_paid_exactly_once(events) -> None:
    for event in events:
        assert Transaction.objects.filter(kind="earn", source_event_id=event.pk).count() == 1, event.pk
        assert points.wallet_for(event.owner).balance_minor == POINTS
    assert paid() == EVENTS
    assert ledger_problems() == []
    call_command("reconcile_ledger")  # raises CommandError on any broken invariant


def test_a_pool_process_killed_while_paying_is_replaced_and_the_task_runs_again(
    broker, workers, paying_events
):
    # Given a worker with one pool process, running the dispatch of twelve purchases and
    # stopped halfway: six paid, the seventh waiting on its wallet's lock.
    worker = workers("--pool=prefork", "--concurrency=1")
    with wallet_locked(paying_events[BLOCKED].owner):
        send_dispatch(broker, [e.pk for e in paying_events])
        wait_for(
            lambda: paid() == BLOCKED and worker_waits_on_the_lock(),
            workers.log,
            "the worker to stop halfway",
        )
        # When the pool process running the task is killed (as the OOM killer would).
        [child] = worker.pool_children()
        os.kill(child, signal.SIGKILL)
    # Then the worker puts the task back and a new pool process runs it again: the first
    # six are not paid twice, the other six are paid.
    wait_for(lambda: paid() >= EVENTS and broker_idle(broker), workers.log, "every event to be paid")
    assert worker.process.poll() is None and worker.pool_children() != [child]
    assert_each_event_paid_exactly_once(paying_events)


def test_a_whole_worker_killed_while_paying_is_redelivered_to_a_new_worker(broker, workers, paying_events):
    # Given a worker stopped halfway through the dispatch. (Prefork, as in production: its
    # main process would acknowledge an early-acknowledged task while the pool process
    # runs it; the solo pool acknowledges only between tasks.)
    quick = {"visibility_timeout": 3, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    first = workers("--pool=prefork", "--concurrency=1", transport_options=quick)
    with wallet_locked(paying_events[BLOCKED].owner):
        send_dispatch(broker, [e.pk for e in paying_events])
        wait_for(
            lambda: paid() == BLOCKED and worker_waits_on_the_lock(),
            workers.log,
            "the worker to stop halfway",
        )
        # When the whole worker is killed (its main process first, so that nothing of it
        # is left to put the task back).
        first.kill()
    assert not broker_idle(broker)  # the unacknowledged task waits in Redis
    # Then a new worker gets the task once its visibility timeout has passed (3 s here,
    # an hour in production), runs it again, and every event is paid exactly once.
    workers("--pool=prefork", "--concurrency=1", transport_options=quick)
    wait_for(lambda: paid() >= EVENTS and broker_idle(broker), workers.log, "every event to be paid")
    assert_each_event_paid_exactly_once(paying_events)
