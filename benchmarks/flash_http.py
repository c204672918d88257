"""Flash reservations through the HTTP API at 64 connections, next to the bare view in the
same run, with one web worker and database connections killed mid-run.

    .venv/bin/python benchmarks/flash_http.py [--units 3680] [--members 12000] [--seconds 15]
                                              [--db-kills 12] [--kill-every 1.0] [--no-wait]

(PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379 and wrk installed, as for run_all.py.)

1. creates/migrates `fanrepublic_bench` and loads --members members `fh_<n>`
   (chains.load_members; idempotent);
2. a fresh sale of --units units (flash.new_sale: the services' sale_create, per-member
   limit 1, holds of 10 minutes), opened a second ago, every member in its waiting room
   and admitted (the draw and the admission pace are the waiting room's business and are
   measured by the tests, not here), and each member's flash pass — what the waiting
   room gives them once their place is known (services.flash_pass);
3. waits until the machine is quiet (chains.wait_quiet), starts the production stack
   (uvicorn, 2 workers, production settings with the demo's payment provider —
   config/settings/bench.py — so no provider's network round trip is measured; Redis;
   the per-address API throttle raised as in chains.py since wrk sends everything from
   127.0.0.1, the per-member reservation throttle as configured) and one
   `manage.py flash_writer`, which stores the holds Redis decides;
4. wrk -t2 -c64 on the bare view /bench/bare/, then every member POSTs once to the
   reservation path /flash/<slug>/hold with their pass in X-Flash-Pass
   (benchmarks/member_wave.lua: a different member's pass per request) — 3,680 get a
   unit held for them (they pay from the sale's page, which starts the payment), the
   rest are refused (409 `all_held`: every unit is held by someone paying); meanwhile,
   once a third of the units are held, one uvicorn worker is killed with SIGKILL (its
   requests in flight are lost; uvicorn starts another), and every --kill-every s one of
   the database connections (the web workers' and the writer's) is terminated
   (pg_terminate_backend) until --db-kills are; then the bare view again;
5. waits for the writer to store the stream, and proves the batch: every unit accounted
   for (free + held + sold = --units), every held unit held by exactly the live hold that
   names it, no unit held twice, nobody over the limit, every 201 answer's ticket stored
   as a live hold of the unit it was told, no unit told to two members (0 oversold),
   Redis's pool exactly the rows' free units, and the holds whose answers were lost to
   the kills counted.
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
    load_members,
    log,
    mark,
    member_wave,
    wait_quiet,
    wrk_bare,
)
from flash import check, new_sale  # noqa: E402
from launch import start_gunicorn  # noqa: E402
from ledger import django_setup  # noqa: E402
from run_all import DB, ENV, PORT, PY, ensure_database, machine, start_server  # noqa: E402

PREFIX = "fh"
SECRET_PREFIX = "fr_fhbench_"
TOKEN_NAME = "flash-bench"
PASS_HEADER = "X-Flash-Pass"
SERVERS = {
    "gunicorn": "gunicorn --preload, 4 sync worker processes",
    "uvicorn": "uvicorn, 2 worker processes",
}
SERVER_ENV = {**BENCH_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
TARGET_RATIO, TARGET_P99_MS = 0.60, 100.0
CLEAN = (
    "every unit accounted for, each held unit held by the one live hold that names it, "
    "nobody over the limit, every 201 answer true"
)


def preflight(base: str, slug: str) -> None:
    """A request that cannot hold anything (a forged pass): the route answers and refuses
    it, or the run stops here."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{base}/flash/{slug}/hold", data=b"", method="POST", headers={PASS_HEADER: "forged"}
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        status, answer = 200, "{}"
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, exc.read().decode(errors="replace")
    if status != 401 or json.loads(answer).get("error", {}).get("code") != "pass_invalid":
        raise SystemExit(f"preflight: expected 401 pass_invalid, got {status} {answer[:300]}")


