"""Flash reservations on PostgreSQL: one row per unit (SKIP LOCKED) next to one stock row,
in the same run, with database connections killed mid-run.

    .venv/bin/python benchmarks/flash.py [--units 3680] [--members 12000] [--threads 16]
                                         [--kill 12]

(PostgreSQL at 127.0.0.1:5432, as for run_all.py.) The web layer is left out on purpose:
this measures what the design is about — how many buyers the database lets reserve at
once — with real concurrent connections, each thread a buyer's request after another.

1. creates/migrates `fanrepublic_bench` and loads --members members `fl_<n>` (INSERT ...
   SELECT FROM generate_series; idempotent);
2. for each design, a fresh sale of --units units (flashsales.services.sale_create, the
   demo provider), every member put in its waiting room (one INSERT ... SELECT), opened;
3. --threads threads, each with its own connection, walk through their share of the
   members calling flashsales.services.reserve until the batch is gone (refusals:
   `all_held`, counted); meanwhile a killer thread terminates --kill of the threads'
   database connections (pg_terminate_backend) at random moments — the request in
   flight fails and rolls back, the thread reconnects and goes on;
4. "one stock row" is the same reservation with the unit claim replaced by what a single
   stock counter does: lock the sale's row (SELECT ... FOR UPDATE) and take the first
   free unit under it, so every buyer queues on that row;
5. checks, for each design: no unit held twice, every unit held by exactly the hold it
   names, every answered reservation has its hold (a hold whose answer was lost to a
   killed connection simply runs out), nobody over the limit;
6. the database alone, without Python: pgbench runs the claim of each design as a SQL
   script (a unit row taken with SKIP LOCKED, or one stock row decremented, each with a
   hold row inserted, one transaction) with --pg-clients clients for --pg-seconds on a
   table of a million units, same run — what the database itself allows per second.
Writes benchmarks/results/flash.md and prints it.
"""

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import DB, ensure_database, machine, member_fill  # noqa: E402


def django_setup():
    """The development settings on the benchmark database: the demo's offline payment
    provider (production settings refuse it) keeps payment providers out of the numbers."""
    import os

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "DB_POOL": "false",
            "DEBUG": "false",
            # Tasks run in this process, as with the embedded stack (no worker here).
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()


def load_members(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'members_user' AND is_nullable = 'NO' AND column_default IS NULL "
            "AND column_name <> 'id'"
        )
        columns = cursor.fetchall()
        names = ", ".join(c for c, _t in columns)
        values = ", ".join(member_fill(c, t, "fl") for c, t in columns)
        cursor.execute(
            f"INSERT INTO members_user ({names}) SELECT {values} FROM generate_series(1, %s) AS n "
            "ON CONFLICT DO NOTHING",
            [n],
        )


def new_sale(units: int, members: int, prefix: str = "fl"):
    import datetime

    from django.db import connection
    from django.utils import timezone

    from fanrepublic.flashsales.services import sale_create
    from fanrepublic.members.models import User

    operator = User.objects.filter(username="fl_operator").first() or User.objects.create_user(
        username="fl_operator", email="fl_operator@bench.local", password=None
    )
    operator.is_superuser = True  # has every role: schedules sales
    operator.save(update_fields=["is_superuser"])
    now = timezone.now()
    sale = sale_create(
        actor=operator,
        title=f"Bench {time.time():.0f}",
        product="Founders' edition",
        description="Benchmark",
        price_fen=500_000,
        units=units,
        per_member_limit=1,
        hold_seconds=600,
        admit_per_second=1_000_000,
        opens_at=now - datetime.timedelta(seconds=1),
        closes_at=now + datetime.timedelta(hours=1),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO flashsales_entrant (sale_id, member_id, joined_at, position, attempts) "
            "SELECT %s, id, now(), row_number() OVER (ORDER BY id), 0 FROM members_user "
            "WHERE username LIKE %s AND username <> 'fl_operator' ORDER BY id LIMIT %s",
            [sale.pk, prefix + "\\_%", members],
        )
    from fanrepublic.flashsales.models import FlashSale

    FlashSale.objects.filter(pk=sale.pk).update(drawn_at=now, drawn_count=members)
    sale.refresh_from_db()
    return sale


def one_stock_row_claim(sale, now):
    """What a single stock counter does: every buyer takes the sale's row lock first."""
    from django.db.models import Q

    from fanrepublic.flashsales.enums import UnitState
    from fanrepublic.flashsales.models import FlashSale, Unit

    FlashSale.objects.select_for_update().filter(pk=sale.pk).first()
    return (
        Unit.objects.filter(sale=sale)
        .filter(Q(state=UnitState.FREE) | Q(state=UnitState.HELD, held_until__lt=now))
        .order_by("number")
        .first()
    )


