"""The users' court's jury draw from a pool of a million senior fans, and its recount.

    .venv/bin/python benchmarks/court_draw.py [--fans 1000000]

(PostgreSQL at 127.0.0.1:5432, as for run_all.py.)

1. Database `fanrepublic_bench_court` (made and migrated here): --fans senior fans (trust
   level 3, members for 800 days) loaded with one INSERT ... SELECT; 20 legal staff; a
   claimant whose purchase was made in a store where 2,000 of the fans bought the same week;
   a jury of 12 fans on an earlier case of the claimant's; 300 fans who sat on the year's
   limit of juries. Those 2,312 conflicts are what the pool query must leave out.
2. The draw, timed end to end through the service (`services.jury_draw`): the pool query
   with every conflict check, a pseudonym (HMAC-SHA256) per member, the digest, every
   ticket (SHA-256) and the order, the published pool gzip-compressed, the juror rows.
3. The published file (`draw.json`, as the page serves it) and the recount a member runs:
   `manage.py recount_jury_draw draw.json`, timed as a separate process.
4. Baselines in the same run: a SELECT of the same pool's ids without the conflict checks,
   and the rule's hashing alone (one HMAC-SHA256 and one SHA-256 per member) in plain
   Python.
Writes benchmarks/results/court_draw.md and prints it.
"""

import argparse
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import ENV, PY, machine, member_fill  # noqa: E402
from trust import django_setup, psql  # noqa: E402

DB = "fanrepublic_bench_court"
SAME_WEEK_BUYERS = 2_000
BUSY = 300