def passes(sale) -> list[str]:
    """Each member's flash pass, in the order of their places."""
    from fanrepublic.flashsales.models import Entrant
    from fanrepublic.flashsales.services import flash_pass

    rows = Entrant.objects.filter(sale=sale).order_by("position").values_list("member_id", "position")
    return [flash_pass(sale, member_id, position) for member_id, position in rows]


def start_writer() -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "flash_writer"], env={**ENV, **SERVER_ENV}, cwd=ROOT, stdout=subprocess.DEVNULL
    )


class Saboteur:
    """Kills one web worker once a third of the units are held, and a database
    connection (a web worker's or the writer's) every `every` seconds until `db_kills`
    are dead."""

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

    from fanrepublic.flashsales import admission
    from fanrepublic.flashsales.models import Hold, Unit

    problems = check(sale)
    states = dict(Unit.objects.filter(sale=sale).values_list("state").annotate(n=Count("id")))
    if sum(states.values()) != sale.units:
        problems.append(f"{sum(states.values())} units on record for {sale.units}")
    live = {hold.ticket: hold for hold in Hold.objects.filter(sale=sale, status="held")}
    told = [(ticket, int(unit)) for status, unit, ticket, _code in answers if status == 201]
    for ticket, unit in told:
        hold = live.get(ticket)
        if hold is None or hold.unit_number != unit:
            problems.append(f"answer: ticket {ticket} of unit {unit} is not a live hold of that unit")
    units_told = Counter(unit for _ticket, unit in told)
    twice = [unit for unit, n in units_told.items() if n > 1]
    if twice:
        problems.append(f"units told to two members: {twice[:5]}")
    pool = sorted(int(u) for u in admission.client().zrange(admission.key(sale.pk, "free"), 0, -1))
    rows_free = sorted(Unit.objects.filter(sale=sale, state="free").values_list("number", flat=True))
    if pool != rows_free:
        problems.append(f"Redis's pool has {len(pool)} units, the rows {len(rows_free)} free")
    return {
        "problems": problems,
        "states": states,
        "live": len(live),
        "told": len(told),
        "unanswered": len(live) - len(told),
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
    parser.add_argument(
        "--server",
        choices=["gunicorn", "uvicorn"],
        default="gunicorn",
        help="gunicorn: 4 sync workers (WSGI, where docs/deploy.md puts plain HTTP); uvicorn: 2 ASGI workers",
    )
    args = parser.parse_args()
    ensure_database()
    django_setup()
    loaded = load_members(args.members, prefix=PREFIX, token_name=TOKEN_NAME, secret_prefix=SECRET_PREFIX)
    log(f"members: {loaded}")
    sale = new_sale(args.units, args.members, prefix=PREFIX)
    member_passes = passes(sale)
    log(f"sale {sale.slug}: {args.units} units, {args.members} members admitted")
    quiet = wait_quiet(not args.no_wait)
    base = f"http://127.0.0.1:{PORT}"
    if args.server == "gunicorn":
        server = start_gunicorn(extra_env=SERVER_ENV, preload=True)
    else:
        server = start_server(SERVER_ENV)
    writer = start_writer()
    try:
        preflight(base, sale.slug)
        wrk_bare(base, 3)  # warm up
        bare_before = wrk_bare(base, args.seconds)
        log(f"bare view {bare_before['rps']:.0f}/s; the wave: {args.members:,} reservations")
        saboteur = Saboteur(server, args.units, args.db_kills, args.kill_every)
        wave = member_wave(
            base,
            method="POST",
            path=f"/flash/{sale.slug}/hold",
            body="",
            fields=("unit_number", "ticket", "code"),
            secret_prefix=SECRET_PREFIX,
            secrets=member_passes,
            header=PASS_HEADER,
            members=args.members,
            budget=600,
            min_sample=args.members,
            stored=lambda: held_count(sale.pk),
            during=saboteur,
        )
        log(f"wave: {len(wave['answers']):,} answers in {wave['wall']:.1f} s; bare view again")
        time.sleep(2)  # the restarted worker settles
        bare_after = wrk_bare(base, args.seconds)
        stored_wait = time.perf_counter()
        from fanrepublic.flashsales import admission

        while admission.client().xlen(admission.stream()) and time.perf_counter() - stored_wait < 120:
            time.sleep(0.2)
        log(f"the writer stored the stream {time.perf_counter() - stored_wait:.1f} s after the bare view")
    finally:
        server.terminate()
        writer.terminate()
        server.wait(timeout=60)
        writer.wait(timeout=60)
    proved = proof(sale, wave["answers"])
    statuses = Counter(
        f"{status} {code}".strip() if status >= 400 else str(status)
        for status, _u, _t, code in wave["answers"]
    )
    bare = (bare_before["rps"] + bare_after["rps"]) / 2
    http = wave["wrk"]
    ratio = http["rps"] / bare
    lost = args.members - len(wave["answers"])
    held_at = [seconds for seconds, held in wave["progress"] if held >= args.units]
    # wrk's own rate divides by its whole run, which ends only when the benchmark stops
    # waiting for the answers lost with the killed worker (chains.STALL); the wave's rate
    # is its answers over the time until the last of them.
    final = len(wave["answers"])
    last_heard = next((seconds for seconds, heard in wave["heard"] if heard >= final), wave["wall"])
    answering_rps = final / last_heard
    answering_ratio = answering_rps / ((bare_before["rps"] + bare_after["rps"]) / 2)
    lines = [
        "# Flash reservations over HTTP (benchmarks/flash_http.py)",
        "",
        f"Machine: {machine()}; load average at start {quiet['start'][0]:.2f}"
        f"{'' if quiet['quiet'] else ' (not quiet)'}.",
        f"Production stack: {SERVERS[args.server]}, production settings with the demo provider "
        f"(config/settings/bench.py), PostgreSQL, Redis deciding (flashsales/admission.py), one "
        f"flash_writer storing; wrk -t2 -c{CONNECTIONS}.",
        f"{args.members:,} members, each one POST /flash/<slug>/hold with their own flash pass, for "
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
        f"- Reservations while answering: {final:,} answers in {last_heard:.1f} s = "
        f"**{answering_rps:.0f}/s**, "
        f"÷ bare view (mean of before and after) **{answering_ratio:.2f}** (target ≥ {TARGET_RATIO:.2f}) "
        f"{mark(answering_ratio >= TARGET_RATIO)}; wrk's own rate ({http['rps']:.0f}/s, ratio {ratio:.2f}) "
        f"also counts the {wave['wall'] - last_heard:.0f} s spent waiting for the answers lost with the "
        f"killed worker. p99 {http['p99_ms']:.0f} ms (target ≤ {TARGET_P99_MS:.0f}) "
        f"{mark(http['p99_ms'] <= TARGET_P99_MS)}.",
        f"- Answers: {', '.join(f'{key}: {n:,}' for key, n in sorted(statuses.items()))}; "
        f"{lost:,} requests got no answer (in flight on the killed worker, or socket errors: "
        f"{http['socket_errors']})."
        f" Every unit held after {held_at[0]:.1f} s." * bool(held_at),
        f"- **Oversold: {proved['oversold']}** {mark(proved['oversold'] == 0)}. Units: "
        + ", ".join(f"{state} {n:,}" for state, n in sorted(proved["states"].items()))
        + f"; live holds {proved['live']:,}, of which {proved['told']:,} were answered 201 and "
        f"{proved['unanswered']:,} lost their answer to the kills (they run out like any unpaid hold); "
        "Redis's pool is exactly the rows' free units.",
        f"- Checks: {'; '.join(proved['problems']) or CLEAN} {mark(not proved['problems'])}.",
        "",
    ]
    text = "\n".join(lines)
    out = ROOT / "benchmarks" / "results" / "flash_http.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
