"""Ledger and store throughput on PostgreSQL, next to pgbench in the same run.

    .venv/bin/python benchmarks/ledger.py [--clients 4] [--seconds 15]

1. pgbench's built-in TPC-B-like transactions/s with N clients on a scratch database;
2. service-layer ledger postings/s and transactions/s (points_award and points_spend, two
   postings each)
   from N worker processes, each on its own members (and, separately, all on one hot
   wallet, which serialises on its row lock);
3. service-layer redemptions/s (stock + points + order in one transaction);
4. API redemptions/s through uvicorn (2 workers) with wrk;
5. reconcile_ledger afterwards: the report shows the number of violations.
Writes benchmarks/results/ledger.md.
"""

import argparse
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import ENV, PORT, ensure_database, machine, start_server  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")


def django_setup():
    os.environ.update({k: v for k, v in ENV.items() if k not in os.environ or k == "DJANGO_SETTINGS_MODULE"})
    os.environ["DB_POOL"] = "false"
    import django

    django.setup()


def pgbench(clients: int, seconds: int) -> float:
    db = "fr_pgbench"
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-c",
            f"DROP DATABASE IF EXISTS {db}",
            "-c",
            f"CREATE DATABASE {db}",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-i", "-q", "-s", str(max(clients, 4)), db],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            "pgbench",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            db,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def _worker(args):
    kind, member_ids, seconds, run = args
    django_setup()
    from django.db import connection

    from fanrepublic.members.models import User
    from fanrepublic.points.services import points_award, points_spend
    from fanrepublic.rewards.models import Reward
    from fanrepublic.rewards.services import reward_redeem

    members = list(User.objects.filter(pk__in=member_ids))
    reward = Reward.objects.get(slug="bench-reward") if kind == "redeem" else None
    done, i = 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        member = members[i % len(members)]
        key = f"bench:{run}:{kind}:{os.getpid()}:{i}"
        if kind == "redeem":
            reward_redeem(member=member, reward=reward, key=key)
        elif i % 2:
            points_spend(member=member, points=1, key=key, memo="bench spend")
        else:
            points_award(member=member, points=1, key=key, memo="bench award")
        done += 1
        i += 1
    connection.close()
    return done


def service_rate(kind: str, groups: list[list[int]], seconds: int, run: str) -> float:
    with multiprocessing.get_context("spawn").Pool(len(groups)) as pool:
        started = time.perf_counter()
        counts = pool.map(_worker, [(kind, g, seconds, run) for g in groups])
        elapsed = time.perf_counter() - started
    return sum(counts) / min(elapsed, seconds + 1)


def prepare(clients: int) -> dict:
    ensure_database()
    django_setup()
    from django.contrib.auth.models import Group

    from fanrepublic.members.models import User
    from fanrepublic.members.services import api_token_create
    from fanrepublic.points.services import points_award
    from fanrepublic.rewards.models import Reward

    members = []
    for n in range(clients * 4):
        user, _ = User.objects.get_or_create(
            username=f"ledger_bench_{n}", defaults={"email": f"lb{n}@bench.local"}
        )
        points_award(member=user, points=10**9, key=f"bench:fund:{user.pk}", memo="bench funding")
        members.append(user.pk)
    Reward.objects.update_or_create(
        slug="bench-reward",
        defaults={
            "name": "Bench voucher",
            "kind": "voucher",
            "price_points": 1,
            "stock": 10**9,
            "is_active": True,
        },
    )
    api_member = User.objects.get(pk=members[0])
    _t, secret = api_token_create(owner=api_member, name="bench", scopes=["read", "write"])
    operator, _ = User.objects.get_or_create(
        username="bench_integration", defaults={"email": "i@bench.local"}
    )
    operator.groups.add(Group.objects.get(name="operator"))
    return {"members": members, "token": secret}


def wrk_redeem(token: str, seconds: int) -> dict:
    script = ROOT / "benchmarks" / "redeem.lua"
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}/api/v1/rewards/bench-reward/redeem",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_TOKEN": token, "BENCH_RUN": str(time.time_ns())},
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    info = prepare(args.clients)
    run = str(time.time_ns())
    members = info["members"]
    groups = [members[i :: args.clients] for i in range(args.clients)]
    tps_pgbench = pgbench(args.clients, args.seconds)
    tx_spread = service_rate("post", groups, args.seconds, run)
    tx_hot = service_rate("post", [[members[0]]] * args.clients, args.seconds, run + "h")
    redeem = service_rate("redeem", groups, args.seconds, run)
    server = start_server()
    try:
        api = wrk_redeem(info["token"], args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = subprocess.run(
        [PY, "manage.py", "reconcile_ledger"], env=ENV, cwd=ROOT, capture_output=True, text=True
    )
    violations = 0 if check.returncode == 0 else len(check.stderr.strip().splitlines()) - 1

    def row(label, rate):
        return f"| {label} | {rate:.0f} | {100 * rate / tps_pgbench:.0f}% |"

    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {machine()}.",
        f"{args.clients} clients, {args.seconds} s per measurement, on the same PostgreSQL.",
        "",
        "| path | per second | vs pgbench TPC-B |",
        "| --- | ---: | ---: |",
        row(f"pgbench built-in TPC-B-like transactions ({args.clients} clients)", tps_pgbench),
        row("**ledger postings, service layer, spread wallets (the target: ≥ 50%)**", 2 * tx_spread),
        row("ledger transactions (two postings each), service layer, spread wallets", tx_spread),
        row("ledger transactions, service layer, one hot wallet", tx_hot),
        row("redemptions, service layer (stock + order + 2 postings)", redeem),
        row(
            f"redemptions through the API (wrk, 8 connections, one wallet; non-2xx: {api['errors']})",
            api["rps"],
        ),
        "",
        f"reconcile_ledger afterwards: {violations} violations"
        + ("" if check.returncode == 0 else f" — {check.stderr.strip()}"),
    ]
    report = "\n".join(lines)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "ledger.md").write_text(report + "\n")
    print(report)
    print(json.dumps({"pgbench": tps_pgbench, "tx": tx_spread, "hot": tx_hot, "redeem": redeem, "api": api}))


if __name__ == "__main__":
    main()
