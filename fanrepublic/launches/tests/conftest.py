import pytest

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
