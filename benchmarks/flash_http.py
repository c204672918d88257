"""Flash reservations through the HTTP API at 64 connections, next to the bare view in the
same run, with one web worker and database connections killed mid-run.

    .venv/bin/python benchmarks/flash_http.py [--units 3680] [--members 12000] [--seconds 15]
                                              [--db-kills 12] [--kill-every 1.0] [--no-wait]

(PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379 and wrk installed, as for run_all.py.)

1. creates/migrates `fanrepublic_bench` and loads --members members `fh_<n>`, each with a
   personal API token `fr_fhbench_<n>` (chains.load_members; idempotent);
2. a fresh sale of --units units (flash.new_sale: the services' sale_create, per-member
   limit 1, holds of 10 minutes), opened a second ago, every member in its waiting room
   and admitted (the draw and the admission pace are the waiting room's business and are
   measured by the tests, not here);
3. waits until the machine is quiet (chains.wait_quiet), starts the production stack
   (uvicorn, 2 workers, production settings with the demo's payment provider —
   config/settings/bench.py — so no provider's network round trip is measured; Redis;
   the per-address API throttle raised as in chains.py since wrk sends everything from
   127.0.0.1, the per-member reservation throttle as configured);
4. wrk -t2 -c64 on the bare view /bench/bare/, then every member POSTs once to
   /api/v1/flash/<slug>/reserve `{"provider": "offline"}` (benchmarks/member_wave.lua: a
   different member's token per request) — 3,680 get a hold and a payment to pay, the
   rest are refused (409 `all_held`: every unit is held by someone paying); meanwhile,
   once a third of the units are held, one uvicorn worker is killed with SIGKILL (its
   requests in flight are lost; uvicorn starts another), and every --kill-every s one of
   the web workers' database connections is terminated (pg_terminate_backend) until
   --db-kills are; then the bare view again;
5. proves the batch: every unit accounted for (free + held + sold = --units), every held
   unit held by exactly the live hold that names it, no unit held twice, nobody over the
   limit, every 201 answer's hold live with the unit it was told, no unit told to two
   members (0 oversold), and the holds whose answers were lost to the kills counted.
Writes benchmarks/results/flash_http.md and prints it. Each run leaves its sale behind.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from chains import (  # noqa: E402
    BENCH_ENV,
    CONNECTIONS,
    api_preflight,
    load_members,
    log,
    mark,
    member_wave,
    wait_quiet,
    wrk_bare,
)
from flash import check, new_sale  # noqa: E402
from ledger import django_setup  # noqa: E402
from run_all import DB, PORT, ensure_database, machine, start_server  # noqa: E402

PREFIX = "fh"
SECRET_PREFIX = "fr_fhbench_"
TOKEN_NAME = "flash-bench"
SERVER_ENV = {**BENCH_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
TARGET_RATIO, TARGET_P99_MS = 0.60, 100.0
CLEAN = (
    "every unit accounted for, each held unit held by the one live hold that names it, "
    "nobody over the limit, every 201 answer true"
)


def preflight(base: str, slug: str) -> None:
    """A request that cannot hold anything (a provider not offered): the route answers,
    the token authenticates and the body is read, or the run stops here."""
    api_preflight(
        base,
        method="POST",
        path=f"/api/v1/flash/{slug}/reserve",
        body={"provider": "nowhere"},
        token=f"{SECRET_PREFIX}0",
        field="provider",
    )


class Saboteur:
    """Kills one web worker once a third of the units are held, and a web worker's
    database connection every `every` seconds until `db_kills` are dead."""

    def __init__(self, server: subprocess.Popen, units: int, db_kills: int, every: float):
        self.server, self.units, self.db_kills, self.every = server, units, db_kills, every
        self.worker_killed_at = None
        self.killed_connections: list[float] = []
        self.next_kill = 0.5
        self.rng = random.Random(11)

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.server.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def __call__(self, elapsed: float, held: int) -> None:
        from django.db import connection

        if self.worker_killed_at is None and held >= self.units // 3:
            workers = self.workers()
            if workers:
                os.kill(self.rng.choice(workers), signal.SIGKILL)
                self.worker_killed_at = elapsed
                log(f"  killed a web worker at {elapsed:.1f} s ({held:,} held)")
        if len(self.killed_connections) < self.db_kills and elapsed >= self.next_kill:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    "ORDER BY random() LIMIT 1",
                    [DB],
                )
                if cursor.fetchone():
                    self.killed_connections.append(elapsed)
            self.next_kill = elapsed + self.every


def held_count(sale_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM flashsales_hold WHERE sale_id = %s", [sale_id])
        return cursor.fetchone()[0]


def proof(sale, answers: list[tuple]) -> dict:
    from django.db.models import Count

    from fanrepublic.flashsales.models import Hold, Unit

    problems = check(sale)
    states = dict(Unit.objects.filter(sale=sale).values_list("state").annotate(n=Count("id")))
    if sum(states.values()) != sale.units:
        problems.append(f"{sum(states.values())} units on record for {sale.units}")
    live = {hold.pk: hold for hold in Hold.objects.filter(sale=sale, status="held")}
    told = [(int(hold_id), int(unit)) for status, hold_id, unit, _code in answers if status == 201]
    for hold_id, unit in told:
        hold = live.get(hold_id)
        if hold is None or hold.unit_number != unit:
            problems.append(f"answer: hold {hold_id} of unit {unit} is not live with that unit")
    units_told = Counter(unit for _hold, unit in told)
    twice = [unit for unit, n in units_told.items() if n > 1]
    if twice:
        problems.append(f"units told to two members: {twice[:5]}")
    without_payment = Hold.objects.filter(sale=sale, status="held", payment__isnull=True).count()
    return {
        "problems": problems,
        "states": states,
        "live": len(live),
        "told": len(told),
        "unanswered": len(live) - len(told),
        "without_payment": without_payment,
        "oversold": max(0, len(live) - sale.units) + len(twice),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3680)
    parser.add_argument("--members", type=int, default=12000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--db-kills", type=int, default=12)
    parser.add_argument("--kill-every", type=float, default=1.0)
    parser.add_argument("--no-wait", action="store_true")
    args = parser.parse_args()
    ensure_database()
    django_setup()
    loaded = load_members(args.members, prefix=PREFIX, token_name=TOKEN_NAME, secret_prefix=SECRET_PREFIX)
    log(f"members: {loaded}")
    sale = new_sale(args.units, args.members, prefix=PREFIX)
    log(f"sale {sale.slug}: {args.units} units, {args.members} members admitted")
    quiet = wait_quiet(not args.no_wait)
    base = f"http://127.0.0.1:{PORT}"
    server = start_server(SERVER_ENV)
    try:
        preflight(base, sale.slug)
        wrk_bare(base, 3)  # warm up
        bare_before = wrk_bare(base, args.seconds)
        log(f"bare view {bare_before['rps']:.0f}/s; the wave: {args.members:,} reservations")
        saboteur = Saboteur(server, args.units, args.db_kills, args.kill_every)
        wave = member_wave(
            base,
            method="POST",
            path=f"/api/v1/flash/{sale.slug}/reserve",
            body='{"provider": "offline"}',
            fields=("id", "unit_number", "code"),
            secret_prefix=SECRET_PREFIX,
            members=args.members,
            budget=600,
            min_sample=args.members,
            stored=lambda: held_count(sale.pk),
            during=saboteur,
        )
        log(f"wave: {len(wave['answers']):,} answers in {wave['wall']:.1f} s; bare view again")
        time.sleep(2)  # the restarted worker settles
        bare_after = wrk_bare(base, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=60)
    proved = proof(sale, wave["answers"])
    statuses = Counter(
        f"{status} {code}".strip() if status >= 400 else str(status)
        for status, _h, _u, code in wave["answers"]
    )
    bare = (bare_before["rps"] + bare_after["rps"]) / 2
    http = wave["wrk"]
    ratio = http["rps"] / bare
    lost = args.members - len(wave["answers"])
    held_at = [seconds for seconds, held in wave["progress"] if held >= args.units]
    lines = [
        "# Flash reservations over HTTP (benchmarks/flash_http.py)",
        "",
        f"Machine: {machine()}; load average at start {quiet['start'][0]:.2f}"
        f"{'' if quiet['quiet'] else ' (not quiet)'}.",
        f"Production stack: uvicorn, 2 workers, production settings with the demo provider "
        f"(config/settings/bench.py), PostgreSQL, Redis; wrk -t2 -c{CONNECTIONS}.",
        f"{args.members:,} members, each one POST /api/v1/flash/<slug>/reserve with their own token, for "
        f"{args.units:,} units (limit 1 each). One web worker killed (SIGKILL) at "
        f"{saboteur.worker_killed_at or 0:.1f} s; {len(saboteur.killed_connections)} of the workers' "
        "database connections terminated during the wave.",
        "",
        "| | requests/s | p50 | p99 | requests |",
        "| --- | --- | --- | --- | --- |",
        f"| bare view, before | {bare_before['rps']:.0f} | {bare_before['p50_ms']:.1f} ms | "
        f"{bare_before['p99_ms']:.1f} ms | {bare_before['requests']:,} |",
        f"| **reservations** | **{http['rps']:.0f}** | {http['p50_ms']:.1f} ms | "
        f"**{http['p99_ms']:.1f} ms** | {http['requests']:,} |",
        f"| bare view, after | {bare_after['rps']:.0f} | {bare_after['p50_ms']:.1f} ms | "
        f"{bare_after['p99_ms']:.1f} ms | {bare_after['requests']:,} |",
        "",
        f"- Reservations ÷ bare view (mean of before and after): **{ratio:.2f}** "
        f"(target ≥ {TARGET_RATIO:.2f}) {mark(ratio >= TARGET_RATIO)}; p99 {http['p99_ms']:.0f} ms "
        f"(target ≤ {TARGET_P99_MS:.0f}) {mark(http['p99_ms'] <= TARGET_P99_MS)}.",
        f"- Answers: {', '.join(f'{key}: {n:,}' for key, n in sorted(statuses.items()))}; "
        f"{lost:,} requests got no answer (in flight on the killed worker, or socket errors: "
        f"{http['socket_errors']})."
        f" Every unit held after {held_at[0]:.1f} s." * bool(held_at),
        f"- **Oversold: {proved['oversold']}** {mark(proved['oversold'] == 0)}. Units: "
        + ", ".join(f"{state} {n:,}" for state, n in sorted(proved["states"].items()))
        + f"; live holds {proved['live']:,}, of which {proved['told']:,} were answered 201 and "
        f"{proved['unanswered']:,} lost their answer to the kills (they run out like any unpaid hold); "
        f"{proved['without_payment']} holds without a payment (killed between the hold and the payment).",
        f"- Checks: {'; '.join(proved['problems']) or CLEAN} {mark(not proved['problems'])}.",
        "",
    ]
    text = "\n".join(lines)
    out = ROOT / "benchmarks" / "results" / "flash_http.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
