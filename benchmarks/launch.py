"""The live launch-hall ballot path at full scale on PostgreSQL, with its baselines in the same run.

    .venv/bin/python benchmarks/launch.py [--members 3270000] [--http-sample 60000] [--seconds 15]
                                          [--batch 20000] [--server uvicorn|gunicorn]

(PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379 and wrk installed, as for run_all.py.)

1. creates/migrates `fanrepublic_bench` (run_all.ensure_database) and loads N eligible
   members `lv_<n>` with one INSERT ... SELECT FROM generate_series (only the missing
   ones: the load is idempotent);
2. creates a host, a live launch event and a question with three options, opened through
   the services; a second question of the same event stays a draft and only receives the
   raw COPY baseline below;
3. over HTTP: the first --http-sample members (by id) get their hall passes
   (services.hall_pass) and wrk -t2 -c64 POSTs them to
   /launches/<slug>/questions/<id>/answer/<option>
   (benchmarks/launch_cast.lua, one member per request, no pass used twice), next to the
   bare view /bench/bare/ on the same server (uvicorn, 2 workers, production settings,
   Redis; or gunicorn with 4 sync workers) in the same run;
4. baseline: a raw psycopg COPY of what the batch path must store per member (all N): a
   row straight into launches_liveballot (same table, indexes, foreign keys) for the
   draft question and its answer event into activity_event (same table, indexes), from
   2 processes in batches of --batch, one transaction per batch;
5. the batch path: services.cast_batch for ALL N members (those who answered over HTTP
   are skipped by the service, the HTTP sample members wrk did not reach are stored), the
   same 2-process split and batch size; wall clock from both processes' start to the end;
6. proves the count is exact: ballots = distinct members = N = stored over HTTP + stored
   by the batch path, every loaded member has exactly one ballot and nobody else has one,
   and the HTTP ballots match what wrk saw (it stops counting with requests in flight);
7. tallies: services.question_close (the GROUP BY the host's result comes from, stored
   with the question) next to a plain GROUP BY and a SELECT count(*) over the same
   ballots (3 runs each, after one first read that sets the hint bits of the new rows).
Writes benchmarks/results/launch.md and prints it.

Targets (issue: live launch hall), each against its baseline from the same run: casting
over HTTP at >= 70 % of the bare view's requests/s with p99 <= 100 ms at 64 connections;
all N members through the batch path in <= 2 x the raw COPY of the same rows (ballots and
their events); the tally
in <= 1.5 x the plain GROUP BY. The load generator shares the cores with the server and
PostgreSQL, so compare each path with its baseline rather than across machines.
Every run leaves its event and ballots behind (live ballots cannot be deleted).
"""

import argparse
import json
import multiprocessing
import os
import queue as queue_module
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from ledger import django_setup  # noqa: E402
from run_all import ENV, PORT, PY, ensure_database, machine, member_fill, start_server  # noqa: E402

PATTERN = r"lv\_%"  # LIKE pattern of the loaded members (the underscore escaped)
PROCESSES = 2
CONNECTIONS = 64
WRK_THREADS = 2
COPY_SQL = "COPY launches_liveballot (member_id, cast_at, question_id, option_id) FROM STDIN"
# The batch path stores each answer's event with its ballot (issue 11), so the baseline
# COPYs the same two rows per member: what must be written, at the cost of writing it.
COPY_EVENTS_SQL = (
    "COPY activity_event (idempotency_key, verb, actor_id, owner_id, object_type, object_id, channel, "
    "source, occurred_at, recorded_at, properties) FROM STDIN"
)
TARGET_HTTP_SHARE, TARGET_P99_MS, TARGET_BATCH_X, TARGET_TALLY_X = 0.70, 100.0, 2.0, 1.5


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# ------------------------------------------------------------------------ members


