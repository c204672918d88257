"""The launch-night ballot path when Redis is configured: accept in Redis, store in
PostgreSQL in batches.

A web process answers a cast with one Redis round trip: a Lua script that, atomically,
checks the question is open (and belongs to the event), checks the option, sets the
member's bit in the question's bitmap (a second answer finds it set), adds one to the
option's live count and appends the ballot to a stream. A writer process
(`manage.py hall_writer`) reads the stream in batches and stores them with COPY, then
acknowledges them; closing a question stops accepting in Redis first, drains the stream,
and only then counts the ballots in PostgreSQL, so every accepted ballot is in the tally.

PostgreSQL stays the source of truth: the result is counted there, the unique constraint
still holds (a replayed batch falls back to INSERT … ON CONFLICT DO NOTHING), and if
Redis loses a question's keys they are rebuilt from the stored ballots. Redis must keep
what it accepted: run it with `appendonly yes` and `appendfsync always` (docs/scaling.md).

Without Redis (the embedded default) services.cast writes each ballot straight to the
database instead, with the same rules."""

import logging
import time

import hiredis
import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from fanrepublic.core import redis_wire, stream_writer
from fanrepublic.core.cache import REDIS_UNREACHABLE

from . import eventlog
from .models import LiveBallot, LiveOption

logger = logging.getLogger(__name__)
GROUP = "writers"
KEY_DAYS = 3

# KEYS: state, options, voted, counts, stream. ARGV: member, option, question, event, at.
_CAST = """
if redis.call('GET', KEYS[1]) ~= ARGV[4] then return -1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then return -2 end
if redis.call('SETBIT', KEYS[3], ARGV[1], 1) == 1 then return -3 end
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
redis.call('XADD', KEYS[5], '*', 'q', ARGV[3], 'o', ARGV[2], 'm', ARGV[1], 't', ARGV[5])
return 1
"""
ACCEPTED, NOT_OPEN, BAD_OPTION, ALREADY = 1, -1, -2, -3
# Redis cannot be reached (down, restarting, still loading its append-only file) or did
# not finish in time (a rebuild or a drain waiting on another process): callers refuse
# clearly instead of guessing (errors.HallUnavailable).
UNREACHABLE = REDIS_UNREACHABLE

_client = None
_cast_script = None


def enabled() -> bool:
    return bool(getattr(settings, "LAUNCH_BALLOT_QUEUE", False))


def client() -> redis.Redis:
    global _client, _cast_script
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL)
        _cast_script = _client.register_script(_CAST)
    return _client


def ping() -> None:
    """Raises one of UNREACHABLE unless Redis answers: checked before a change the hall
    cannot carry out without it (opening a question) is written to the database."""
    client().ping()


def key(*parts) -> str:
    return ":".join([settings.LAUNCH_QUEUE_PREFIX, "hall", *map(str, parts)])


def stream() -> str:
    return key("ballots")


def _keys(question_id: int) -> list[str]:
    return [key("q", question_id, name) for name in ("state", "options", "voted", "counts")] + [stream()]


# ------------------------------------------------------------------ question lifecycle


# KEYS: state. ARGV: event id, seconds to live. Accepting starts unless the question was
# stopped meanwhile (a rebuild racing a close must not reopen it).
_START = """
if redis.call('GET', KEYS[1]) == 'closed' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


def arm(question_id: int, event_id: int, option_ids: list[int]) -> None:
    """Start accepting answers for the question. For a new question the keys are empty;
    after Redis lost them they are rebuilt from the stored ballots — adding to what is
    there, never removing a member's bit, and only one rebuild at a time."""
    state, options, voted, counts, _stream = _keys(question_id)
    r = client()
    lock = key("q", question_id, "arming")
    if not r.set(lock, 1, nx=True, ex=60):
        # Another process is rebuilding: wait for it rather than race it.
        for _ in range(300):
            if r.exists(state):
                return
            time.sleep(0.1)
        raise TimeoutError("rebuilding the question's keys took too long")
    try:
        stored = LiveBallot.objects.filter(question_id=question_id).values_list("member_id", "option_id")
        tally = {}
        pipe = r.pipeline(transaction=False)
        pipe.sadd(options, *option_ids)
        for n, (member_id, option_id) in enumerate(stored.iterator(chunk_size=20000), start=1):
            pipe.setbit(voted, member_id, 1)
            tally[option_id] = tally.get(option_id, 0) + 1
            if n % 20000 == 0:
                pipe.execute()
        for option_id in option_ids:
            # Counts that survived stay (they include answers not stored yet).
            pipe.hsetnx(counts, option_id, tally.get(option_id, 0))
        for name in (options, voted, counts):
            pipe.expire(name, KEY_DAYS * 86400)
        pipe.execute()
        r.eval(_START, 1, state, event_id, KEY_DAYS * 86400)
    finally:
        r.delete(lock)


