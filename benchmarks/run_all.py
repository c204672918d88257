"""Measure Fan Republic on a running server, next to baselines measured in the same run.

    make bench          # or: .venv/bin/python benchmarks/run_all.py [--duration 15]

What it does (PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379, wrk installed):
 1. creates/migrates the database `fanrepublic_bench` and loads 100k topics + 1M replies
    (benchmarks/load_data.py; skipped when already loaded);
 2. starts the production stack: uvicorn with 2 worker processes, prod settings, Redis cache;
 3. wrk (2 threads, 32 connections) against the bare baseline view, a topic page (50
    replies shown of 500), the topic list and a board page: requests/s, p50 and p99;
 4. ingests events through POST /api/v1/events (batches of 1,000, 4 client threads) and
    COPYs the same number of events into a copy of the events table: rows/s for both;
 5. counts the queries of a topic page showing 5 and 50 replies;
 6. writes a Markdown report to benchmarks/results/latest.md and prints it.
The load generator shares the machine's cores with the server, so compare each path with
its baseline from the same run rather than absolute numbers between runs.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DB = "fanrepublic_bench"
PORT = 8765
BENCH_TOPICS = 100_000
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "LOG_LEVEL": "ERROR",
}


def member_fill(column: str, data_type: str, prefix: str) -> str:
    """The SQL expression (over the series value n) for one NOT NULL column of
    members_user, for benchmark members `<prefix>_<n>` loaded with INSERT ... SELECT FROM
    generate_series (launch.py, chains.py). Their password is unusable: they never sign
    in with one."""
    special = {
        "username": f"'{prefix}_' || n",
        "email": f"'{prefix}' || n || '@bench.local'",
        "password": "'!'",
        "is_active": "true",
        "trust_level": "1",
        "daily_reply_target": "100",
    }
    if column in special:
        return special[column]
    if data_type == "boolean":
        return "false"
    if data_type in ("smallint", "integer", "bigint", "numeric", "real", "double precision"):
        return "0"
    if data_type.startswith("timestamp"):
        return "now()"
    if data_type == "date":
        return "current_date"
    if data_type in ("character varying", "character", "text"):
        return "''"
    if data_type in ("json", "jsonb"):
        return "'{}'"
    raise SystemExit(f"members_user.{column} ({data_type}) is NOT NULL without a default: teach member_fill")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, env=ENV, cwd=ROOT, **kw)


def django_side(*args) -> dict:
    out = subprocess.run(
        [PY, "benchmarks/django_side.py", *map(str, args)],
        check=True,
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_database():
    """Create the benchmark database if this machine has none yet, migrate it and
    collect the static files the production settings serve."""
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{DB}'",
        ],
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB}"], capture_output=True)
    sh([PY, "manage.py", "migrate", "--noinput", "-v0"])
    sh([PY, "manage.py", "collectstatic", "--noinput", "-v0"])


def prepare(args):
    ensure_database()
    sh([PY, "benchmarks/load_data.py", "--topics", str(args.topics), "--replies", str(args.replies)])
    return django_side("info")


def start_server(extra_env: dict | None = None):
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--workers",
            "2",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env={**ENV, **(extra_env or {})},
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def wrk(path: str, duration: int, *, cookie: str = "", script: str = "") -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    warm = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    urllib.request.urlopen(warm, timeout=10).read()  # warm up caches and connections
    extra = (["-H", f"Cookie: {cookie}"] if cookie else []) + (["-s", script] if script else [])
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_TOPICS": str(BENCH_TOPICS)},
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "path": path,
        "rps": rps,
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def ingest(token: str, batches: int, threads: int) -> dict:
    run = f"{time.time_ns()}"
    url = f"http://127.0.0.1:{PORT}/api/v1/events"
    payloads = []
    for b in range(batches):
        events = [
            {
                "idempotency_key": f"bench-{run}-{b}-{i}",
                "verb": "store.purchase",
                "channel": "store",
                "occurred_at": "2026-11-25T10:00:00+08:00",
                "object_type": "sku",
                "object_id": f"SKU-{i % 97}",
                "properties": {"amount": "1999.00", "store": "Beijing-Xidan", "qty": 1},
            }
            for i in range(1000)
        ]
        payloads.append(json.dumps({"events": events}).encode())
    errors = []
    lock = threading.Lock()
    queue = list(payloads)

    def client():
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            req = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=120) as resp:
                result = json.loads(resp.read())
                if result["created"] != 1000:
                    errors.append(result)

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return {
        "events": batches * 1000,
        "seconds": elapsed,
        "rows_per_s": batches * 1000 / elapsed,
        "errors": len(errors),
        "run": run,
    }


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.platform()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--topics", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=40)
    args = parser.parse_args()
    global BENCH_TOPICS
    BENCH_TOPICS = args.topics
    info = prepare(args)
    server = start_server()
    try:
        hot = f"/t/{info['hot']}/"
        member = {"cookie": info["member_session"]}
        lua = str(ROOT / "benchmarks" / "random_topic.lua")
        pages = [
            ("bare Django view (baseline)", "/bench/bare/", {}),
            (f"visitor: topic page (50 of {info['hot_replies']:,} replies shown)", hot, {}),
            ("visitor: topic list (home, 100k topics)", "/", {}),
            ("visitor: board page", f"/b/{info['board']}/", {}),
            ("visitor: a random topic each request (page cache misses)", "/", {"script": lua}),
            (f"signed-in member: topic page (50 of {info['hot_replies']:,}, no page cache)", hot, member),
            ("signed-in member: topic list (no page cache)", "/", member),
            ("bare Django view (baseline, again)", "/bench/bare/", {}),
        ]
        web = [(label, wrk(path, args.duration, **options)) for label, path, options in pages]
        ingest_result = ingest(info["token"], args.batches, threads=4)
    finally:
        server.terminate()
        server.wait(timeout=30)
    copy = django_side("copy", ingest_result["events"])
    queries = django_side("queries", info["small"], info["hot"])
    bare = (web[0][1]["rps"] + web[-1][1]["rps"]) / 2

    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Data: {info['topics']:,} topics, {info['replies']:,} replies. Server: uvicorn, 2 worker processes, "
        "production settings, Redis cache. Load: wrk -t2 -c32, "
        f"{args.duration}s per path, on the same machine.",
        "",
        "| path | requests/s | % of bare view | p50 ms | p99 ms | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, r in web:
        lines.append(
            f"| {label} | {r['rps']:.0f} | {100 * r['rps'] / bare:.0f}% | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['errors']} |"
        )
    lines += [
        "",
        "| ingestion | events | seconds | rows/s | share of COPY |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| POST /api/v1/events (1,000 per batch, 4 clients) | {ingest_result['events']:,} | "
        f"{ingest_result['seconds']:.2f} | {ingest_result['rows_per_s']:.0f} | "
        f"{100 * ingest_result['rows_per_s'] / copy['rows_per_s']:.1f}% |",
        f"| PostgreSQL COPY of the same events (baseline) | {copy['events']:,} | {copy['seconds']:.2f} | "
        f"{copy['rows_per_s']:.0f} | 100% |",
        "",
        f"Queries per topic page: {queries}.",
    ]
    report = "\n".join(lines)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "latest.md").write_text(report + "\n")
    print(report)
    if ingest_result["errors"]:
        print(
            f"WARNING: {ingest_result['errors']} ingestion batches did not store all events", file=sys.stderr
        )


if __name__ == "__main__":
    main()
