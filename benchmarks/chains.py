"""Chain sign-ups (接龙) through the HTTP path, next to the bare view, in the same run.

    .venv/bin/python benchmarks/chains.py [--members 100000] [--seconds 15] [--budget 600]
                                          [--min-sample 20000] [--lock-sample 2000] [--no-wait]
                                          [--server gunicorn|uvicorn]

(PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379 and wrk installed, as for run_all.py.)

1. creates/migrates `fanrepublic_bench` (run_all.ensure_database) and loads N members
   `ch_<n>` (trust level 1) with one INSERT ... SELECT FROM generate_series, and for each
   a personal API token (scopes read and write) whose secret is `fr_chbench_<n>`, stored
   the way members.services.api_token_create stores one (the SHA-256 of the secret, its
   first 10 characters as the prefix); only the missing ones: the load is idempotent;
2. an operator starts a fresh open chain with a pledge (at most 3 units an entry) through
   chains.services.chain_start;
3. waits until the machine is quiet (1-minute load average < 0.7, checked every 30 s,
   for at most 15 minutes; --no-wait skips it), then starts the production stack
   (gunicorn --preload with 4 sync workers, or --server uvicorn with 2; production
   settings, Redis). The API's per-address throttle
   (API_RATE_PER_IP, 600/m by default) would refuse the whole wave after its first 600
   requests, since wrk sends everything from 127.0.0.1; the bench server gets
   API_RATE_PER_IP=1000000/m (the throttle still counts every request in Redis, it just
   never refuses). The per-token throttle and CHAINS_SIGN_RATE (30/m per member) stay as
   configured: one request per member never reaches them;
4. wrk -t2 -c64 on the bare view /bench/bare/ (--seconds), then every member PUTs their
   line, `{"message": "永不离开", "pledge": n % 4}`, to /api/v1/chains/<slug>/entry with
   `Authorization: Bearer fr_chbench_<n>` (benchmarks/member_wave.lua: one member per
   request, no token used twice), until all N have signed or --budget seconds have
   passed (then a timed sample: at least --min-sample lines, for which the run goes on up
   to 240 s more), then the bare view again; entries/s = lines stored / wall time;
5. proves the chain is exact: entry_count = lines = members who got a 2xx, numbers exactly
   1..N with no gap or duplicate, last_number = N, pledge_total = the sum of the pledges
   (each the one sent), every member was told the number stored for them, one
   chains.entry.signed event per line;
6. the lock stage: --lock-sample members sign a second chain through
   chains.services.entry_sign in this process, one after another, timing how long each
   holds the chain row (its counters' UPDATE to the end of COMMIT): 1 / that is the
   most sign-ups per second one chain can take, whatever the number of web processes.
Writes benchmarks/results/chains.md and prints it. Each run leaves its chains behind.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from ledger import django_setup  # noqa: E402
from run_all import PORT, ensure_database, machine, member_fill, start_server  # noqa: E402

USERNAME_RE = r"^ch_[0-9]+$"  # the loaded members (and nobody else)
SECRET_PREFIX = "fr_chbench_"
TOKEN_NAME = "chain-bench"
CONNECTIONS = 64
SERVERS = {
    "gunicorn": "gunicorn --preload, 4 sync worker processes",
    "uvicorn": "uvicorn, 2 worker processes",
}
WRK_THREADS = 2
WRK_TIMEOUT = "30s"  # wrk's default (2 s) would drop slower answers from the latency figures
BENCH_ENV = {"API_RATE_PER_IP": "1000000/m"}  # see the docstring, step 3
QUIET_LOAD, QUIET_EVERY, QUIET_MAX = 0.7, 30, 15 * 60
MESSAGE = "永不离开"
PLEDGE_MAX = 3
EXTRA = 240  # more seconds for the sign-ups when the budget ends before --min-sample lines


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


# ------------------------------------------------------------------------ members


def _n(column: str, prefix: str = "ch") -> str:
    """SQL: the member number n of a loaded member's username (<prefix>_<n>), NULL for
    anyone else (the CASE keeps PostgreSQL from casting other usernames)."""
    return f"(CASE WHEN {column} ~ '^{prefix}_[0-9]+$' THEN substr({column}, {len(prefix) + 2})::bigint END)"


def load_members(
    members: int, prefix: str = "ch", token_name: str = TOKEN_NAME, secret_prefix: str = SECRET_PREFIX
) -> dict:
    """Members <prefix>_0 .. <prefix>_<N-1> (ch_ for this benchmark) and their tokens
    (secret <secret_prefix><n>), each with one INSERT ... SELECT; only the missing ones
    (ON CONFLICT DO NOTHING on the username and on the token's hash). Other benchmarks
    load their own members with their own prefix."""
    from django.db import connection

    def _n_(column):
        return _n(column, prefix)

    start = len(prefix) + 2  # where n begins in <prefix>_<n>

    ready_sql = f"""
        SELECT count(*) FROM members_user u JOIN members_apitoken t ON t.owner_id = u.id
        WHERE {_n_("u.username")} < %s AND u.is_active AND u.trust_level = 1
          AND t.name = %s AND t.revoked_at IS NULL AND t.integration_id IS NULL
          AND t.key_hash = encode(sha256(convert_to(%s || substr(u.username, {start}), 'UTF8')), 'hex')
    """
    ready_params = [members, token_name, secret_prefix]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM members_user WHERE {_n_('username')} < %s", [members])
        had = cursor.fetchone()[0]
        cursor.execute(ready_sql, ready_params)
        ready = cursor.fetchone()[0]
        added, tokens_added, seconds = 0, 0, 0.0
        started = time.perf_counter()
        if had < members:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'members_user' "
                "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' "
                "ORDER BY ordinal_position"
            )
            columns = cursor.fetchall()
            names = ", ".join(f'"{name}"' for name, _type in columns)
            values = ", ".join(member_fill(name, data_type, prefix) for name, data_type in columns)
            cursor.execute(
                f"INSERT INTO members_user ({names}) SELECT {values} "  # names from the catalogue
                "FROM generate_series(0, %s::bigint) AS n ON CONFLICT DO NOTHING",
                [members - 1],
            )
            added = cursor.rowcount
        if ready < members:
            # A personal token per member, stored as api_token_create stores one: the
            # secret's SHA-256 (ApiToken.hash_key) and its first 10 characters as prefix.
            cursor.execute(
                f"""
                INSERT INTO members_apitoken (owner_id, name, prefix, key_hash, scopes, created_at)
                SELECT id, %s, left(secret, 10), encode(sha256(convert_to(secret, 'UTF8')), 'hex'),
                       '["read", "write"]'::jsonb, now()
                FROM (SELECT id, %s || substr(username, {start}) AS secret FROM members_user
                      WHERE {_n_("username")} < %s) AS m
                ON CONFLICT DO NOTHING
                """,
                [token_name, secret_prefix, members],
            )
            tokens_added = cursor.rowcount
        if added or tokens_added:
            cursor.execute("ANALYZE members_user")
            cursor.execute("ANALYZE members_apitoken")
            seconds = time.perf_counter() - started
        cursor.execute(ready_sql, ready_params)
        ready = cursor.fetchone()[0]
    if ready != members:
        raise SystemExit(f"expected {members} members with a live bench token, found {ready}")
    return {"had": had, "added": added, "tokens_added": tokens_added, "seconds": seconds}


def check_hash() -> None:
    """The SQL hash is the one the application checks (members.ApiToken.hash_key)."""
    from django.db import connection

    from fanrepublic.members.models import ApiToken

    secret = f"{SECRET_PREFIX}0"
    with connection.cursor() as cursor:
        cursor.execute("SELECT encode(sha256(convert_to(%s, 'UTF8')), 'hex')", [secret])
        if cursor.fetchone()[0] != ApiToken.hash_key(secret):
            raise SystemExit("the SQL token hash differs from ApiToken.hash_key")


def open_chain() -> dict:
    from django.contrib.auth.models import Group

    from fanrepublic.chains import services
    from fanrepublic.members.models import User

    operator, _created = User.objects.get_or_create(
        username="chain_bench_operator", defaults={"email": "chain-operator@bench.local"}
    )
    operator.groups.add(Group.objects.get(name="operator"))
    chain = services.chain_start(
        actor=operator,
        theme=f"接龙 benchmark {datetime.now(UTC):%Y-%m-%d %H:%M:%S}",
        description="One line per member, through the API.",
        pledge_label="I will pre-order",
        pledge_max=PLEDGE_MAX,
    )
    return {"operator": operator, "chain": chain}


# -------------------------------------------------------------------------- quiet


def wait_quiet(enabled: bool) -> dict:
    """Wait until the 1-minute load average is below QUIET_LOAD (others run tests on
    this machine), checking every QUIET_EVERY s, for at most QUIET_MAX s."""
    first = load_average()
    started = time.monotonic()
    if enabled:
        while load_average()[0] >= QUIET_LOAD:
            waited = time.monotonic() - started
            if waited >= QUIET_MAX:
                log(f"still busy after {waited / 60:.0f} min (load {load_average()[0]:.2f}): running anyway")
                break
            log(f"load average {load_average()[0]:.2f} >= {QUIET_LOAD}: waiting")
            time.sleep(QUIET_EVERY)
    now = load_average()
    return {
        "first": first,
        "start": now,
        "waited": time.monotonic() - started,
        "quiet": now[0] < QUIET_LOAD,
        "enabled": enabled,
    }


# --------------------------------------------------------------------------- HTTP


def parse_wrk(out: str) -> dict:
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    took = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", out)
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[took.group(3)]
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "requests": int(took.group(1)),
        "seconds": float(took.group(2)) * scale,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
    }


def wrk_args(seconds: int) -> list[str]:
    return [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        WRK_TIMEOUT,
        "--latency",
    ]


def wrk_bare(base: str, seconds: int) -> dict:
    out = subprocess.run(
        [*wrk_args(seconds), f"{base}/bench/bare/"], capture_output=True, text=True, check=True
    ).stdout
    return parse_wrk(out)


def chain_count(chain_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT entry_count FROM chains_chain WHERE id = %s", [chain_id])
        return cursor.fetchone()[0]


def preflight(base: str, slug: str) -> None:
    """One request that cannot store anything (a pledge above the chain's maximum): the
    route answers, the token authenticates, the throttle lets it through and the body
    is read, so a misconfigured run stops here instead of measuring error pages."""
    api_preflight(
        base,
        method="PUT",
        path=f"/api/v1/chains/{slug}/entry",
        body={"message": MESSAGE, "pledge": PLEDGE_MAX + 1},
        token=f"{SECRET_PREFIX}0",
        field="pledge",
    )


def api_preflight(base: str, *, method: str, path: str, body: dict, token: str, field: str) -> None:
    """Send one request the API must refuse with 422 naming `field`, or stop the run."""
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        status, answer = 200, ""
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, exc.read().decode(errors="replace")
    if status != 422 or f'"{field}"' not in answer:
        raise SystemExit(f"preflight {method} {path}: expected 422 on {field}, got {status} {answer[:300]}")


def sign_up(base: str, slug: str, chain_id: int, members: int, budget: int, min_sample: int) -> dict:
    """Every member signs once, until all have or `budget` s passed with at least
    `min_sample` lines stored (or, failing that, `budget` + EXTRA s passed)."""
    return member_wave(
        base,
        method="PUT",
        path=f"/api/v1/chains/{slug}/entry",
        body=json.dumps({"message": MESSAGE, "pledge": 0}, ensure_ascii=False).replace("0}", "{pledge}}"),
        fields=("number", "name", "pledge", "code"),
        secret_prefix=SECRET_PREFIX,
        members=members,
        budget=budget,
        min_sample=min_sample,
        stored=lambda: chain_count(chain_id),
    )


STALL = 15


def answered(workdir: Path) -> int:
    """How many answers the wave's threads have written so far (they flush each)."""
    total = 0
    for t in range(WRK_THREADS):
        with contextlib.suppress(FileNotFoundError):
            total += (workdir / f"answers.{t}").read_bytes().count(b"\n")
    return total


def member_wave(
    base: str,
    *,
    method: str,
    path: str,
    body: str,
    fields: tuple[str, ...],
    secret_prefix: str,
    members: int,
    budget: int,
    min_sample: int,
    stored,
    during=None,
    secrets: list[str] | None = None,
    header: str = "Authorization",
) -> dict:
    """Each of `members` members sends one request (benchmarks/member_wave.lua) until all
    have an answer, or `budget` s passed with at least `min_sample` rows stored
    (`stored()` counts them), or `budget` + EXTRA s passed. `during(elapsed, stored)`, if
    given, runs at every progress sample (every 0.5 s): the flash benchmark kills
    workers and connections from there. Each member's credential is `secret_prefix`<n>
    (a personal API token), or the n-th of `secrets`, sent in `header`. Answers are
    (status, *fields)."""
    workdir = Path(tempfile.mkdtemp(prefix="wave-bench-"))
    tokens = workdir / "tokens.txt"
    credentials = secrets if secrets is not None else [f"{secret_prefix}{n}" for n in range(members)]
    tokens.write_text("".join(f"{secret}\n" for secret in credentials[:members]))
    env = {
        **os.environ,
        "BENCH_TOKENS": str(tokens),
        "BENCH_OUT": str(workdir),
        "BENCH_METHOD": method,
        "BENCH_PATH": path,
        "BENCH_BODY": body,
        "BENCH_FIELDS": ",".join(fields),
        "BENCH_THREADS": str(WRK_THREADS),
        "BENCH_HEADER": header,
    }
    command = [*wrk_args(budget + EXTRA), "-s", str(ROOT / "benchmarks" / "member_wave.lua"), f"{base}/"]
    progress = []  # (seconds since start, lines stored)
    heard_over_time = []  # (seconds since start, answers written by wrk's threads)
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    next_sample, complete, stalled_since, last, heard_last = started, False, None, -1, -1
    try:
        while True:
            now = time.perf_counter()
            if all((workdir / f"done.{t}").exists() for t in range(WRK_THREADS)):
                complete = True
                break
            if proc.poll() is not None:  # the budget ran out (or wrk failed)
                break
            if now - started >= budget and last >= min(min_sample, members):
                break  # a timed sample, large enough
            if now >= next_sample:
                count = stored()
                progress.append((now - started, count))
                if len(progress) % 10 == 1:
                    log(f"  {count:,} stored after {now - started:.0f} s")
                if during is not None:
                    during(now - started, count)
                last = count
                # No new answer for STALL s while a thread still owes some (lost with a
                # socket error: a killed worker, a timeout): stop rather than wait out
                # the budget.
                heard = answered(workdir)
                heard_over_time.append((now - started, heard))
                if heard != heard_last:
                    stalled_since, heard_last = None, heard
                else:
                    stalled_since = stalled_since or now
                    if now - stalled_since > STALL:
                        break
                next_sample = now + 0.5
            time.sleep(0.05)
        ended = time.perf_counter()
        stored_at_end = stored()
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # wrk prints its statistics and exits
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode != 0 or "Requests/sec" not in out:
        raise SystemExit(f"wrk failed ({proc.returncode}):\n{out}\n{err}")
    answers = []
    for t in range(WRK_THREADS):
        written = workdir / f"answers.{t}"
        if written.exists():
            for line in written.read_text().splitlines():
                status, *values = line.split("\t")
                answers.append((int(status), *values))
    shutil.rmtree(workdir)
    progress.append((ended - started, stored_at_end))
    return {
        "wrk": parse_wrk(out),
        "wall": ended - started,
        "stored_at_end": stored_at_end,
        "complete": complete,
        "answers": answers,
        "progress": progress,
        "heard": heard_over_time,
        "stderr": err.strip(),
    }


def http_stage(args, chain) -> dict:
    base = f"http://127.0.0.1:{PORT}"
    if args.server == "gunicorn":
        from launch import start_gunicorn

        server = start_gunicorn(extra_env=BENCH_ENV, preload=True)
    else:
        server = start_server(BENCH_ENV)
    try:
        preflight(base, chain.slug)
        wrk_bare(base, 3)  # warm up
        log(f"bare view, {args.seconds} s")
        bare_before = wrk_bare(base, args.seconds)
        log(f"bare {bare_before['rps']:.0f}/s; sign-ups: {args.members:,} members, budget {args.budget} s")
        signed = sign_up(base, chain.slug, chain.pk, args.members, args.budget, args.min_sample)
        log(
            f"sign-ups: {signed['stored_at_end']:,} lines in {signed['wall']:.1f} s "
            f"({'all' if signed['complete'] else 'NOT all'} answered); bare view again"
        )
        bare_after = wrk_bare(base, args.seconds)
    finally:
        server.terminate()  # lets the requests in flight finish
        server.wait(timeout=60)
    return {"bare_before": bare_before, "bare_after": bare_after, "signed": signed}


# --------------------------------------------------------------------------- lock


def lock_stage(operator, sample: int) -> dict:
    """chains.services.entry_sign in this process, one member after another, on a chain
    of its own: how long each sign-up holds the chain row, from the statement that locks
    it (the counters' UPDATE) to the end of its COMMIT, with nobody waiting for it. One chain takes at most
    1 / that sign-ups per second, however many web processes serve it."""
    import statistics

    from django.db import connection

    from fanrepublic.chains import services
    from fanrepublic.members.models import User

    chain = services.chain_start(
        actor=operator, theme="接龙 lock benchmark", pledge_label="I will pre-order", pledge_max=PLEDGE_MAX
    )
    names = [f"ch_{n}" for n in range(sample)]
    members = sorted(User.objects.filter(username__in=names), key=lambda m: int(m.username[3:]))
    state: dict = {}
    holds, calls, commits = [], [], []

    def watch(execute, sql, params, many, context):
        # The row is locked by the counters' UPDATE (a new line) or a SELECT ... FOR
        # UPDATE (an edit); whichever comes first in the transaction.
        if ("FOR UPDATE" in sql or sql.startswith("UPDATE chains_chain")) and "locked_at" not in state:
            state["locked_at"] = time.perf_counter()
        return execute(sql, params, many, context)

    real_commit = connection.commit

    def commit():
        started = time.perf_counter()
        result = real_commit()
        if "locked_at" in state:
            ended = time.perf_counter()
            holds.append(ended - state.pop("locked_at"))
            commits.append(ended - started)
        return result

    warm = min(50, len(members) // 10)
    connection.ensure_connection()
    with connection.execute_wrapper(watch):
        connection.commit = commit  # this connection only, for this stage
        try:
            for i, member in enumerate(members):
                started = time.perf_counter()
                services.entry_sign(
                    actor=member, chain=chain, message=MESSAGE, pledge=int(member.username[3:]) % 4
                )
                calls.append(time.perf_counter() - started)
                if i + 1 == warm:
                    holds.clear()
                    calls.clear()
                    commits.clear()
        finally:
            del connection.commit
    chain.refresh_from_db()
    holds.sort()
    return {
        "signed": chain.entry_count,
        "measured": len(holds),
        "call_ms": 1000 * statistics.median(calls),
        "hold_ms": 1000 * statistics.median(holds),
        "hold_p90_ms": 1000 * holds[int(0.9 * (len(holds) - 1))],
        "hold_mean_ms": 1000 * statistics.fmean(holds),
        "commit_ms": 1000 * statistics.median(commits),
        "exact": chain.entry_count == chain.last_number == len(members),
    }


# -------------------------------------------------------------------------- proof


def proof(chain_id: int, answers: list[tuple]) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entry_count, pledge_total, last_number FROM chains_chain WHERE id = %s", [chain_id]
        )
        entry_count, pledge_total, last_number = cursor.fetchone()
        cursor.execute(
            """
            SELECT count(*), count(DISTINCT member_id), count(DISTINCT number), min(number),
                   max(number), coalesce(sum(pledge), 0), count(*) FILTER (WHERE hidden_at IS NOT NULL)
            FROM chains_entry WHERE chain_id = %s
            """,
            [chain_id],
        )
        lines, members, numbers, low, high, pledges, hidden = cursor.fetchone()
        cursor.execute(
            "SELECT u.username, e.number, e.pledge FROM chains_entry e "
            "JOIN members_user u ON u.id = e.member_id WHERE e.chain_id = %s",
            [chain_id],
        )
        stored = {name: (number, pledge) for name, number, pledge in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM activity_event WHERE verb = 'chains.entry.signed' "
            "AND object_type = 'chains.chain' AND object_id = %s",
            [str(chain_id)],
        )
        events = cursor.fetchone()[0]
    ok = [a for a in answers if 200 <= a[0] < 300]
    told = {name: (int(number), int(pledge)) for _s, number, name, pledge, _c in ok if number and pledge}
    outsiders = {name for name in stored if not re.match(USERNAME_RE, name)}
    wrong_pledge = [
        name for name, (_n, pledge) in stored.items() if name not in outsiders and pledge != int(name[3:]) % 4
    ]
    return {
        "entry_count": entry_count,
        "pledge_total": pledge_total,
        "last_number": last_number,
        "lines": lines,
        "members": members,
        "numbers": numbers,
        "low": low,
        "high": high,
        "pledges": pledges,
        "hidden": hidden,
        "events": events,
        "ok": len(ok),
        "ok_members": len(told),
        "ok_numbers": len({number for number, _pledge in told.values()}),
        "told_not_stored": sum(1 for name in told if name not in stored),
        "told_wrong": sum(1 for name, value in told.items() if name in stored and stored[name] != value),
        "stored_not_told": sum(1 for name in stored if name not in told),
        "outsiders": len(outsiders),
        "wrong_pledge": len(wrong_pledge),
        "unreadable": len(ok) - sum(1 for a in ok if a[1] and a[3]),
        "statuses": dict(sorted(Counter(a[0] for a in answers).items())),
        "codes": dict(sorted(Counter(a[4] for a in answers if a[4]).items())),
    }


# ------------------------------------------------------------------------- report


def code_fingerprint() -> str:
    """The chains code this run measured (others edit the tree while benchmarks run):
    the first 12 hex digits of each file's SHA-256 and when it last changed."""
    import hashlib

    parts = []
    for name in ("services.py", "api.py", "selectors.py", "permissions.py"):
        path = ROOT / "fanrepublic" / "chains" / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        changed = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        parts.append(f"chains/{name} {digest} ({changed:%H:%M} UTC)")
    return ", ".join(parts)


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def redis_version() -> str:
    out = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "INFO", "server"], capture_output=True, text=True
    ).stdout
    m = re.search(r"redis_version:(\S+)", out)
    return m.group(1) if m else "unknown"


