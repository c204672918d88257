"""Flash reservations decided in Redis when it is configured; the database stays the record.

A reservation is one Redis call: a Lua script that, atomically, counts the member's
attempt under a per-minute rate, checks the sale is open and the member under the limit
(a hash of each member's live and paid holds), pops the lowest free unit from a sorted
set, counts the hold and appends it to a stream — or answers why not. The web process
reads nothing from the database for it (the member's flash pass names sale, member and
place; services.reserve_fast). A writer process (`manage.py flash_writer`) stores the
stream in batches: the hold rows and their units' state in one transaction a batch
(`store_entries`), then acknowledges them.

The sorted set holds exactly the units the database has free and no unstored hold has
taken. A unit returns to it only after a transaction that freed it commits
(`give_back`, once per hold: the hold's id goes into a set); the keys are built — and,
should Redis lose them, rebuilt — from the unit rows and the stream not yet stored
(`sync`), under a change counter that makes a sync racing a reservation or a return
start again instead of writing a stale picture.

Without Redis (the embedded default) services.reserve does the same in one database
transaction (SELECT … FOR UPDATE SKIP LOCKED on the unit rows)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import hiredis
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from fanrepublic.core import ratelimit, redis_wire, stream_writer

from .enums import HoldStatus, SaleStatus, UnitState
from .models import FlashSale, Hold, Unit

logger = logging.getLogger(__name__)
User = get_user_model()
GROUP = "writers"
KEY_DAYS = 7

# The script's answers besides a unit: why nothing was held.
CLOSED, OVER_LIMIT, ALL_HELD, SOLD_OUT, RATE_LIMITED, NOT_ARMED = -1, -2, -3, -4, -5, -9

# KEYS: state, free, holders, tried, seq, stream, rate.
# ARGV: sale, member, limit, now (unix seconds), attempts a minute, rate window seconds.
# state is the sale's closing time (unix seconds) while it sells, else 'closed' or
# 'sold_out'; absent until the keys are built (NOT_ARMED: build them, then ask again).
_RESERVE = """
local state = redis.call('GET', KEYS[1])
if not state then return {-9} end
local tries = redis.call('INCR', KEYS[7])
if tries == 1 then redis.call('EXPIRE', KEYS[7], ARGV[6]) end
if tries > tonumber(ARGV[5]) then return {-5, redis.call('TTL', KEYS[7])} end
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
if state == 'closed' then return {-1} end
if state == 'sold_out' then return {-4} end
if tonumber(ARGV[4]) >= tonumber(state) then return {-1} end
if tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0') >= tonumber(ARGV[3]) then return {-2} end
local popped = redis.call('ZPOPMIN', KEYS[2])
if #popped == 0 then return {-3} end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('INCR', KEYS[5])
local id = redis.call('XADD', KEYS[6], '*', 's', ARGV[1], 'm', ARGV[2], 'u', popped[1], 't', ARGV[4])
return {tonumber(popped[1]), id}
"""

# KEYS: free, holders, returned, seq. ARGV: hold, member, unit (0: the unit is not free).
# Once per hold: the member's count comes down and the unit goes back to the pool.
_GIVE_BACK = """
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return 0 end
if ARGV[3] ~= '0' then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[3]) end
if tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') > 0 then
  redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
