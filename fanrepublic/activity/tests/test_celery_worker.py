"""The same task code through a real Celery worker consuming from Redis (CI has Redis;
without REDIS_URL this is skipped). Proves the production path, not just eager mode."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from fanrepublic.forum import services
from fanrepublic.forum.tests.factories import ReplyFactory
from fanrepublic.members.models import ReputationEntry
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.notifications.models import Notification

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker(monkeypatch):
    monkeypatch.setattr(settings, "TASKS_RAISE_ON_COMMIT", True)
    old = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    # One Redis database per pytest-xdist process, so a worker never takes a task that
    # another process (with another test database) sent.
    worker_no = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    app.conf.broker_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{14 - worker_no % 8}"
    _forget_connections()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker
    app.conf.update(old)
    _forget_connections()


def _forget_connections():
    # Earlier tests ran tasks in-process and may have opened the app's producer pool on
    # the in-memory broker; drop it (as Celery does after a fork) so sends go to Redis.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def wait_for(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_event_handlers_run_in_a_real_worker(real_worker):
    reply = ReplyFactory()
    fan = MemberFactory()
    services.like_set(member=fan, target=reply, liked=True)  # commits; dispatch goes to Redis
    assert wait_for(lambda: ReputationEntry.objects.filter(member=reply.author).exists())
    reply.author.refresh_from_db()
    assert reply.author.reputation == 1


def test_notification_email_through_the_worker(real_worker):
    reply = ReplyFactory()
    services.reply_create(author=MemberFactory(), topic=reply.topic, body="hello from the worker")
    assert wait_for(
        lambda: Notification.objects.filter(recipient=reply.topic.author, emailed_at__isnull=False).exists()
    )