def by_minute(progress: list[tuple[float, int]]) -> list[tuple[int, float]]:
    """Lines/s in each whole minute of the run, from the 5-second samples."""
    rates = []
    minute = 1
    previous = (0.0, 0)
    for seconds, stored in progress:
        if seconds >= 60 * minute:
            rates.append((minute, (stored - previous[1]) / (seconds - previous[0])))
            previous = (seconds, stored)
            minute += 1
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15, help="each bare-view run")
    parser.add_argument("--budget", type=int, default=600, help="seconds for the sign-ups, at most")
    parser.add_argument(
        "--min-sample",
        type=int,
        default=20_000,
        help=f"lines to store before stopping at the budget (up to {EXTRA} s more)",
    )
    parser.add_argument("--lock-sample", type=int, default=2000, help="sign-ups of the lock stage")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    parser.add_argument(
        "--server",
        choices=["gunicorn", "uvicorn"],
        default="gunicorn",
        help="gunicorn --preload, 4 sync workers (where docs/deploy.md puts plain HTTP); uvicorn: 2 workers",
    )
    args = parser.parse_args()

    run_started = time.perf_counter()
    log("database: create/migrate fanrepublic_bench")
    ensure_database()
    django_setup()
    check_hash()
    loaded = load_members(args.members)
    log(
        f"members: {args.members:,} with tokens ({loaded['had']:,} were there, {loaded['added']:,} members "
        f"and {loaded['tokens_added']:,} tokens added in {loaded['seconds']:.1f} s)"
    )
    opened = open_chain()
    chain = opened["chain"]
    log(f"chain {chain.slug} open (pledge up to {chain.pledge_max})")

    quiet = wait_quiet(not args.no_wait)
    fingerprint = code_fingerprint()  # what the server is about to import
    log(f"load average {quiet['start'][0]:.2f} after waiting {quiet['waited']:.0f} s; HTTP stage")
    http = http_stage(args, chain)
    load_end = load_average()
    bare_before, bare_after, signed = http["bare_before"], http["bare_after"], http["signed"]
    sign = signed["wrk"]
    checked = proof(chain.pk, signed["answers"])
    log(f"lock stage: services.entry_sign for {args.lock_sample:,} members, one process")
    lock = lock_stage(opened["operator"], min(args.lock_sample, args.members))
    log(f"chain row held {lock['hold_ms']:.2f} ms per sign-up (median)")
    run_seconds = time.perf_counter() - run_started

    lines_stored = checked["lines"]
    entries_per_s = signed["stored_at_end"] / signed["wall"]
    bare_rps = (bare_before["rps"] + bare_after["rps"]) / 2
    share = entries_per_s / bare_rps
    all_signed = signed["complete"] and lines_stored == args.members
    in_flight = CONNECTIONS + sign["socket_errors"]  # answers wrk never read when stopped early
    checks = {
        "entry_count = lines stored": checked["entry_count"] == lines_stored,
        "lines = distinct members": checked["members"] == lines_stored,
        (
            "lines = members who got a 2xx"
            if all_signed
            else f"members who got a 2xx <= lines <= them + {in_flight} (stopped with answers in flight)"
        ): (
            checked["ok_members"] == lines_stored
            if all_signed
            else checked["ok_members"] <= lines_stored <= checked["ok_members"] + in_flight
        ),
        "nobody got two 2xx (one per member), every 2xx names its line": (
            checked["ok_members"] == checked["ok"] and checked["unreadable"] == 0
        ),
        "numbers exactly 1..lines (distinct, min 1, max = lines)": (
            checked["numbers"] == lines_stored and checked["low"] == 1 and checked["high"] == lines_stored
        ),
        "last_number = lines": checked["last_number"] == lines_stored,
        "pledge_total = sum of the pledges": checked["pledge_total"] == checked["pledges"],
        "every stored pledge is the one sent (n mod 4)": checked["wrong_pledge"] == 0,
        "every member with a 2xx was told the number stored for them": (
            checked["told_not_stored"] == 0 and checked["told_wrong"] == 0
        ),
        "no number told to two members": checked["ok_numbers"] == checked["ok"],
        "no line from anyone else, none hidden": checked["outsiders"] == 0 and checked["hidden"] == 0,
        "one chains.entry.signed event per line": checked["events"] == lines_stored,
    }
    exact = all(checks.values()) and lock["exact"]
    ceiling = 1000 / lock["hold_ms"]

    minutes = by_minute(signed["progress"])
    at_rate = args.members / entries_per_s
    lines = [
        "# Chain sign-ups (接龙) over HTTP",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, Redis {redis_version()}; "
        f"`nproc` = {os.cpu_count()}.",
        f"Command: `.venv/bin/python benchmarks/chains.py --members {args.members} --seconds {args.seconds} "
        f"--budget {args.budget} --min-sample {args.min_sample} --server {args.server}"
        f" --lock-sample {args.lock_sample}{' --no-wait' if args.no_wait else ''}` "
        f"({run_seconds / 60:.1f} min in all). Code measured: {fingerprint}.",
        f"{args.members:,} members `ch_<n>` (trust level 1) with a personal token each ({loaded['added']:,} "
        f"members and {loaded['tokens_added']:,} tokens loaded this run in {loaded['seconds']:.1f} s with "
        f"one INSERT ... SELECT each); one open chain, pledges 0..{PLEDGE_MAX}. Server: "
        f"{SERVERS[args.server]}, production settings, Redis, **API_RATE_PER_IP=1000000/m** "
        f"(the default 600/m per address would refuse all but 600 requests a minute from wrk's one "
        f"address; the throttle still counts every request). Load: wrk -t{WRK_THREADS} -c{CONNECTIONS} "
        f"--timeout {WRK_TIMEOUT}, "
        "same machine.",
        f"Load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in quiet['first'])} before waiting, "
        f"{', '.join(f'{x:.2f}' for x in quiet['start'])} when the measurement started "
        f"(after {quiet['waited']:.0f} s of waiting"
        f"{'' if quiet['quiet'] else f'; NOT below {QUIET_LOAD}: others were running'}"
        f"{'' if quiet['enabled'] else '; waiting skipped'}), "
        f"{', '.join(f'{x:.2f}' for x in load_end)} at the end.",
        "",
        "| over HTTP, 64 connections | requests | seconds | requests/s | p50 | p99 | non-2xx "
        "| socket errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| bare view /bench/bare/ (baseline, before) | {bare_before['requests']:,} | "
        f"{bare_before['seconds']:.1f} | {bare_before['rps']:.0f} | {bare_before['p50_ms']:.1f} ms | "
        f"{bare_before['p99_ms']:.1f} ms | {bare_before['errors']} | {bare_before['socket_errors']} |",
        f"| sign-up: PUT /api/v1/chains/&lt;slug&gt;/entry, personal token, one member per request | "
        f"{sign['requests']:,} | {sign['seconds']:.1f} | {sign['rps']:.0f} | {sign['p50_ms']:.1f} ms | "
        f"{sign['p99_ms']:.1f} ms | {sign['errors']} | {sign['socket_errors']} |",
        f"| bare view /bench/bare/ (baseline, after) | {bare_after['requests']:,} | "
        f"{bare_after['seconds']:.1f} | {bare_after['rps']:.0f} | {bare_after['p50_ms']:.1f} ms | "
        f"{bare_after['p99_ms']:.1f} ms | {bare_after['errors']} | {bare_after['socket_errors']} |",
        "",
        f"**{signed['stored_at_end']:,} lines stored in {signed['wall']:.1f} s of wall time (wrk start to "
        f"last answer): {entries_per_s:.0f} entries/s = {100 * share:.1f} % of the bare view's "
        f"{bare_rps:.0f} requests/s** (mean of before and after).",
    ]
    if all_signed:
        lines.append(f"All {args.members:,} members signed through HTTP in this run.")
    else:
        lines.append(
            f"**Not all {args.members:,} members signed within the time budget: this is a timed "
            f"sample of {signed['stored_at_end']:,} sign-ups.** At the measured rate, {args.members:,} "
            f"would take {at_rate:.0f} s ({at_rate / 60:.1f} min)."
        )
    if minutes:
        lines += [
            "",
            "Entries/s by minute of the run (from the chain's counter, sampled every 5 s): "
            + ", ".join(f"{rate:.0f}" for _minute, rate in minutes)
            + ".",
        ]
    lines += [
        "",
        f"Answers: {', '.join(f'{status}: {n:,}' for status, n in checked['statuses'].items())}"
        + (f"; error codes {checked['codes']}" if checked["codes"] else "")
        + ".",
        "",
        f"Exact chain: entry_count {checked['entry_count']:,}, {lines_stored:,} lines from "
        f"{checked['members']:,} members, numbers {checked['low']}..{checked['high']} "
        f"({checked['numbers']:,} distinct), last_number {checked['last_number']:,}, pledge_total "
        f"{checked['pledge_total']:,} = sum of pledges {checked['pledges']:,}; {checked['ok']:,} 2xx to "
        f"{checked['ok_members']:,} members, {checked['events']:,} events: "
        f"**{'exact' if exact else 'NOT EXACT'}**.",
        "",
        "| check | |",
        "| --- | --- |",
        *[f"| {label} | {mark(ok)} |" for label, ok in checks.items()],
        "",
        f"The chain row's lock: services.entry_sign in the measuring process, one member after another "
        f"on a chain of its own (nobody waiting), {lock['measured']:,} sign-ups measured: each took "
        f"{lock['call_ms']:.1f} ms and held the row **{lock['hold_ms']:.2f} ms** (median; mean "
        f"{lock['hold_mean_ms']:.2f} ms, p90 {lock['hold_p90_ms']:.2f} ms) from the statement that locks it "
        f"to the end of its COMMIT (the COMMIT itself, WAL flushed to disk: {lock['commit_ms']:.2f} ms). "
        f"One chain therefore takes at most ~{ceiling:.0f} sign-ups/s however "
        f"many web processes serve it ({args.members:,} lines at that ceiling: "
        f"{args.members / ceiling / 60:.1f} min); over HTTP this run stored {entries_per_s:.0f}/s, "
        f"{100 * entries_per_s / ceiling:.0f} % of it. "
        f"Lock-stage chain {'exact' if lock['exact'] else 'NOT EXACT'} ({lock['signed']:,} lines).",
    ]
    if signed["stderr"]:
        lines += ["", f"wrk said on stderr: `{signed['stderr'][:300]}`"]
    report = "\n".join(lines)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "chains.md").write_text(report + "\n")
    print(report)
    print(
        json.dumps(
            {
                "bare_before": bare_before,
                "bare_after": bare_after,
                "sign": sign,
                "wall_s": signed["wall"],
                "stored": signed["stored_at_end"],
                "entries_per_s": entries_per_s,
                "share_of_bare": share,
                "by_minute": minutes,
                "lock": lock,
                "complete": all_signed,
                "exact": exact,
                "load": {"first": quiet["first"], "start": quiet["start"], "end": load_end},
            }
        )
    )
    if not exact:
        sys.exit(1)


if __name__ == "__main__":
    main()
