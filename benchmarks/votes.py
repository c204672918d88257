"""The ballot path of the fan parliament on PostgreSQL, with its baselines in the same run.

    .venv/bin/python benchmarks/votes.py [--members 60000] [--http-tokens 40000] [--seconds 15]

1. loads eligible members (idempotent) and opens a fresh single-choice vote;
2. casts through the service layer from 4 processes, each on its own members;
3. casts over HTTP (POST /api/v1/votes/<slug>/ballot, one member per request, personal
   tokens) with wrk at 64 connections, next to the bare view at 64 connections;
4. checks the count is exact (ballots = successful casts, one per member);
5. times the tally next to SELECT count(*) and a plain GROUP BY over the same ballots.
Writes benchmarks/results/votes.md. This is the first measurement for issue 5; the full
3.27 M run with a batch path comes with the live hall.
"""

import argparse
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from ledger import django_setup  # noqa: E402
from run_all import PORT, ensure_database, machine, start_server  # noqa: E402


def prepare(members: int, http_tokens: int) -> dict:
    ensure_database()
    django_setup()
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from fanrepublic.governance import services
    from fanrepublic.members.models import ApiToken, User

    have = User.objects.filter(username__startswith="vote_bench_").count()
    User.objects.bulk_create(
        [
            User(username=f"vote_bench_{n}", email=f"vb{n}@bench.local", trust_level=1, password="!")
            for n in range(have, members)
        ],
        batch_size=5000,
    )
    organiser, _ = User.objects.get_or_create(
        username="vote_bench_operator", defaults={"email": "vo@bench.local"}
    )
    organiser.groups.add(Group.objects.get(name="operator"))
    now = timezone.now()
    vote = services.vote_create(
        actor=organiser,
        slug=f"bench-{time.time_ns()}",
        question="Bench price?",
        method="single",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=2),
        allow_change=False,
        options=[{"label": "2,999"}, {"label": "3,299"}, {"label": "3,599"}],
    )
    vote = services.vote_open(actor=organiser, vote=vote)
    ids = list(
        User.objects.filter(username__startswith="vote_bench_")
        .exclude(pk=organiser.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:members]
    )
    # The last `http_tokens` members vote over HTTP with a personal token each.
    http_ids = ids[-http_tokens:]
    secrets_list = []
    ApiToken.objects.filter(owner_id__in=http_ids, name="vote-bench").delete()
    rows = []
    for pk in http_ids:
        secret = "fr_" + os.urandom(24).hex()
        secrets_list.append(secret)
        rows.append(
            ApiToken(
                owner_id=pk,
                name="vote-bench",
                prefix=secret[:10],
                key_hash=ApiToken.hash_key(secret),
                scopes=["read", "write"],
            )
        )
    ApiToken.objects.bulk_create(rows, batch_size=5000)
    return {
        "vote": vote.pk,
        "slug": vote.slug,
        "options": list(vote.options.values_list("pk", flat=True)),
        "service_ids": ids[: len(ids) - http_tokens],
        "tokens": secrets_list,
        "http_ids": http_ids,
    }


def _cast(args):
    vote_id, member_ids, options, seconds = args
    django_setup()
    from django.db import connection

    from fanrepublic.governance import services
    from fanrepublic.governance.models import Vote
    from fanrepublic.members.models import User

    vote = Vote.objects.get(pk=vote_id)
    done, started = 0, time.perf_counter()
    for n, member in enumerate(User.objects.filter(pk__in=member_ids).iterator()):
        if time.perf_counter() - started > seconds:
            break
        services.ballot_cast(member=member, vote=vote, option_ids=[options[n % len(options)]])
        done += 1
    elapsed = time.perf_counter() - started
    connection.close()
    return done, elapsed