def stop(question_id: int) -> str:
    """Stop accepting (the question closes): from here every cast is refused. Returns the
    id of the stream's last entry at that moment: every answer accepted for the question
    is at or before it (the answer script is atomic and Redis orders the stream)."""
    r = client()
    r.set(_keys(question_id)[0], "closed", ex=KEY_DAYS * 86400)
    last = r.xrevrange(stream(), count=1)
    return last[0][0].decode() if last else "0-0"


def state(question_id: int) -> str | None:
    """The event id while accepting, "closed" once stopped, None if Redis lost the keys."""
    value = client().get(_keys(question_id)[0])
    return value.decode() if value is not None else None


# The answer path's one Redis call goes over a plain hiredis socket (core.redis_wire).
_wires = redis_wire.WIRES
_fast_call = redis_wire.fast_call
_fast_path_possible = redis_wire.fast_path_possible


def cast(*, member_id: int, event_id: int, question_id: int, option_id: int) -> int:
    client()
    prefix = key("q", question_id, "")
    keys = (prefix + "state", prefix + "options", prefix + "voted", prefix + "counts", stream())
    args = (member_id, option_id, question_id, event_id, f"{time.time():.6f}")
    if _fast_path_possible():
        try:
            reply = _fast_call("EVALSHA", _cast_script.sha, 5, *keys, *args)
            if not isinstance(reply, hiredis.ReplyError):
                return int(reply)
        except (OSError, hiredis.ProtocolError, redis_wire.SentWithoutReply):
            pass  # redis-py below reconnects (or raises a clear error); an answer is safe to send twice
    try:
        return int(client().evalsha(_cast_script.sha, 5, *keys, *args))
    except redis.exceptions.NoScriptError:
        client().script_load(_CAST)  # Redis restarted or was flushed: load it again
        return int(client().evalsha(_cast_script.sha, 5, *keys, *args))


def has_answered(question_id: int, member_id: int) -> bool:
    return bool(client().getbit(_keys(question_id)[2], member_id))


def counts(question_id: int, option_ids: list[int]) -> dict[int, int] | None:
    """The live counts, or None if Redis does not have this question."""
    values = client().hmget(_keys(question_id)[3], option_ids)
    if all(v is None for v in values):
        return None
    return {o: int(v or 0) for o, v in zip(option_ids, values, strict=True)}


# KEYS: voted, counts, claims (the batch's own set). ARGV: seconds the claims are kept,
# then member, option, member, option, ... Sets each member's bit and, for those who had
# not answered, adds one to their option's count and notes them in the batch's claims —
# in one atomic call, so the counts never miss a claimed answer. A member found in the
# claims is this same batch's claim made before (a call whose reply was lost and that
# redis-py or the caller sent again): claimed still, counted then. Returns the members
# claimed now and those claimed before.
_CLAIM = """
local fresh, again = {}, {}
for i = 2, #ARGV, 2 do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    redis.call('SADD', KEYS[3], ARGV[i])
    fresh[#fresh + 1] = ARGV[i]
  elseif redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 1 then
    again[#again + 1] = ARGV[i]
  end
end
if #fresh > 0 then redis.call('EXPIRE', KEYS[3], ARGV[1]) end
return {fresh, again}
"""
CLAIMS_SECONDS = 86400
_claim_script = None