def load_members(members: int) -> dict:
    """N members lv_0 .. lv_<N-1> with one INSERT ... SELECT; only the missing ones."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_user WHERE username LIKE %s", [PATTERN])
        have = cursor.fetchone()[0]
        added, seconds = 0, 0.0
        if have < members:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'members_user' "
                "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' "
                "ORDER BY ordinal_position"
            )
            columns = cursor.fetchall()
            names = ", ".join(f'"{name}"' for name, _type in columns)
            values = ", ".join(member_fill(name, data_type, "lv") for name, data_type in columns)
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO members_user ({names}) SELECT {values} "  # names from the catalogue
                "FROM generate_series(%s::bigint, %s::bigint) AS n ON CONFLICT DO NOTHING",
                [have, members - 1],
            )
            added = cursor.rowcount
            cursor.execute("ANALYZE members_user")
            seconds = time.perf_counter() - started
        cursor.execute(
            "SELECT id FROM members_user WHERE username LIKE %s ORDER BY id LIMIT %s", [PATTERN, members]
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != members:
        raise SystemExit(f"expected {members} loaded members, found {len(ids)}")
    return {"ids": ids, "had": have, "added": added, "seconds": seconds}


# -------------------------------------------------------------------------- event


def open_event() -> dict:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from fanrepublic.launches import services
    from fanrepublic.members.models import User

    host, _created = User.objects.get_or_create(
        username="launch_bench_host", defaults={"email": "launch-host@bench.local"}
    )
    host.groups.add(Group.objects.get(name="operator"))
    now = timezone.now()
    event = services.event_create(
        actor=host,
        slug=f"launch-bench-{time.time_ns()}",
        title="Launch hall benchmark",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=6),
        min_trust_level=1,
    )
    event = services.event_start(actor=host, event=event)
    labels = [{"label": "2,999"}, {"label": "3,299"}, {"label": "3,599"}]
    question = services.question_add(actor=host, event=event, prompt="Which price?", options=labels)
    question = services.question_open(actor=host, question=question)
    # Never opened (one open question per event): only the raw COPY baseline writes to it.
    baseline = services.question_add(actor=host, event=event, prompt="COPY baseline", options=labels)
    return {
        "host": host,
        "event": event,
        "question": question,
        "options": list(question.options.values_list("pk", flat=True)),
        "baseline_question": baseline.pk,
        "baseline_options": list(baseline.options.values_list("pk", flat=True)),
    }


# --------------------------------------------------------------------------- HTTP


WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))


def start_gunicorn(
    threads: int = 1, extra_env: dict | None = None, preload: bool = False
) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            *(["-k", "gthread", "--threads", str(threads)] if threads > 1 else []),
            # Loaded once in the master: a worker that dies is forked again at once
            # instead of importing the project anew (docs/deploy.md).
            *(["--preload"] if preload else []),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        env={**ENV, **(extra_env or {})},
        cwd=ROOT,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def wrk(url: str, seconds: int, *, script: str = "", env: dict | None = None) -> dict:
    args = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        *(["-s", script] if script else []),
        url,
    ]
    out = subprocess.run(
        args, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
    }


def preflight(slug: str, question: int, hall_pass: str) -> None:
    """One request that cannot store anything (option 0): the route answers and reads the
    pass, so a misconfigured run stops here instead of measuring error pages. (The server
    logs this expected 422 as "Unprocessable Entity".)"""
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/launches/{slug}/questions/{question}/answer/0",
        data=b"",
        method="POST",
        headers={"X-Hall-Pass": hall_pass},
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        status, body = 201, ""
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode(errors="replace")
    if status != 422:
        raise SystemExit(f"cast preflight: expected 422 for option 0, got {status} {body[:300]}")


WATCHERS = 200
LIVE_SECONDS = 10


def start_asgi(port: int) -> subprocess.Popen:
    """One uvicorn process serving the hall's WebSocket (production settings, Redis)."""
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--port",
            str(port),
            "--workers",
            "1",
            "--ws",
            "websockets-sansio",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=ENV,
        cwd=ROOT,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("uvicorn did not start")