def wrk(url: str, seconds: int, *, script: str = "", env: dict | None = None) -> dict:
    args = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", *(["-s", script] if script else []), url]
    out = subprocess.run(
        args, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "requests": total,
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=60000)
    parser.add_argument("--http-tokens", type=int, default=40000)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    info = prepare(args.members, args.http_tokens)
    groups = [info["service_ids"][i::4] for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_cast, [(info["vote"], g, info["options"], args.seconds) for g in groups])
    service_cast = sum(d for d, _e in results)
    service_rate = service_cast / max(e for _d, e in results)

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(info["tokens"]))
        tokens_path = handle.name
    server = start_server()
    try:
        wrk(f"http://127.0.0.1:{PORT}/bench/bare/", 3)  # warm up
        bare = wrk(f"http://127.0.0.1:{PORT}/bench/bare/", args.seconds)
        cast = wrk(
            f"http://127.0.0.1:{PORT}/api/v1/votes/{info['slug']}/ballot",
            args.seconds,
            script=str(ROOT / "benchmarks" / "vote.lua"),
            env={
                "BENCH_TOKENS": tokens_path,
                "BENCH_OPTIONS": ",".join(map(str, info["options"])),
                "BENCH_THREADS": "2",
            },
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(tokens_path)

    from django.db import connection

    from fanrepublic.governance.models import Ballot
    from fanrepublic.governance.selectors import running_counts

    ballots = Ballot.objects.filter(vote_id=info["vote"])
    stored = ballots.count()
    distinct = ballots.values("voter_key").distinct().count()
    http_ok = cast["requests"] - cast["errors"]
    from fanrepublic.governance.services import voter_key

    http_keys = {voter_key(info["vote"], pk) for pk in info["http_ids"]}
    http_stored = sum(1 for key in ballots.values_list("voter_key", flat=True).iterator() if key in http_keys)
    # wrk stops counting with up to 64 requests in flight; those still complete.
    exact = stored == distinct == service_cast + http_stored and http_ok <= http_stored <= http_ok + 64
    timings = {}
    with connection.cursor() as cursor:
        for label, sql in [
            ("SELECT count(*)", "SELECT count(*) FROM governance_ballot WHERE vote_id = %s"),
            (
                "plain GROUP BY",
                "SELECT choice, count(*) FROM governance_ballot WHERE vote_id = %s GROUP BY choice",
            ),
        ]:
            started = time.perf_counter()
            cursor.execute(sql, [info["vote"]])
            cursor.fetchall()
            timings[label] = time.perf_counter() - started
    from fanrepublic.governance.models import Vote

    started = time.perf_counter()
    running_counts(Vote.objects.get(pk=info["vote"]))
    timings["running count (selector)"] = time.perf_counter() - started

    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {machine()}.",
        f"{args.members} eligible members loaded; {args.seconds} s per measurement.",
        "",
        "| path | per second | p50 | p99 |",
        "| --- | ---: | ---: | ---: |",
        f"| bare view, 64 connections | {bare['rps']:.0f} | {bare['p50_ms']:.1f} ms "
        f"| {bare['p99_ms']:.1f} ms |",
        f"| cast over HTTP, 64 connections, one member per request | {cast['rps']:.0f} "
        f"({100 * cast['rps'] / bare['rps']:.0f} % of bare) | {cast['p50_ms']:.1f} ms "
        f"| {cast['p99_ms']:.1f} ms |",
        f"| cast through the service layer, 4 processes | {service_rate:.0f} | | |",
        "",
        f"Exact count: {stored} ballots stored, {distinct} distinct voters = {service_cast} service casts "
        f"+ {http_stored} HTTP ballots (wrk saw {http_ok} complete, non-2xx {cast['errors']}): "
        f"{'exact' if exact else 'MISMATCH'}.",
        "",
        "| tally over the same ballots | ms |",
        "| --- | ---: |",
        *[f"| {label} | {1000 * t:.1f} |" for label, t in timings.items()],
    ]
    report = "\n".join(lines)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "votes.md").write_text(report + "\n")
    print(report)
    print(json.dumps({"bare": bare, "cast": cast, "service": service_rate, "stored": stored}))


if __name__ == "__main__":
    main()