end
redis.call('INCR', KEYS[4])
return 1
"""

# KEYS: state, free, holders, returned, seq, tried.
# ARGV: seq seen before the database was read, state, seconds to live, free units' count,
#       the free units, holders' count, member and count pairs, then the ended holds.
# Writes the picture only if nothing reserved or returned a unit since it was taken; a
# sale Redis knows closed or sold out stays so (nothing reopens one).
_SYNC = """
if (redis.call('GET', KEYS[5]) or '0') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
local i = 5
local n = tonumber(ARGV[4])
for j = 1, n do redis.call('ZADD', KEYS[2], ARGV[i + j - 1], ARGV[i + j - 1]) end
i = i + n
n = tonumber(ARGV[i])
i = i + 1
for j = 1, n do redis.call('HSET', KEYS[3], ARGV[i + 2 * j - 2], ARGV[i + 2 * j - 1]) end
i = i + 2 * n
for j = i, #ARGV do redis.call('SADD', KEYS[4], ARGV[j]) end
local was = redis.call('GET', KEYS[1])
if was ~= 'closed' and was ~= 'sold_out' then redis.call('SET', KEYS[1], ARGV[2]) end
for k = 1, 6 do redis.call('EXPIRE', KEYS[k], ARGV[3]) end
return 1
"""

_client = None
_scripts: dict[str, object] = {}


def enabled() -> bool:
    return bool(getattr(settings, "FLASHSALES_REDIS_ADMISSION", False)) and bool(settings.REDIS_URL)


def client() -> redis.Redis:
    global _client
    if _client is None:
        # No automatic retry: a reservation sent again after a lost reply could take a
        # second unit; every other call here is safe to repeat by hand (give_back once per
        # hold, sync under its change counter) and is repaired by the periodic sync.
        _client = redis.Redis.from_url(settings.REDIS_URL, retry=Retry(NoBackoff(), 0))
        for name, source in (("reserve", _RESERVE), ("give_back", _GIVE_BACK), ("sync", _SYNC)):
            _scripts[name] = _client.register_script(source)
    return _client


def reset_client() -> None:
    """Forget the connection (tests that point at another Redis or prefix)."""
    global _client
    _client = None
    _scripts.clear()
    _HOT.clear()


def key(*parts) -> str:
    return ":".join([settings.LAUNCH_QUEUE_PREFIX, "flash", *map(str, parts)])


def stream() -> str:
    return key("holds")


def _keys(sale_id: int) -> dict[str, str]:
    return {name: key(sale_id, name) for name in ("state", "free", "holders", "returned", "seq", "tried")}


def _state_of(sale: FlashSale) -> str:
    if sale.status != SaleStatus.SCHEDULED:
        return "closed"
    if sale.sold_out_at is not None:
        return "sold_out"
    return str(int(sale.closes_at.timestamp()))


def _evalsha(name: str, keys: list, args: list):
    client()
    script = _scripts[name]
    try:
        return client().evalsha(script.sha, len(keys), *keys, *args)
    except redis.exceptions.NoScriptError:
        client().script_load(script.script)  # Redis restarted or was flushed
        return client().evalsha(script.sha, len(keys), *keys, *args)


# ------------------------------------------------------------------ the hot path


def _hot_keys(sale_id: int, member_id: int, now: float) -> tuple[tuple, int, int]:
    """The reservation script's keys, and the rate as (attempts, window): built from
    settings once per sale per process (this runs on every reservation)."""
    found = _HOT.get(sale_id)
    if found is None:
        k = _keys(sale_id)
        attempts, window = ratelimit.parse_rate(settings.FLASHSALES_RESERVE_RATE)
        found = _HOT[sale_id] = (
            (k["state"], k["free"], k["holders"], k["tried"], k["seq"], stream()),
            key(sale_id, "rate", ""),
            attempts,
            window,
        )
    keys, rate_prefix, attempts, window = found
    return (*keys, f"{rate_prefix}{member_id}:{int(now) // window}"), attempts, window


_HOT: dict[int, tuple] = {}


def admit(*, sale_id: int, member_id: int, limit: int, now: float) -> tuple[int, str | int]:
    """One reservation attempt. Returns (unit number, stream ticket) when a unit is now
    the member's, else (a negative answer above, seconds to wait for RATE_LIMITED)."""
    if _client is None:
        client()
    keys, attempts, window = _hot_keys(sale_id, member_id, now)
    args = (sale_id, member_id, limit, f"{now:.6f}", attempts, window + 1)
    reply = None
    if redis_wire.fast_path_possible():
        try:
            reply = redis_wire.fast_call("EVALSHA", _scripts["reserve"].sha, len(keys), *keys, *args)
            if isinstance(reply, hiredis.ReplyError):
                if "NOSCRIPT" not in str(reply):
                    raise redis.exceptions.ResponseError(str(reply))
                reply = None  # Redis restarted or was flushed: redis-py below loads it
        except redis_wire.SentWithoutReply:
            # It may have run: sending it again could hold a second unit. The member is
            # told to try again (503); if it ran, their hold is stored and they see it.
            raise
        except (OSError, hiredis.ProtocolError):
            reply = None  # not sent: redis-py below reconnects (or raises a clear error)
    if reply is None:
        reply = _evalsha("reserve", list(keys), list(args))
    code = int(reply[0])
    if code > 0:
        ticket = reply[1].decode() if isinstance(reply[1], bytes) else str(reply[1])
        return code, ticket
    return code, int(reply[1]) if len(reply) > 1 else 0