def _claims_key(question_id: int, batch: str) -> str:
    return key("q", question_id, "claims", batch)


def claim(question_id: int, choices: dict[int, int], *, batch: str) -> tuple[list[int], list[int]]:
    """For the batch path ({member: option}): set the members' bits and count their
    options in one call. Returns the members this batch claims: those who had not
    answered (counted now), and those the same `batch` (a name for its contents) claimed
    in an earlier try (counted then). The others keep the answer Redis has for them."""
    global _claim_script
    if not choices:
        return [], []
    if _claim_script is None:
        _claim_script = client().register_script(_CLAIM)
    _state, _options, voted, counts, _stream = _keys(question_id)
    args = [CLAIMS_SECONDS, *(value for pair in choices.items() for value in pair)]
    keys = [voted, counts, _claims_key(question_id, batch)]
    fresh, again = _claim_script(keys=keys, args=args)
    return [int(m) for m in fresh], [int(m) for m in again]


def claims_stored(question_id: int, *, batch: str) -> None:
    """The batch's ballots are stored: its claims need no keeping."""
    client().delete(_claims_key(question_id, batch))


def release(question_id: int, choices: dict[int, int], *, batch: str) -> None:
    """Undo `claim` for members whose answers were not stored after all (the batch's
    transaction failed): their bits cleared, their options' counts taken back."""
    _state, _options, voted, counts, _stream = _keys(question_id)
    pipe = client().pipeline(transaction=True)
    for member_id, option_id in choices.items():
        pipe.setbit(voted, member_id, 0)
        pipe.hincrby(counts, option_id, -1)
    pipe.delete(_claims_key(question_id, batch))
    pipe.execute()


# Undo what a claim of this batch did, if it did anything: only members in the batch's
# claims set are cleared and uncounted, so a claim that never ran changes nothing.
_RELEASE_CLAIMED = """
for i = 1, #ARGV, 2 do
  if redis.call('SREM', KEYS[3], ARGV[i]) == 1 then
    redis.call('SETBIT', KEYS[1], ARGV[i], 0)
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], -1)
  end
end
return redis.call('DEL', KEYS[3])
"""


def release_claimed(question_id: int, choices: dict[int, int], *, batch: str) -> None:
    """After a claim whose outcome is unknown (its reply was lost): take back whatever it
    claimed, so the members are free for any batch, not only one with the same contents."""
    _state, _options, voted, counts, _stream = _keys(question_id)
    args = [value for pair in choices.items() for value in pair]
    # Registered per call (a rare path): the script object stays bound to today's client.
    client().register_script(_RELEASE_CLAIMED)(
        keys=[voted, counts, _claims_key(question_id, batch)], args=args
    )


def uncount(question_id: int, choices: dict[int, int]) -> None:
    """Take back the counts of answers claimed now that the database refused because the
    member has a stored answer already (their bit stays set: they have answered)."""
    counts = _keys(question_id)[3]
    pipe = client().pipeline(transaction=False)
    for _member_id, option_id in choices.items():
        pipe.hincrby(counts, option_id, -1)
    pipe.execute()


# ---------------------------------------------------------------------------- writer


def _ensure_group() -> None:
    stream_writer.ensure_group(client(), stream(), GROUP)