def prepare_database(fans: int) -> float:
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname='{DB}'") == "1":
        psql("postgres", f"DROP DATABASE {DB} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {DB}")
    env = {**ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    columns = psql(
        DB,
        "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
        "FROM information_schema.columns WHERE table_name = 'members_user' AND is_nullable = 'NO' "
        "AND column_default IS NULL AND column_name <> 'id'",
    ).split(",")
    names = [entry.split(":", 1)[0] for entry in columns]
    values = [
        "3" if name == "trust_level" else "now() - interval '800 days'" if name == "date_joined" else fill
        for name, fill in zip(
            names, [member_fill(*entry.split(":", 1), "cf") for entry in columns], strict=True
        )
    ]
    started = time.perf_counter()
    psql(
        DB,
        f"INSERT INTO members_user ({', '.join(names)}) SELECT {', '.join(values)} "
        f"FROM generate_series(1, {fans}) n",
    )
    psql(DB, "ANALYZE members_user")
    return time.perf_counter() - started


def conflicts():
    """The claimant, their purchase and its same-week buyers, an earlier jury of theirs,
    the fans at the year's limit; 20 legal staff and a clerk."""
    from django.utils import timezone

    from fanrepublic.court import draw, services
    from fanrepublic.court.models import Case, Juror, JuryDraw
    from fanrepublic.members.models import User
    from fanrepublic.members.tests.factories import MemberFactory, legal
    from fanrepublic.stores.models import Order
    from fanrepublic.stores.tests.factories import OrderFactory, StoreFactory

    for _ in range(20):
        legal()
    clerk = legal(username="bench_clerk")
    claimant = MemberFactory(username="bench_claimant")
    bought = OrderFactory(member=claimant, store=StoreFactory())
    fan_ids = list(
        User.objects.filter(username__startswith="cf_").order_by("pk").values_list("pk", flat=True)[:3000]
    )
    Order.objects.bulk_create(
        Order(
            integration=bought.integration,
            store=bought.store,
            member_id=pk,
            external_id=f"W{n}",
            channel=bought.channel,
            occurred_at=bought.occurred_at,
            currency="CNY",
            total=bought.total,
            fingerprint=f"{n:064x}",
        )
        for n, pk in enumerate(fan_ids[:SAME_WEEK_BUYERS])
    )
    now = timezone.now()
    earlier = Case.objects.create(
        number="2026-90001",
        claimant=claimant,
        title="Earlier",
        account="x" * 40,
        remedy_sought="x",
        filed_at=now - timedelta(days=100),
        status="closed",
    )
    record = JuryDraw.objects.create(
        case=earlier,
        seed="0" * 64,
        pseudonym_key="0" * 64,
        commitment=draw.commitment("0" * 64),
        committed_at=now - timedelta(days=99),
        fans_wanted=10,
        legal_wanted=2,
        drawn_at=now - timedelta(days=98),
    )
    rows = [
        Juror(
            draw=record,
            member_id=pk,
            kind="fan",
            position=n + 1,
            pseudonym=f"{n:016x}",
            state="accepted",
            invited_at=record.drawn_at,
        )
        for n, pk in enumerate(fan_ids[SAME_WEEK_BUYERS : SAME_WEEK_BUYERS + 12])
    ]
    busy = fan_ids[SAME_WEEK_BUYERS + 12 : SAME_WEEK_BUYERS + 12 + BUSY]
    for turn in range(3):
        other = Case.objects.create(
            number=f"2026-9100{turn}",
            claimant=MemberFactory(),
            title="Other",
            account="x" * 40,
            remedy_sought="x",
            filed_at=now - timedelta(days=90),
            status="closed",
        )
        past = JuryDraw.objects.create(
            case=other,
            seed="1" * 64,
            pseudonym_key="1" * 64,
            commitment=draw.commitment("1" * 64),
            committed_at=now - timedelta(days=89),
            fans_wanted=10,
            legal_wanted=2,
            drawn_at=now - timedelta(days=88),
        )
        rows += [
            Juror(
                draw=past,
                member_id=pk,
                kind="fan",
                position=n + 1,
                pseudonym=f"{n:016x}",
                state="accepted",
                invited_at=past.drawn_at,
            )
            for n, pk in enumerate(busy)
        ]
    Juror.objects.bulk_create(rows, batch_size=2000)
    case = services.case_file(
        claimant=claimant,
        title="Burned-in screen",
        account="The screen burned in after three months of use.",
        remedy_sought="Replace the phone.",
        order=bought,
    )
    return services.case_admit(actor=clerk, case=case), clerk


def hashing_baseline(fans: int, *, pseudonyms: bool) -> float:
    """The rule's hashing alone: a ticket (SHA-256) per member, and for the draw also the
    pseudonym (HMAC-SHA256) — the recount reads the pseudonyms from the file."""
    key = bytes(32)
    started = time.perf_counter()
    for pk in range(fans):
        name = (
            hmac.new(key, f"2026-00001:{pk}".encode(), hashlib.sha256).hexdigest()[:16]
            if pseudonyms
            else f"{pk:016x}"
        )
        hashlib.sha256(f"{'0' * 64}:2026-00001:1:{'0' * 64}:{name}".encode()).hexdigest()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fans", type=int, default=1_000_000)
    args = parser.parse_args()
    loaded = prepare_database(args.fans)
    os.environ["EMAIL_URL"] = "dummymail://"  # the notices are composed, not printed
    django_setup(DB)
    from django.db import connection

    from fanrepublic.court import selectors, services

    case, clerk = conflicts()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT id FROM members_user WHERE is_active AND trust_level >= 3 "
            "AND date_joined <= now() - interval '365 days'"
        )
        plain = len(cursor.fetchall())
        select_seconds = time.perf_counter() - started
    started = time.perf_counter()
    record = services.jury_draw(actor=clerk, case=case)
    draw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    published = selectors.draw_published(record)
    text = json.dumps(published, ensure_ascii=False, indent=1)
    file_seconds = time.perf_counter() - started
    path = ROOT / "var" / "bench-draw.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    env = {**ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}"}
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", "recount_jury_draw", str(path)], check=True, env=env, cwd=ROOT)
    recount_seconds = time.perf_counter() - started
    hashing = hashing_baseline(record.fans_in_pool, pseudonyms=True)
    tickets = hashing_baseline(record.fans_in_pool, pseudonyms=False)
    excluded = plain - record.fans_in_pool
    lines = [
        "# The users' court: a jury drawn from a million senior fans",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Command: `.venv/bin/python benchmarks/court_draw.py --fans {args.fans}`",
        "",
        f"- Loaded {args.fans:,} senior fans in {loaded:.1f} s.",
        f"- Pool: {record.fans_in_pool:,} senior fans and {record.legal_in_pool} legal staff; "
        f"{excluded:,} fans left out by the conflict checks (same-week buyers, the claimant's earlier "
        "jury, the year's limit).",
        "",
        "| Step | Seconds | Baseline in the same run |",
        "| --- | ---: | --- |",
        f"| the draw, end to end (`services.jury_draw`) | {draw_seconds:.1f} | "
        "the pool's ids without conflict "
        f"checks: {select_seconds:.2f} s; the rule's hashing alone in Python: {hashing:.1f} s |",
        f"| the published file (`draw.json`, {len(text) / 2**20:.0f} MiB) | {file_seconds:.1f} | |",
        "| the recount a member runs (`manage.py recount_jury_draw`, a new process) "
        f"| {recount_seconds:.1f} | "
        f"the tickets' hashing alone: {tickets:.1f} s |",
        "",
        f"The published pool is stored gzip-compressed: {len(bytes(record.pool)) / 2**20:.1f} MiB.",
    ]
    report = "\n".join(lines) + "\n"
    out = ROOT / "benchmarks" / "results" / "court_draw.md"
    out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