def give_back(*, sale_id: int, hold_id: int, member_id: int | None, unit: int) -> None:
    """A hold ended unpaid and its transaction committed: the member's count comes down
    and, if the unit was freed with it (`unit`, else 0), the unit returns to the pool.
    Once per hold, however often it is called. If Redis cannot be reached the next sync
    puts it right (the unit rows say it is free)."""
    k = _keys(sale_id)
    try:
        _evalsha(
            "give_back",
            [k["free"], k["holders"], k["returned"], k["seq"]],
            [hold_id, member_id or 0, unit],
        )
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        logger.warning("flash sale %s: unit %s not returned to Redis yet", sale_id, unit, exc_info=True)


def mark(sale: FlashSale) -> None:
    """The sale closed or sold out (its row committed): reservations stop at once. The
    change counter moves too, so a sync that read the sale before cannot reopen it."""
    k = _keys(sale.pk)
    pipe = client().pipeline(transaction=True)
    pipe.set(k["state"], _state_of(sale), ex=KEY_DAYS * 86400)
    pipe.incr(k["seq"])
    pipe.execute()


def mark_quietly(sale: FlashSale) -> None:
    """`mark` after a commit: if Redis is away the periodic tidy marks it."""
    try:
        mark(sale)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        logger.warning("flash sale %s: Redis not told it closed yet", sale.pk, exc_info=True)


# ------------------------------------------------------------------ building the keys


def _unstored(sale_id: int) -> list[tuple[str, int, int]]:
    """(ticket, member, unit) of this sale's entries still in the stream."""
    found = []
    for entry_id, fields in client().xrange(stream()):
        if fields and int(fields[b"s"]) == sale_id:
            found.append((entry_id.decode(), int(fields[b"m"]), int(fields[b"u"])))
    return found


def _rows_snapshot(sale: FlashSale) -> tuple[list, list[int]]:
    """The sale's holds and free units as of one moment (one REPEATABLE READ transaction
    on PostgreSQL; SQLite's read transaction is one snapshot): a hold freed between two
    separate reads would otherwise be counted live and its unit free, and its return
    would then put the unit in the pool a second time."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        sale.refresh_from_db(fields=["status", "sold_out_at", "closes_at"])
        holds = list(Hold.objects.filter(sale=sale).values_list("pk", "member_id", "status", "ticket"))
        free = list(
            Unit.objects.filter(sale=sale, state=UnitState.FREE)
            .order_by("number")
            .values_list("number", flat=True)
        )
    return holds, free


def sync(sale: FlashSale, *, tries: int = 20) -> bool:
    """Build the sale's keys from the database and the stream not yet stored: free units
    are those free in the rows and taken by no unstored hold; a member's count is their
    live and paid holds stored plus those unstored. Written only if nothing changed in
    Redis meanwhile (else read again, up to `tries` times). Returns whether it wrote."""
    k = _keys(sale.pk)
    r = client()
    for attempt in range(tries):
        seq = r.get(k["seq"])
        seq = seq.decode() if seq is not None else "0"
        pending = _unstored(sale.pk)
        holds, free_rows = _rows_snapshot(sale)
        stored = {ticket for _pk, _m, _s, ticket in holds if ticket}
        pending = [p for p in pending if p[0] not in stored]
        taken = {unit for _t, _m, unit in pending}
        free = [n for n in free_rows if n not in taken]
        counts = Counter(m for _pk, m, status, _t in holds if status in (HoldStatus.PAID, HoldStatus.HELD))
        counts.update(member for _t, member, _u in pending)
        ended = [pk for pk, _m, status, _t in holds if status in (HoldStatus.EXPIRED, HoldStatus.RELEASED)]
        args = [seq, _state_of(sale), KEY_DAYS * 86400, len(free), *free, len(counts)]
        for member, n in counts.items():
            args += [member or 0, n]
        args += ended
        keys = [k["state"], k["free"], k["holders"], k["returned"], k["seq"], k["tried"]]
        if _evalsha("sync", keys, args):
            return True
        time.sleep(min(0.5, 0.01 * (attempt + 1)))
    return False


def arm(sale: FlashSale) -> None:
    """Build the sale's keys unless they are there; one process builds, others wait."""
    r = client()
    state = _keys(sale.pk)["state"]
    if r.exists(state):
        return
    lock = key(sale.pk, "arming")
    if not r.set(lock, 1, nx=True, ex=60):
        for _ in range(300):
            if r.exists(state):
                return
            time.sleep(0.05)
        raise TimeoutError("building the sale's keys took too long")
    try:
        if not sync(sale, tries=200):
            raise TimeoutError("the sale's keys kept changing while they were built")
    finally:
        r.delete(lock)