def store_rows(rows: list[tuple[int, int, int, float]]) -> int:
    """(question, option, member, unix time) rows into the ballots table, each new ballot
    with its event in the activity log in the same transaction (eventlog.py): one COPY,
    or, if some are already there (a batch replayed after a crash), one INSERT … ON
    CONFLICT DO NOTHING — a replay stores neither a ballot nor an event twice. Returns
    how many rows are new."""
    if not rows:
        return 0
    from datetime import UTC, datetime

    values = [(q, o, m, datetime.fromtimestamp(t, tz=UTC)) for q, o, m, t in rows]
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as cursor:
                copy_sql = "COPY launches_liveballot (question_id, option_id, member_id, cast_at) FROM STDIN"
                with cursor.copy(copy_sql) as copy:
                    for row in values:
                        copy.write_row(row)
                eventlog.record_answers((q, m, at) for q, _o, m, at in values)
            return len(values)
        except Exception as exc:  # noqa: BLE001 - any refusal: the careful path below
            logger.info(
                "COPY of %d answers refused (%s); storing them one statement at a time", len(rows), exc
            )
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO launches_liveballot (question_id, option_id, member_id, cast_at) "
                    "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::timestamptz[]) "
                    "ON CONFLICT (question_id, member_id) DO NOTHING "
                    "RETURNING question_id, member_id, cast_at",
                    [list(col) for col in zip(*values, strict=True)],
                )
                new = cursor.fetchall()
                eventlog.record_answers(new)
                return len(new)
        except DatabaseError:
            pass  # a row the database refuses (its member was deleted meanwhile): row by row
    stored = 0
    with connection.cursor() as cursor:
        for row in values:
            try:
                with transaction.atomic():
                    cursor.execute(
                        "INSERT INTO launches_liveballot (question_id, option_id, member_id, cast_at) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (question_id, member_id) DO NOTHING "
                        "RETURNING id",
                        row,
                    )
                    new = cursor.fetchone() is not None
                    if new:
                        question_id, _option_id, member_id, at = row
                        eventlog.record_answers([(question_id, member_id, at)])
                stored += new  # counted once committed (foreign keys are checked then)
            except DatabaseError as exc:
                # Kept aside with the reason, never retried forever in front of the others.
                logger.error("answer %s could not be stored: %s", row, exc)
                client().xadd(key("dead"), {"row": repr(row), "error": str(exc)[:500]})
    return stored


def write_batch(
    consumer: str,
    *,
    count: int = 5000,
    block_ms: int | None = None,
    claim_idle_ms: int | None = 30000,
    own_pending: bool = False,
) -> int:
    """Store one batch from the stream (core.stream_writer.read_batch says which).
    Returns the entries handled."""

    def store(entries):
        store_rows([(int(f[b"q"]), int(f[b"o"]), int(f[b"m"]), float(f[b"t"])) for _id, f in entries if f])

    return stream_writer.write_batch(
        client(),
        stream(),
        GROUP,
        consumer,
        store,
        count=count,
        block_ms=block_ms,
        claim_idle_ms=claim_idle_ms,
        own_pending=own_pending,
    )


def _stream_id(value) -> tuple[int, int]:
    ms, _sep, seq = (value.decode() if isinstance(value, bytes) else str(value)).partition("-")
    return int(ms), int(seq or 0)


def _stored_up_to(upto: str) -> bool:
    """Has every entry up to `upto` been read by a writer and acknowledged?"""
    r = client()
    group = next((g for g in r.xinfo_groups(stream()) if g["name"] in (GROUP, GROUP.encode())), None)
    if group is None or _stream_id(group["last-delivered-id"]) < _stream_id(upto):
        return False
    return not r.xpending_range(stream(), GROUP, min="-", max=upto, count=1)


def drain(consumer: str = "closer", *, upto: str | None = None, timeout: float = 60.0) -> None:
    """Store every answer accepted up to the stream entry `upto` (by default, the last one
    now), including batches another writer holds right now. Answers that keep arriving for
    other questions do not hold it up."""
    r = client()
    _ensure_group()
    # What an earlier drain read before it failed (Redis went away): stored now rather
    # than after the claim below waits for it to be idle.
    while write_batch(consumer, own_pending=True):
        pass
    if upto is None:
        last = r.xrevrange(stream(), count=1)
        upto = last[0][0].decode() if last else "0-0"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _stored_up_to(upto):
            return
        if not write_batch(consumer, claim_idle_ms=None):
            # A writer is storing a batch; wait for its acknowledgement (or take the
            # batch over if it has been silent too long).
            time.sleep(0.02)
            write_batch(consumer, claim_idle_ms=10000)
    raise TimeoutError("the ballot stream did not drain")


def option_ids(question_id: int) -> list[int]:
    return list(LiveOption.objects.filter(question_id=question_id).values_list("pk", flat=True))