def watch(port: int, slug: str, watchers: int, seconds: float, ready) -> list[dict]:
    """`watchers` hall connections; each records when its counts arrive and the totals."""
    import asyncio

    from websockets.asyncio.client import connect

    async def one(results):
        gaps, totals, last = [], [], None
        async with connect(
            f"ws://127.0.0.1:{port}/ws/launches/{slug}/", origin=f"http://127.0.0.1:{port}", open_timeout=30
        ) as socket:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    message = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
                except TimeoutError:
                    gaps.append(5.0)
                    continue
                if message["type"] == "tick":
                    now = time.monotonic()
                    if last is not None:
                        gaps.append(now - last)
                    last = now
                    totals.append(message["total"])
        results.append({"gaps": gaps, "totals": totals})

    async def everyone():
        results = []
        tasks = [asyncio.create_task(one(results)) for _ in range(watchers)]
        await asyncio.sleep(2)
        ready.set()
        await asyncio.gather(*tasks)
        return results

    return asyncio.run(everyone())


def live_stage(info: dict, passes_path: str, base: str) -> dict:
    """Members watch the hall over WebSockets (one ASGI process) while others answer over
    HTTP: how often each watcher's counts arrive, and that they move."""
    import threading

    port = PORT + 1
    asgi = start_asgi(port)
    ready, box = threading.Event(), {}
    watcher = threading.Thread(
        target=lambda: box.update(results=watch(port, info["event"].slug, WATCHERS, LIVE_SECONDS + 4, ready))
    )
    try:
        watcher.start()
        ready.wait(60)
        cast = wrk(
            f"{base}/launches/{info['event'].slug}/questions/",
            LIVE_SECONDS,
            script=str(ROOT / "benchmarks" / "launch_cast.lua"),
            env={
                "BENCH_PASSES": passes_path,
                "BENCH_QUESTION": str(info["question"].pk),
                "BENCH_BASE": f"/launches/{info['event'].slug}/questions/",
                "BENCH_OPTIONS": ",".join(map(str, info["options"])),
                "BENCH_THREADS": str(WRK_THREADS),
            },
        )
        watcher.join(120)
    finally:
        asgi.terminate()
        asgi.wait(timeout=30)
    results = box.get("results", [])
    gaps = sorted(g for r in results for g in r["gaps"])
    moved = [r["totals"][-1] - r["totals"][0] for r in results if len(r["totals"]) > 1]
    return {
        "cast": cast,
        "watchers": len(results),
        "ticks": statistics.median(len(r["totals"]) for r in results) if results else 0,
        "gap_p50": statistics.median(gaps) if gaps else None,
        "gap_p99": gaps[int(0.99 * (len(gaps) - 1))] if gaps else None,
        "gap_max": gaps[-1] if gaps else None,
        "moved": statistics.median(moved) if moved else 0,
    }


def http_stage(args, info: dict, passes: list[str]) -> dict:
    # The first part of the passes is for the measured cast run, the rest for the
    # watchers' run; wrk never reuses a pass within a run.
    half = len(passes) * 2 // 3
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(passes[:half]) + "\n")
        passes_path = handle.name
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(passes[half:]) + "\n")
        live_passes_path = handle.name
    server = (
        start_server()
        if args.server == "uvicorn"
        else start_gunicorn(threads=8 if args.server == "gthread" else 1)
    )
    base = f"http://127.0.0.1:{PORT}"
    # As in production: a writer stores the answers Redis accepted while the web
    # processes take them (fanrepublic/launches/ballot_queue.py).
    writer = subprocess.Popen([PY, "manage.py", "hall_writer"], env=ENV, cwd=ROOT)
    try:
        preflight(info["event"].slug, info["question"].pk, passes[0])
        wrk(f"{base}/bench/bare/", 3)  # warm up
        bare = wrk(f"{base}/bench/bare/", args.seconds)
        cast = wrk(
            f"{base}/launches/{info['event'].slug}/questions/",
            args.seconds,
            script=str(ROOT / "benchmarks" / "launch_cast.lua"),
            env={
                "BENCH_PASSES": passes_path,
                "BENCH_QUESTION": str(info["question"].pk),
                "BENCH_BASE": f"/launches/{info['event'].slug}/questions/",
                "BENCH_OPTIONS": ",".join(map(str, info["options"])),
                "BENCH_THREADS": str(WRK_THREADS),
            },
        )
        live = live_stage(info, live_passes_path, base)
    finally:
        server.terminate()  # lets the requests in flight finish
        server.wait(timeout=60)
        writer.terminate()
        writer.wait(timeout=60)
        os.unlink(passes_path)
        os.unlink(live_passes_path)
    # Whatever the writer had not stored yet when it stopped.
    subprocess.run([PY, "manage.py", "hall_writer", "--once"], env=ENV, cwd=ROOT, check=True)
    return {"bare": bare, "cast": cast, "live": live}