def attempts(sale_id: int) -> dict[int, int]:
    """{member: reservation attempts} counted in Redis (for the fairness record)."""
    return {int(m): int(n) for m, n in client().hgetall(_keys(sale_id)["tried"]).items()}


# ------------------------------------------------------------------ the writer


def _take_units(sale_id: int, taken: list[tuple[int, int, datetime]]) -> set[int]:
    """Mark units held by the new holds (unit, hold, until) if they are still free;
    returns the units marked."""
    if not taken:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE flashsales_unit AS u SET state = %s, hold_id = v.hold, held_until = v.until "
                "FROM unnest(%s::integer[], %s::bigint[], %s::timestamptz[]) AS v(number, hold, until) "
                "WHERE u.sale_id = %s AND u.number = v.number AND u.state = %s RETURNING u.number",
                [UnitState.HELD, *map(list, zip(*taken, strict=True)), sale_id, UnitState.FREE],
            )
            return {row[0] for row in cursor.fetchall()}
    marked = set()
    for number, hold_id, until in taken:
        if Unit.objects.filter(sale_id=sale_id, number=number, state=UnitState.FREE).update(
            state=UnitState.HELD, hold_id=hold_id, held_until=until
        ):
            marked.add(number)
    return marked


def store_entries(entries: list[tuple[str, int, int, int, float]]) -> int:
    """Store (ticket, sale, member, unit, unix time) holds: each a Hold row and its unit
    held by it, a batch in one transaction. A ticket stored before for the same sale,
    member and unit (a batch read again after a crash) is skipped; one stored for another
    (Redis lost its stream and reused the id) is stored under a new name. A unit that is
    not free in the rows, or that two entries name, is taken by the first only: the other
    hold is stored as ended, the member's count given back, the error logged. A member
    deleted since is not stored: the unit goes back to the pool. Returns how many holds
    are new."""
    if not entries:
        return 0
    sales = {
        s.pk: s
        for s in FlashSale.objects.filter(pk__in={sale for _t, sale, _m, _u, _at in entries}).only(
            "pk", "hold_seconds"
        )
    }
    members = set(
        User.objects.filter(pk__in={member for _t, _s, member, _u, _at in entries}).values_list(
            "pk", flat=True
        )
    )
    refused: list[Hold] = []
    gone: list[tuple[str, int, int]] = []
    new = 0
    with transaction.atomic():
        stored = {
            ticket: (sale_id, member_id, unit)
            for ticket, sale_id, member_id, unit in Hold.objects.filter(
                ticket__in=[e[0] for e in entries]
            ).values_list("ticket", "sale_id", "member_id", "unit_number")
        }
        by_sale: dict[int, list[Hold]] = {}
        for ticket, sale_id, member_id, unit, at in entries:
            sale = sales.get(sale_id)
            if sale is None:
                continue
            if ticket in stored:
                if stored[ticket] == (sale_id, member_id, unit):
                    continue
                logger.warning(
                    "flash ticket %s reused by Redis for another hold; stored as %s/2", ticket, ticket
                )
                ticket = f"{ticket}/2"
            if member_id not in members:
                gone.append((ticket, sale_id, unit))
                continue
            held_at = datetime.fromtimestamp(at, tz=UTC)
            by_sale.setdefault(sale_id, []).append(
                Hold(
                    sale_id=sale_id,
                    member_id=member_id,
                    unit_number=unit,
                    status=HoldStatus.HELD,
                    expires_at=held_at + timedelta(seconds=sale.hold_seconds),
                    ticket=ticket,
                )
            )
        for sale_id, holds in by_sale.items():
            Hold.objects.bulk_create(holds, batch_size=2000)
            if holds[0].pk is None:  # a database that does not return ids
                made = Hold.objects.filter(ticket__in=[h.ticket for h in holds])
                ids = dict(made.values_list("ticket", "pk"))
                for hold in holds:
                    hold.pk = hold.id = ids[hold.ticket]
            first = {}
            for hold in holds:
                first.setdefault(hold.unit_number, hold)
            marked = _take_units(sale_id, [(h.unit_number, h.pk, h.expires_at) for h in first.values()])
            for hold in holds:
                if hold.unit_number not in marked or first[hold.unit_number] is not hold:
                    refused.append(hold)
            new += len(holds)
        if refused:
            now = timezone.now()
            ended = Hold.objects.filter(pk__in=[h.pk for h in refused])
            ended.update(status=HoldStatus.EXPIRED, ended_at=now)
            for hold in refused:
                logger.error(
                    "flash sale %s: unit %s admitted to member %s was not free in the rows; hold %s ended",
                    hold.sale_id,
                    hold.unit_number,
                    hold.member_id,
                    hold.pk,
                )
                transaction.on_commit(
                    lambda h=hold: give_back(sale_id=h.sale_id, hold_id=h.pk, member_id=h.member_id, unit=0)
                )
        for ticket, sale_id, unit in gone:
            transaction.on_commit(
                lambda t=ticket, s=sale_id, u=unit: give_back(
                    sale_id=s, hold_id=f"t:{t}", member_id=None, unit=u
                )
            )
    return new