def run(design: str, units: int, members: int, threads: int, kills: int) -> dict:
    from django.db import InterfaceError, OperationalError, close_old_connections, connection

    from fanrepublic.core.errors import Conflict
    from fanrepublic.flashsales import services
    from fanrepublic.members.models import User

    original_claim = services._claim_unit
    if design == "one stock row":
        services._claim_unit = one_stock_row_claim
    sale = new_sale(units, members)
    buyers = list(
        User.objects.filter(username__startswith="fl_")
        .exclude(username="fl_operator")
        .order_by("id")[:members]
    )
    random.Random(7).shuffle(buyers)
    shares = [buyers[i::threads] for i in range(threads)]
    results = {"ok": 0, "all_held": 0, "sold_out": 0, "killed": 0, "other": 0}
    latencies: list[float] = []
    backends: list[int] = []
    lock = threading.Lock()
    done = threading.Event()
    start = time.perf_counter()
    finished_at = {}

    def buyer(share):
        close_old_connections()
        for member in share:
            if done.is_set():
                break
            try:
                if connection.connection is None:
                    connection.ensure_connection()
                pid = connection.connection.info.backend_pid
                with lock:
                    backends.append(pid)
                t0 = time.perf_counter()
                services.reserve(actor=member, sale=sale, provider_code="offline")
                elapsed = time.perf_counter() - t0
                with lock:
                    results["ok"] += 1
                    latencies.append(elapsed)
                    finished_at["t"] = time.perf_counter() - start  # the last unit taken so far
                    if results["ok"] == units:
                        done.set()  # the batch is gone: every later answer is "all held"
            except Conflict as exc:
                with lock:
                    key = exc.code if exc.code in results else "other"
                    results[key] += 1
                    # Gone, also when a few answers were lost to killed connections (their
                    # holds exist): stop instead of asking the rest of the queue.
                    if exc.code == "sold_out" or (exc.code == "all_held" and results["ok"] >= units - kills):
                        done.set()
            except (OperationalError, InterfaceError):
                with lock:
                    results["killed"] += 1
                connection.close()
        connection.close()

    def killer():
        from django.db import connections

        conn = connections.create_connection("default")
        rng = random.Random(3)
        for _ in range(kills):
            time.sleep(rng.uniform(0.05, 0.4))
            with lock:
                victim = rng.choice(backends) if backends else None
            if victim:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [victim])
        conn.close()

    workers = [threading.Thread(target=buyer, args=(share,)) for share in shares]
    murderer = threading.Thread(target=killer)
    for worker in workers:
        worker.start()
    murderer.start()
    for worker in workers:
        worker.join()
    murderer.join()
    wall = time.perf_counter() - start
    services._claim_unit = original_claim
    return {
        "design": design,
        "sale": sale,
        "results": results,
        "latencies": latencies,
        "wall": wall,
        "sold_in": finished_at.get("t"),
    }


