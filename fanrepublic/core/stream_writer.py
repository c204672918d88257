"""What the hot paths' writers share (launches.ballot_queue and `hall_writer`,
flashsales.admission and `flash_writer`): reading a batch from a Redis stream through a
consumer group — entries a dead writer left first, then new ones — acknowledging it once
stored, and the loop a writer process runs until SIGTERM."""

import logging
import signal
import time
from collections.abc import Callable

import redis
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def ensure_group(r: redis.Redis, stream: str, group: str) -> None:
    try:
        r.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def read_batch(
    r: redis.Redis,
    stream: str,
    group: str,
    consumer: str,
    *,
    count: int,
    block_ms: int | None = None,
    claim_idle_ms: int | None = 30000,
    own_pending: bool = False,
) -> list:
    """Entries another writer left unacknowledged for `claim_idle_ms` (it died
    mid-batch) first, else new ones (waiting up to `block_ms`). With `own_pending`, only
    what this consumer read and did not acknowledge (Redis or the database failed
    mid-batch; some may be stored already)."""
    ensure_group(r, stream, group)
    entries = []
    if own_pending:
        for _name, found in r.xreadgroup(group, consumer, {stream: "0"}, count=count) or []:
            entries.extend(found)
        return entries
    if claim_idle_ms is not None:
        _next, claimed, *_rest = r.xautoclaim(stream, group, consumer, claim_idle_ms, "0-0", count=count)
        entries = [e for e in claimed if e[1]]
    if not entries:
        read = r.xreadgroup(group, consumer, {stream: ">"}, count=count, block=block_ms)
        for _name, found in read or []:
            entries.extend(found)
    return entries


def acknowledge(r: redis.Redis, stream: str, group: str, entries: list) -> None:
    """The entries are stored: off the group's pending list and out of the stream."""
    ids = [entry_id for entry_id, _f in entries]
    pipe = r.pipeline()
    pipe.xack(stream, group, *ids)
    pipe.xdel(stream, *ids)
    pipe.execute()


def write_batch(r: redis.Redis, stream: str, group: str, consumer: str, store: Callable, **reading) -> int:
    """Read one batch (`read_batch`, with `reading`'s options), hand its entries to
    `store`, acknowledge them once it returns. Returns the entries handled; an error in
    `store` leaves them pending, to be read again."""
    entries = read_batch(r, stream, group, consumer, **reading)
    if entries:
        store(entries)
        acknowledge(r, stream, group, entries)
    return len(entries)


def run_writer(write_batch: Callable[..., int], *, consumer: str, batch: int, pause: float, what: str) -> int:
    """A writer process's loop: store batches until SIGTERM. After a failure (Redis or
    the database away) what this writer read is still pending for it — perhaps stored
    already, which the stores tolerate — and is stored again first, rather than left
    until another writer claims it. Returns the entries handled."""
    running = {"on": True}
    signal.signal(signal.SIGTERM, lambda *_a: running.update(on=False))
    stored, failures, recovering = 0, 0, False
    while running["on"]:
        try:
            if recovering:
                while handled := write_batch(consumer, count=batch, own_pending=True):
                    stored += handled
                recovering = False
            # Blocks up to a second for new entries, so it stops soon after SIGTERM.
            handled = write_batch(consumer, count=batch, block_ms=1000)
        except Exception:
            failures += 1
            recovering = True
            logger.exception("storing %s failed (%d in a row)", what, failures)
            close_old_connections()
            time.sleep(min(10, failures))
            continue
        failures = 0
        stored += handled
        close_old_connections()
        if handled < batch:
            # Let entries gather for a moment: one transaction of many rows costs far
            # less than many of a few.
            time.sleep(pause)
    return stored
