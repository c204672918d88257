"""Live state of the hall, outside the database: running counts and pushes.

PostgreSQL (or SQLite) holds every ballot and is the only source of the result a host
closes a question with. The running counts shown while a question is open are counters
in the shared cache (Redis in production, so every web process adds to the same
numbers; process memory in the embedded default), bumped once per stored ballot. If the
counters are lost (a cache restart), the next read rebuilds them from the ballots.

Host actions (a question opened or closed, the event starting or ending) are pushed to
every connected hall through the Channels layer (Redis in production, in-memory in the
embedded default). Counts are not pushed per ballot: each web process reads them once a
second and sends them to its own connections (consumers.py)."""

import contextlib
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db.models import Count

from fanrepublic.core.cache import REDIS_UNREACHABLE

from . import ballot_queue
from .models import Attendance, LiveBallot, LiveOption

COUNTS_TIMEOUT = 60 * 60 * 24 * 3
# The attendee counter is read again from the database every five minutes, so a join
# whose increment was lost (the cache unreachable just then) is counted soon after.
ATTENDEES_TIMEOUT = 300


def group_name(event_id: int) -> str:
    return f"launch.{event_id}"


def _option_key(question_id: int, option_id: int) -> str:
    return f"launches:count:{question_id}:{option_id}"


def _options_key(question_id: int) -> str:
    return f"launches:options:{question_id}"


def _attendees_key(event_id: int) -> str:
    return f"launches:attendees:{event_id}"


def exact_counts(question_id: int) -> dict[int, int]:
    """From the ballots themselves: one GROUP BY over the question's index."""
    return dict(
        LiveBallot.objects.filter(question_id=question_id)
        .values_list("option_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def reset_counts(question_id: int, option_ids: list[int]) -> None:
    """Set every option's counter to its count in the database (zero when a question
    opens; the stored ballots when rebuilding lost counters)."""
    stored = exact_counts(question_id)
    cache.set(_options_key(question_id), list(option_ids), COUNTS_TIMEOUT)
    cache.set_many({_option_key(question_id, o): stored.get(o, 0) for o in option_ids}, COUNTS_TIMEOUT)


def count_ballot(question_id: int, option_id: int, delta: int = 1) -> None:
    try:
        cache.incr(_option_key(question_id, option_id), delta)
    except ValueError:
        # The counters were lost: rebuild them from the ballots (which include this one).
        options = cache.get(_options_key(question_id)) or list(
            LiveOption.objects.filter(question_id=question_id).values_list("pk", flat=True)
        )
        reset_counts(question_id, options)


def running_counts(question_id: int, option_ids: list[int]) -> dict[int, int]:
    if ballot_queue.enabled():
        try:
            counted = ballot_queue.counts(question_id, option_ids)
        except ballot_queue.UNREACHABLE:
            counted = None  # Redis is away: the hall keeps showing what is stored
        if counted is None:  # not armed (yet, or any more): what is stored
            stored = exact_counts(question_id)
            counted = {o: stored.get(o, 0) for o in option_ids}
        return counted
    keys = {_option_key(question_id, o): o for o in option_ids}
    try:
        found = cache.get_many(list(keys))
        if len(found) < len(keys):
            reset_counts(question_id, option_ids)
            found = cache.get_many(list(keys))
    except REDIS_UNREACHABLE:  # the counters are away: what is stored
        stored = exact_counts(question_id)
        return {o: stored.get(o, 0) for o in option_ids}
    return {o: int(found.get(k, 0)) for k, o in keys.items()}


def attendee_joined(event_id: int) -> None:
    try:
        cache.incr(_attendees_key(event_id))
    except ValueError:
        cache.set(
            _attendees_key(event_id),
            Attendance.objects.filter(event_id=event_id).count(),
            ATTENDEES_TIMEOUT,
        )


def attendee_count(event_id: int) -> int:
    """How many have joined: from the shared cache, or counted in the database when it
    has no count (or cannot be reached: the hall page still opens with Redis away)."""
    try:
        count = cache.get(_attendees_key(event_id))
    except REDIS_UNREACHABLE:
        return Attendance.objects.filter(event_id=event_id).count()
    if count is None:
        count = Attendance.objects.filter(event_id=event_id).count()
        with contextlib.suppress(*REDIS_UNREACHABLE):
            cache.add(_attendees_key(event_id), count, ATTENDEES_TIMEOUT)
    return int(count)


def push(event_id: int, message: dict) -> None:
    """Send `message` to every hall connection of the event, on every web process."""
    layer = get_channel_layer()
    if layer is not None:
        message = {"type": "hall.changed", "version": uuid.uuid4().hex, **message}
        async_to_sync(layer.group_send)(group_name(event_id), message)