def check(sale) -> list[str]:
    from django.db.models import Count

    from fanrepublic.flashsales.models import Hold, Unit

    problems = []
    held_units = Unit.objects.filter(sale=sale).exclude(state="free")
    holds = Hold.objects.filter(sale=sale, status="held")
    if held_units.count() != holds.count():
        problems.append(f"{held_units.count()} units taken, {holds.count()} live holds")
    for unit in held_units.select_related("hold"):
        if unit.hold.unit_number != unit.number or unit.hold.sale_id != sale.pk:
            problems.append(f"unit {unit.number} names hold {unit.hold_id} of unit {unit.hold.unit_number}")
    twice = (
        Hold.objects.filter(sale=sale, status="held")
        .values("unit_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    if twice.exists():
        problems.append(f"units held twice: {list(twice)[:5]}")
    over = (
        Hold.objects.filter(sale=sale, status="held").values("member").annotate(n=Count("id")).filter(n__gt=1)
    )
    if over.exists():
        problems.append(f"members over the limit: {over.count()}")
    return problems


PGBENCH_SETUP = """
DROP TABLE IF EXISTS bench_units, bench_stock, bench_holds;
CREATE TABLE bench_units (id bigserial PRIMARY KEY, sale int NOT NULL, number int NOT NULL,
  state text NOT NULL DEFAULT 'free', held_until timestamptz);
INSERT INTO bench_units (sale, number) SELECT 1, n FROM generate_series(1, 1000000) n;
CREATE INDEX bench_units_claim ON bench_units (sale, state, number);
CREATE TABLE bench_stock (sale int PRIMARY KEY, units_left int NOT NULL);
INSERT INTO bench_stock VALUES (1, 1000000);
CREATE TABLE bench_holds (id bigserial PRIMARY KEY, unit bigint, at timestamptz NOT NULL DEFAULT now());
"""
PGBENCH_SCRIPTS = {
    "one row per unit (SKIP LOCKED)": """
BEGIN;
UPDATE bench_units SET state = 'held', held_until = now() + interval '300 seconds'
  WHERE id = (SELECT id FROM bench_units WHERE sale = 1 AND state = 'free' ORDER BY number LIMIT 1
              FOR UPDATE SKIP LOCKED);
INSERT INTO bench_holds (unit) VALUES (1);
END;
""",
    "one stock row": """
BEGIN;
UPDATE bench_stock SET units_left = units_left - 1 WHERE sale = 1 AND units_left > 0;
INSERT INTO bench_holds (unit) VALUES (1);
END;
""",
}


def pg(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-d", DB, "-c", sql],
        check=True,
        capture_output=True,
    )


def pgbench_claims(clients: int, seconds: int) -> dict[str, float]:
    found = {}
    for design, script in PGBENCH_SCRIPTS.items():
        pg(PGBENCH_SETUP)
        pg("VACUUM ANALYZE bench_units")
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(script)
        out = subprocess.run(
            [
                "pgbench",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-n",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(seconds),
                "-f",
                f.name,
                DB,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found[design] = float(re.search(r"tps = ([\d.]+)", out).group(1))
        latency = re.search(r"latency average = ([\d.]+) ms", out)
        found[design + " latency"] = float(latency.group(1)) if latency else 0.0
    pg("DROP TABLE IF EXISTS bench_units, bench_stock, bench_holds;")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3680)
    parser.add_argument("--members", type=int, default=12000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--kill", type=int, default=12)
    parser.add_argument("--pg-clients", type=int, default=64)
    parser.add_argument("--pg-seconds", type=int, default=15)
    args = parser.parse_args()
    ensure_database()
    django_setup()
    load_members(args.members)
    rows = []
    for design in ("one row per unit (SKIP LOCKED)", "one stock row"):
        outcome = run(design, args.units, args.members, args.threads, args.kill)
        problems = check(outcome["sale"])
        from fanrepublic.flashsales.models import Hold

        holds = Hold.objects.filter(sale=outcome["sale"], status="held").count()
        lat = sorted(outcome["latencies"])
        p50 = statistics.median(lat) * 1000 if lat else 0
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else 0
        taken = outcome["results"]["ok"]
        rate = taken / outcome["sold_in"]
        rows.append((design, outcome, problems, holds, p50, p99, rate))
        print(design, outcome["results"], f"{rate:.0f}/s", problems or "exact")
    base = rows[1][6]
    lines = [
        "# Flash reservations (benchmarks/flash.py)",
        "",
        f"Machine: {machine()}",
        f"{args.units} units, {args.members} members in the waiting room (all admitted), "
        f"{args.threads} threads (one connection each), {args.kill} connections killed mid-run per design.",
        "",
        "Through the services (Python, one process: the GIL makes this the cost of a reservation, "
        "not the database's limit):",
        "",
        "| design | reservations/s until the batch was gone | vs one stock row | p50 ms | p99 ms | "
        "answered / holds | connections killed | refused (all held / sold out) | problems |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for design, outcome, problems, holds, p50, p99, rate in rows:
        r = outcome["results"]
        lines.append(
            f"| {design} | {rate:.0f} | {rate / base:.2f}× | {p50:.1f} | {p99:.1f} | "
            f"{r['ok']} / {holds} | {r['killed']} | {r['all_held']} / {r['sold_out']} | "
            f"{'; '.join(problems) or 'none: no unit held twice, none lost'} |"
        )
    claims = pgbench_claims(args.pg_clients, args.pg_seconds)
    one_row = claims["one stock row"]
    lines += [
        "",
        f"The database alone (pgbench, {args.pg_clients} clients, {args.pg_seconds} s each, "
        "a million units, same run):",
        "",
        "| design | claims/s | vs one stock row | average latency ms |",
        "| --- | --- | --- | --- |",
    ]
    for design in PGBENCH_SCRIPTS:
        lines.append(
            f"| {design} | {claims[design]:.0f} | {claims[design] / one_row:.2f}× "
            f"| {claims[design + ' latency']:.1f} |"
        )
    text = "\n".join(lines) + "\n"
    out = ROOT / "benchmarks" / "results" / "flash.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