# --------------------------------------------------------------- bulk: COPY and batch


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _bulk_worker(kind, chunks, event_id, question_id, options, barrier, results):
    """One of the processes of the COPY baseline (kind "copy") or the batch path ("batch"):
    connects, waits for the other processes, then writes its batches one by one."""
    try:
        if kind == "batch":
            django_setup()
            from django.db import connection

            from fanrepublic.launches import services
            from fanrepublic.launches.models import LaunchEvent

            event = LaunchEvent.objects.get(pk=event_id)
            connection.ensure_connection()

            def write(members):
                ballots = [(m, options[m % len(options)]) for m in members]
                return services.cast_batch(event=event, question_id=question_id, ballots=ballots)

        else:
            import psycopg

            conn = psycopg.connect(ENV["DATABASE_URL"], autocommit=True)

            def write(members):
                now = datetime.now(UTC)
                with conn.transaction(), conn.cursor() as cursor:
                    with cursor.copy(COPY_SQL) as copy:
                        for m in members:
                            copy.write_row((m, now, question_id, options[m % len(options)]))
                    with cursor.copy(COPY_EVENTS_SQL) as copy:
                        for m in members:
                            key = f"bench-copy:{question_id}:{m}"
                            copy.write_row(
                                (key, "launches.answer.cast", m, m, "launches.livequestion", question_id)
                                + ("web", "", now, now, "{}")
                            )
                return len(members)

        parts = {"sample": {"offered": 0, "stored": 0, "seconds": 0.0}, "new": {}}
        parts["new"] = dict(parts["sample"])
        refused, first_error = 0, ""
        barrier.wait(timeout=600)
        started = time.time()
        for part, members in chunks:
            t0 = time.perf_counter()
            try:
                stored = write(members)
            except Exception as exc:
                if kind != "batch":
                    raise
                # A batch the service refused as a whole: counted, and the proof below
                # will show its members without a ballot.
                stored, refused = 0, refused + 1
                first_error = first_error or f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
            parts[part]["offered"] += len(members)
            parts[part]["stored"] += stored
            parts[part]["seconds"] += time.perf_counter() - t0
        results.put(
            {
                "started": started,
                "ended": time.time(),
                "parts": parts,
                "refused": refused,
                "first_error": first_error,
            }
        )
    except BaseException:
        barrier.abort()
        results.put({"error": traceback.format_exc()})