def _parse(entries) -> list[tuple[str, int, int, int, float]]:
    return [
        (entry_id.decode(), int(f[b"s"]), int(f[b"m"]), int(f[b"u"]), float(f[b"t"]))
        for entry_id, f in entries
        if f
    ]


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
    r = client()

    def store(entries):
        try:
            store_entries(_parse(entries))
        except (IntegrityError, DataError):
            for entry in entries:  # one by one, so one bad entry holds up only itself
                try:
                    store_entries(_parse([entry]))
                except (IntegrityError, DataError) as exc:
                    # An entry the database refuses whatever the moment: kept aside with
                    # the reason, never retried forever in front of the others. Any other
                    # error (the database away, a deadlock) propagates: the batch stays
                    # pending and is stored again (flash_writer's recovery, or another).
                    logger.error("flash hold %s could not be stored: %s", entry[0], exc)
                    r.xadd(key("dead"), {"entry": repr(entry), "error": str(exc)[:500]})

    return stream_writer.write_batch(
        r,
        stream(),
        GROUP,
        consumer,
        store,
        count=count,
        block_ms=block_ms,
        claim_idle_ms=claim_idle_ms,
        own_pending=own_pending,
    )


def drain(consumer: str = "drain", *, timeout: float = 30.0) -> None:
    """Store everything in the stream now (tests, the page's wait, `flash_writer --once`)."""
    deadline = time.monotonic() + timeout
    while write_batch(consumer, own_pending=True):
        pass
    while time.monotonic() < deadline:
        if not client().xlen(stream()):
            return
        if not write_batch(consumer, claim_idle_ms=None) and not write_batch(consumer, claim_idle_ms=5000):
            time.sleep(0.02)
    raise TimeoutError("the flash-hold stream did not drain")
