import uuid

import pytest

from fanrepublic.core.tests.redis_server import RedisServer
from fanrepublic.launches import ballot_queue, services, views


@pytest.fixture(autouse=True)
def _empty_ballot_stream():
    # Answers a test left in the Redis stream belong to rows its transaction rolled back;
    # slugs remembered by the cast view may name another test's event.
    views._EVENT_IDS.clear()
    services._suspended = None
    yield
    if ballot_queue.enabled():
        ballot_queue.client().delete(ballot_queue.stream())


def forget_redis():
    """Drop the ballot queue's connections, so that the next call connects to whatever
    settings.REDIS_URL names now."""
    ballot_queue._client = ballot_queue._cast_script = ballot_queue._claim_script = None
    while not ballot_queue._wires.empty():
        ballot_queue._wires.get_nowait().close()


@pytest.fixture
def hall_redis(tmp_path, settings):
    """The hall's answer queue on a throw-away redis-server of its own (append-only, as in
    production), which a test may kill and start again; the machine's shared Redis is
    never touched. Runs on SQLite and PostgreSQL alike."""
    server = RedisServer(tmp_path, appendonly=True)
    server.start()
    settings.REDIS_URL = server.url
    settings.LAUNCH_BALLOT_QUEUE = True
    settings.LAUNCH_QUEUE_PREFIX = f"faults-{uuid.uuid4().hex[:8]}"
    forget_redis()
    yield server
    server.kill()
    forget_redis()