def bulk(kind: str, ids: list[int], sample: int, size: int, event_id: int, question_id: int, options) -> dict:
    """Every member in `ids` through `kind` from PROCESSES processes, each its own share.
    The HTTP sample and the other members go in separate batches (so a batch that meets
    answers given over HTTP is only made of such members); the COPY baseline uses the
    very same batches."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    processes = []
    for i in range(PROCESSES):
        chunks = [("sample", c) for c in _chunks(ids[:sample][i::PROCESSES], size)]
        chunks += [("new", c) for c in _chunks(ids[sample:][i::PROCESSES], size)]
        process = ctx.Process(
            target=_bulk_worker, args=(kind, chunks, event_id, question_id, options, barrier, results)
        )
        process.start()
        processes.append(process)
    got = []
    while len(got) < PROCESSES:
        try:
            got.append(results.get(timeout=5))
        except queue_module.Empty:
            if not any(p.is_alive() for p in processes):
                raise SystemExit(f"{kind}: a worker process died without reporting") from None
    for process in processes:
        process.join()
    for result in got:
        if "error" in result:
            raise SystemExit(f"{kind} worker failed:\n{result['error']}")
    parts = {
        part: {key: sum(r["parts"][part][key] for r in got) for key in ("offered", "stored", "seconds")}
        for part in ("sample", "new")
    }
    return {
        "seconds": max(r["ended"] for r in got) - min(r["started"] for r in got),
        "offered": sum(p["offered"] for p in parts.values()),
        "stored": sum(p["stored"] for p in parts.values()),
        "parts": parts,
        "refused": sum(r["refused"] for r in got),
        "first_error": next((r["first_error"] for r in got if r["first_error"]), ""),
    }


# ------------------------------------------------------------------ proof and tally


def count_proof(question_id: int, members: int) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT member_id) FROM launches_liveballot WHERE question_id = %s",
            [question_id],
        )
        ballots, distinct = cursor.fetchone()
        cursor.execute(
            """
            WITH m AS MATERIALIZED (
                SELECT id FROM members_user WHERE username LIKE %s ORDER BY id LIMIT %s
            )
            SELECT
                (SELECT count(*) FROM m WHERE NOT EXISTS (
                    SELECT 1 FROM launches_liveballot b WHERE b.question_id = %s AND b.member_id = m.id)),
                (SELECT count(*) FROM launches_liveballot b WHERE b.question_id = %s
                    AND NOT EXISTS (SELECT 1 FROM m WHERE m.id = b.member_id)),
                (SELECT count(*) FROM (SELECT member_id FROM launches_liveballot WHERE question_id = %s
                    GROUP BY member_id HAVING count(*) > 1) AS twice)
            """,
            [PATTERN, members, question_id, question_id, question_id],
        )
        missing, outsiders, twice = cursor.fetchone()
    return {
        "ballots": ballots,
        "distinct": distinct,
        "missing": missing,
        "outsiders": outsiders,
        "twice": twice,
    }


def _timed(cursor, sql: str, params: list) -> tuple[float, list]:
    started = time.perf_counter()
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    return time.perf_counter() - started, rows


def tally(info: dict, runs: int = 3) -> dict:
    from django.db import connection

    from fanrepublic.launches import live, services

    question_id = info["question"].pk
    count_sql = "SELECT count(*) FROM launches_liveballot WHERE question_id = %s"
    group_sql = (
        "SELECT option_id, count(*) FROM launches_liveballot WHERE question_id = %s GROUP BY option_id"
    )
    counters = live.running_counts(question_id, info["options"])
    with connection.cursor() as cursor:
        first_read, _rows = _timed(cursor, count_sql, [question_id])  # sets the hint bits of new rows
        counts, groups = [], []
        for _ in range(runs):
            counts.append(_timed(cursor, count_sql, [question_id])[0])
            seconds, rows = _timed(cursor, group_sql, [question_id])
            groups.append(seconds)
    tallies = []
    for _ in range(runs):
        started = time.perf_counter()
        live.exact_counts(question_id)  # the count question_close stores
        tallies.append(time.perf_counter() - started)
    grouped = {option: n for option, n in rows}
    started = time.perf_counter()
    closed = services.question_close(actor=info["host"], question=info["question"])
    close_seconds = time.perf_counter() - started
    result = {int(option): n for option, n in closed.result["counts"].items()}
    return {
        "first_read": first_read,
        "count": counts,
        "group_by": groups,
        "tally": tallies,
        "close": close_seconds,
        "result": result,
        "result_total": closed.result["total"],
        "grouped": grouped,
        "counters": counters,
    }


# ------------------------------------------------------------------------- report


def fmt_s(seconds) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f} s"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=3_270_000)
    parser.add_argument("--http-sample", type=int, default=90_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--server", choices=["uvicorn", "gunicorn", "gthread"], default="uvicorn")
    args = parser.parse_args()
    if not 0 < args.http_sample <= args.members:
        parser.error("--http-sample must be between 1 and --members")

    log("database: create/migrate fanrepublic_bench")
    ensure_database()
    django_setup()
    from django.db import connection

    from fanrepublic.launches import services

    loaded = load_members(args.members)
    log(
        f"members: {args.members:,} loaded ({loaded['had']:,} were there, {loaded['added']:,} added "
        f"in {loaded['seconds']:.1f} s)"
    )
    ids = loaded.pop("ids")
    info = open_event()
    event, question_id = info["event"], info["question"].pk
    log(f"event {event.slug}: question {question_id} open, options {info['options']}")

    sample_ids = ids[: args.http_sample]
    started = time.perf_counter()
    passes = [services.hall_pass(member_id, event) for member_id in sample_ids]
    log(f"{len(passes):,} hall passes in {time.perf_counter() - started:.1f} s; HTTP stage ({args.server})")
    http = http_stage(args, info, passes)
    bare, cast = http["bare"], http["cast"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM launches_liveballot WHERE question_id = %s AND member_id = ANY(%s)",
            [question_id, sample_ids],
        )
        http_stored = cursor.fetchone()[0]
    log(
        f"bare {bare['rps']:.0f}/s; cast {cast['rps']:.0f}/s p99 {cast['p99_ms']:.1f} ms, "
        f"non-2xx {cast['errors']}; {http_stored:,} HTTP ballots stored"
    )

    log(f"raw COPY baseline: {args.members:,} rows, {PROCESSES} processes, batches of {args.batch:,}")
    copy = bulk(
        "copy",
        ids,
        args.http_sample,
        args.batch,
        event.pk,
        info["baseline_question"],
        info["baseline_options"],
    )
    log(f"COPY: {copy['seconds']:.1f} s")
    log(f"batch path: services.cast_batch for all {args.members:,} members")
    batch = bulk("batch", ids, args.http_sample, args.batch, event.pk, question_id, info["options"])
    log(f"batch: {batch['seconds']:.1f} s, {batch['stored']:,} stored, {batch['refused']} batches refused")

    proof = count_proof(question_id, args.members)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM launches_liveballot WHERE question_id = %s", [info["baseline_question"]]
        )
        copy_rows = cursor.fetchone()[0]
    live = http["live"]
    http_ok = sum(run["requests"] - run["errors"] for run in (cast, live["cast"]))
    # in flight when wrk stopped (two runs), or timed out
    http_slack = 2 * CONNECTIONS + cast["socket_errors"] + live["cast"]["socket_errors"]
    checks = {
        "ballots = distinct members = N": proof["ballots"] == proof["distinct"] == args.members,
        "HTTP stored + batch stored = N": http_stored + batch["stored"] == args.members,
        "every loaded member has a ballot": proof["missing"] == 0,
        "no ballot from anyone else": proof["outsiders"] == 0,
        "nobody has two": proof["twice"] == 0,
        f"wrk 2xx <= HTTP stored <= wrk 2xx + {http_slack}": http_ok <= http_stored <= http_ok + http_slack,
        "no batch refused": batch["refused"] == 0,
        "COPY baseline rows = N": copy_rows == copy["stored"] == args.members,
    }
    exact = all(checks.values())
    log(f"exact count: {'yes' if exact else 'NO'}; tally")

    tallied = tally(info)
    group_best, group_median = min(tallied["group_by"]), statistics.median(tallied["group_by"])
    count_best, count_median = min(tallied["count"]), statistics.median(tallied["count"])
    result_ok = tallied["result_total"] == args.members and tallied["result"] == tallied["grouped"]
    counters_ok = tallied["counters"] == tallied["grouped"]
    services.event_end(actor=info["host"], event=event)

    share = cast["rps"] / bare["rps"]
    http_ok_target = share >= TARGET_HTTP_SHARE and cast["p99_ms"] <= TARGET_P99_MS
    batch_x = batch["seconds"] / copy["seconds"]
    tally_x = statistics.median(tallied["tally"]) / group_median
    # Every update a watcher received came within a second of the one before.
    live_ok = live["gap_max"] is not None and live["gap_max"] <= 1.0 and live["moved"] > 0
    server = {
        "uvicorn": "uvicorn, 2 worker processes",
        "gunicorn": "gunicorn, 4 sync worker processes",
        "gthread": "gunicorn, 4 worker processes × 8 threads",
    }[args.server]

    def part(result, name):
        p = result["parts"][name]
        return f"{p['offered']:,} offered, {p['stored']:,} stored, {p['seconds']:.1f} process-s"

    lines = [
        "# Live launch hall: ballot path",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Command: `.venv/bin/python benchmarks/launch.py --members {args.members} "
        f"--http-sample {args.http_sample} --seconds {args.seconds} --batch {args.batch} "
        f"--server {args.server}`.",
        f"{args.members:,} eligible members (trust level 1; {loaded['added']:,} loaded this run in "
        f"{loaded['seconds']:.1f} s with one INSERT ... SELECT), one live question with 3 options. "
        f"Server: {server}, production settings, Redis; load: wrk -t{WRK_THREADS} -c{CONNECTIONS}, "
        f"{args.seconds} s per path, on the same machine. Every figure is from this run.",
        "",
        "| over HTTP, 64 connections | requests | requests/s | p50 | p99 | non-2xx | socket errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| bare view /bench/bare/ (baseline) | {bare['requests']:,} | {bare['rps']:.0f} | "
        f"{bare['p50_ms']:.1f} ms | {bare['p99_ms']:.1f} ms | {bare['errors']} | {bare['socket_errors']} |",
        f"| cast: POST /launches/&lt;slug&gt;/questions/&lt;id&gt;/answer/&lt;option&gt;, hall pass, "
        f"one member per request | "
        f"{cast['requests']:,} | {cast['rps']:.0f} ({100 * share:.0f} % of bare) | {cast['p50_ms']:.1f} ms | "
        f"{cast['p99_ms']:.1f} ms | {cast['errors']} | {cast['socket_errors']} |",
        "",
        f"| bulk, {PROCESSES} processes, batches of {args.batch:,} | rows | seconds | rows/s | × COPY |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| raw psycopg COPY into launches_liveballot and activity_event (baseline) | {copy['stored']:,} | "
        f"{copy['seconds']:.1f} | {copy['stored'] / copy['seconds']:.0f} | 1.00 |",
        f"| services.cast_batch, all {args.members:,} members | {batch['stored']:,} stored of "
        f"{batch['offered']:,} | {batch['seconds']:.1f} | {batch['offered'] / batch['seconds']:.0f} "
        f"| {batch_x:.2f} |",
        "",
        f"Batch path by part: HTTP sample members ({part(batch, 'sample')}); the other members "
        f"({part(batch, 'new')}). COPY: {part(copy, 'sample')}; {part(copy, 'new')}.",
    ]
    if batch["refused"]:
        lines += [
            "",
            f"**{batch['refused']} batches were refused as a whole** by services.cast_batch; "
            f"first error: `{batch['first_error'].splitlines()[0]}`.",
        ]
    lines += [
        "",
        f"Exact count: {proof['ballots']:,} ballots, {proof['distinct']:,} distinct members for "
        f"{args.members:,} members = {http_stored:,} over HTTP (wrk saw {http_ok:,} succeed) + "
        f"{batch['stored']:,} by the batch path; {proof['missing']:,} members without a ballot, "
        f"{proof['outsiders']:,} ballots from others, {proof['twice']:,} members with two: "
        f"**{'exact' if exact else 'NOT EXACT'}**.",
        "",
        "| check | |",
        "| --- | --- |",
        *[f"| {label} | {mark(ok)} |" for label, ok in checks.items()],
        "",
        f"| tally over the same {proof['ballots']:,} ballots | best ms "
        f"| median ms ({len(tallied['count'])} runs) |",
        "| --- | ---: | ---: |",
        f"| first read after casting: SELECT count(*) (sets hint bits) "
        f"| {1000 * tallied['first_read']:.1f} | |",
        f"| SELECT count(*) (baseline) | {1000 * count_best:.1f} | {1000 * count_median:.1f} |",
        f"| plain GROUP BY option (baseline) | {1000 * group_best:.1f} | {1000 * group_median:.1f} |",
        f"| the tally: live.exact_counts, the count question_close stores "
        f"| {1000 * min(tallied['tally']):.1f} | {1000 * statistics.median(tallied['tally']):.1f} |",
        f"| services.question_close end to end (stop accepting, drain, tally, store, audit, push), once "
        f"| {1000 * tallied['close']:.1f} | |",
        "",
        f"Closed result: total {tallied['result_total']:,}, counts {tallied['result']} — "
        f"{'equal to the GROUP BY and N' if result_ok else 'DIFFERENT from the GROUP BY or N'}. "
        f"Running counters in Redis before closing: {tallied['counters']} "
        f"({'agree' if counters_ok else 'disagree'}).",
        "",
        f"Live results: {live['watchers']} members watched the hall over WebSockets (one uvicorn "
        f"process) while others answered over HTTP for {LIVE_SECONDS} s "
        f"({live['cast']['rps']:.0f} answers/s, p99 {live['cast']['p99_ms']:.1f} ms): each received "
        f"{live['ticks']:.0f} count updates, one every {fmt_s(live['gap_p50'])} "
        f"(p99 {fmt_s(live['gap_p99'])}, "
        f"longest {fmt_s(live['gap_max'])}), and saw the total move by {live['moved']:,.0f}.",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| cast over HTTP ≥ 70 % of bare view requests/s, p99 ≤ 100 ms, 64 connections | "
        f"{100 * share:.0f} %, p99 {cast['p99_ms']:.1f} ms | {mark(http_ok_target)} |",
        f"| all {args.members:,} through the batch path ≤ 2 × raw COPY of the same rows (ballots, events) | "
        f"{batch_x:.2f} × | {mark(batch_x <= TARGET_BATCH_X)} |",
        f"| tally ≤ 1.5 × plain GROUP BY (median) | {tally_x:.2f} × | {mark(tally_x <= TARGET_TALLY_X)} |",
        f"| count exact (no lost or double ballot) | {'exact' if exact else 'not exact'} | {mark(exact)} |",
        f"| live results refreshed at least every second (every watcher, every update) "
        f"| longest gap {fmt_s(live['gap_max'])}, "
        f"p99 {fmt_s(live['gap_p99'])} | {mark(live_ok)} |",
    ]
    if cast["errors"] and cast["requests"] >= args.http_sample:
        lines += ["", "wrk ran out of hall passes (repeats answer 409): raise --http-sample."]
    report = "\n".join(lines)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "launch.md").write_text(report + "\n")
    print(report)
    print(
        json.dumps(
            {
                "bare": bare,
                "cast": cast,
                "http_stored": http_stored,
                "copy_s": copy["seconds"],
                "batch_s": batch["seconds"],
                "batch_stored": batch["stored"],
                "refused": batch["refused"],
                "close_s": tallied["close"],
                "tally_s": tallied["tally"],
                "group_by_s": tallied["group_by"],
                "exact": exact,
            }
        )
    )
    if not exact:
        sys.exit(1)


if __name__ == "__main__":
    main()
