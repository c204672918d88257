"""A month's royalty statements for 10,000 adopted ideas over 10,000,000 sales lines.

    .venv/bin/python benchmarks/royalties.py [--adoptions 10000] [--lines 10000000]
                                             [--repeats 3] [--database NAME] [--load-only]

(PostgreSQL at 127.0.0.1:5432, as for run_all.py.)

1. Data, in database `fanrepublic_bench_royalties` (made and migrated here; skipped when
   the rows are there): --adoptions authors, each with an adopted idea whose agreement
   they accepted a year ago and one SKU of their own; the shops' orders of one month
   (October 2026), four lines each, --lines lines in all, every line a SKU of an adopted
   idea, prices between 1 and 3,000 yuan; 1 % of the orders refunded in the same month
   (a line each, given back by a refund order). Loaded with INSERT … SELECT FROM
   generate_series; the order lines' secondary indexes are dropped for the load and
   built again after it; then VACUUM ANALYZE.
2. In this process, --repeats times, alternating:
   - the baseline: a plain GROUP BY of the same lines — each SKU's sales of the month in
     fen (`SELECT sku, sum(round(unit_price * 100) * quantity) … GROUP BY sku`), all rows
     fetched;
   - the statements: `ideas.services.statements_issue_for_month` for October — the
     cut-off lock, the one pass over the lines for every adoption, 10,000 statements,
     10,000 ledger credits to the authors' CNY wallets, events and notifications — in a
     transaction rolled back after the clock stops, so the next run does it again (and
     the script can be run again on the same data).
   The last run, before its rollback and off the clock, checks what it wrote: one
   statement per adoption, the statements' sales equal to the baseline's sums, the
   authors' wallets equal to what the statements credited.
Target: statements ≤ 3 × the GROUP BY (the medians). Writes
benchmarks/results/royalties.md and prints it.
"""

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as dt_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import ENV, PY, machine, member_fill  # noqa: E402
from trust import django_setup, psql  # noqa: E402

DB = "fanrepublic_bench_royalties"
PERIOD = date(2026, 10, 1)
MONTH_SQL = "timestamptz '2026-10-02 00:00+00' + random() * interval '27 days'"
LINES_PER_ORDER = 4
REFUND_SHARE = 0.01
TARGET_RATIO = 3.0


class Rollback(Exception):
    pass


def count(table: str, where: str = "") -> int:
    return int(psql(DB, f"SELECT count(*) FROM {table} {where}"))


def prepare_database() -> None:
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname='{DB}'") != "1":
        psql("postgres", f"CREATE DATABASE {DB}")
    env = {**ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)


def filled(table: str, special: dict[str, str], prefix: str) -> tuple[list[str], list[str]]:
    """Column names and SQL values over the series value n for a table's NOT NULL
    columns without a default: `special` first, a neutral value for the rest."""
    columns = psql(
        DB,
        "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
        f"FROM information_schema.columns WHERE table_name = '{table}' AND is_nullable = 'NO' "
        "AND column_default IS NULL AND column_name <> 'id'",
    ).split(",")
    names, values = [], []
    for entry in columns:
        name, data_type = entry.split(":", 1)
        names.append(name)
        values.append(special[name] if name in special else member_fill(name, data_type, prefix))
    for name, value in special.items():
        if name not in names:  # a nullable column the load fills
            names.append(name)
            values.append(value)
    return names, values


# Foreign keys are not checked row by row during the bulk loads (the rows are made to
# point at rows that exist): a tenth of the time.
FAST = "SET session_replication_role = replica; "


def load(adoptions: int, lines: int) -> None:
    from fanrepublic.ideas import services
    from fanrepublic.ideas.models import AgreementText
    from fanrepublic.insights.tests.factories import shop
    from fanrepublic.members.models import User
    from fanrepublic.members.tests.factories import operator
    from fanrepublic.products.tests.factories import ProductLineFactory

    boss = User.objects.filter(username="bench_operator").first() or operator(username="bench_operator")
    if not AgreementText.objects.exists():
        services.agreement_publish(
            actor=boss,
            body="The brand makes the product; the author is paid 1 % of net sales monthly.",
            body_zh="品牌生产该产品；作者每月获得净销售额的 1%。",
            rate="0.01",
        )
    agreement = AgreementText.objects.order_by("-version").first()
    product_line = ProductLineFactory()
    integration = shop()
    if count("members_user", "WHERE username LIKE 'ra\\_%'") < adoptions:
        print(f"loading {adoptions:,} authors, ideas and adoptions …", flush=True)
        names, values = filled("members_user", {}, "ra")
        psql(
            DB,
            f"INSERT INTO members_user ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM generate_series(1, {adoptions}) n",
        )
        first = int(psql(DB, "SELECT min(id) FROM members_user WHERE username LIKE 'ra\\_%'"))
        names, values = filled(
            "ideas_proposal",
            {
                "language": "'en'",
                "title": "'Idea ' || n",
                "status": "'adopted'",
                "target_price": "199",
                "author_id": f"{first} + n - 1",
                "product_line_id": str(product_line.pk),
                "expires_at": "now() + interval '1 year'",
            },
            "ra",
        )
        psql(
            DB,
            f"INSERT INTO ideas_proposal ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM generate_series(1, {adoptions}) n",
        )
        psql(
            DB,
            "INSERT INTO ideas_adoption (proposal_id, agreement_id, product_name, skus, rate, "
            "offered_by_id, offered_at, accepted_at) "
            f"SELECT p.id, {agreement.pk}, 'Product ' || p.id, jsonb_build_array('RB-' || p.id), 0.01, "
            f"{boss.pk}, now() - interval '1 year', now() - interval '1 year' "
            "FROM ideas_proposal p WHERE p.title LIKE 'Idea %'",
        )
        psql(
            DB,
            "INSERT INTO ideas_adoptionsku (adoption_id, sku) SELECT id, skus->>0 FROM ideas_adoption",
        )
    orders = lines // LINES_PER_ORDER
    have = count("stores_order", "WHERE external_id LIKE 'rb%'")
    if have < orders:
        indexes = psql(
            DB,
            "SELECT string_agg(indexname || '|' || indexdef, E'\\n') FROM pg_indexes "
            "WHERE tablename IN ('stores_orderline', 'stores_order') AND indexname NOT LIKE '%pkey' "
            "AND indexdef NOT LIKE '%UNIQUE%'",
        ).splitlines()
        for line in indexes:
            psql(DB, f"DROP INDEX IF EXISTS {line.split('|', 1)[0]}")
        skus = psql(DB, "SELECT min(id) || ',' || max(id) FROM ideas_adoption")
        low, high = (int(x) for x in skus.split(","))
        step = 500_000
        for start in range(have + 1, orders + 1, step):
            end = min(orders, start + step - 1)
            print(f"loading orders {start:,}–{end:,} and their lines …", flush=True)
            before = int(psql(DB, "SELECT coalesce(max(id), 0) FROM stores_order"))
            psql(
                DB,
                FAST + "INSERT INTO stores_order (external_id, kind, channel, occurred_at, currency, total, "
                "fingerprint, imported_at, integration_id) "
                f"SELECT 'rb' || g, 'sale', 'online', {MONTH_SQL}, 'CNY', 0, '', now(), {integration.pk} "
                f"FROM generate_series({start}, {end}) g",
            )
            psql(
                DB,
                FAST + "INSERT INTO stores_orderline (order_id, position, sku, description, quantity, "
                "unit_price, serial_number) "
                f"SELECT o.id, p, 'RB-' || ({low} + floor(random() * {high - low + 1}))::bigint, '', "
                "1 + floor(random() * 3)::int, round((1 + random() * 2999)::numeric, 2), '' "
                f"FROM stores_order o, generate_series(1, {LINES_PER_ORDER}) p "
                f"WHERE o.id > {before}",
            )
        refunds = int(orders * REFUND_SHARE)
        print(f"loading {refunds:,} refunds …", flush=True)
        psql(
            DB,
            "INSERT INTO stores_order (external_id, kind, channel, occurred_at, currency, total, "
            "fingerprint, imported_at, integration_id, refund_of_id) "
            "SELECT 'rf' || o.id, 'refund', 'online', o.occurred_at + interval '1 day', 'CNY', 0, '', "
            f"now(), {integration.pk}, o.id FROM stores_order o WHERE o.external_id LIKE 'rb%' "
            f"AND o.kind = 'sale' AND o.id % {round(1 / REFUND_SHARE)} = 0",
        )
        psql(
            DB,
            "INSERT INTO stores_orderline (order_id, position, sku, description, quantity, unit_price, "
            "serial_number, refunds_line_id) "
            "SELECT r.id, 1, l.sku, '', l.quantity, l.unit_price, '', l.id FROM stores_order r "
            "JOIN stores_orderline l ON l.order_id = r.refund_of_id AND l.position = 1 "
            "WHERE r.external_id LIKE 'rf%'",
        )
        for line in indexes:
            name, definition = line.split("|", 1)
            print(f"building {name} …", flush=True)
            psql(DB, definition)
    print("VACUUM ANALYZE …", flush=True)
    psql(DB, "VACUUM ANALYZE")


BASELINE_SQL = """
SELECT l.sku, sum(round(l.unit_price * 100) * l.quantity)
FROM stores_orderline AS l JOIN stores_order AS o ON o.id = l.order_id
WHERE o.kind = 'sale' AND o.currency = 'CNY'
  AND o.occurred_at >= %s AND o.occurred_at < %s
GROUP BY l.sku
"""


def month_window():
    from django.utils import timezone

    from fanrepublic.ideas.services import month_after

    zone = timezone.get_current_timezone()
    return (
        datetime.combine(PERIOD, dt_time.min, tzinfo=zone),
        datetime.combine(month_after(PERIOD), dt_time.min, tzinfo=zone),
    )


def baseline() -> tuple[float, dict[str, int]]:
    from django.db import connection

    start, end = month_window()
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [start, end])
        rows = cursor.fetchall()
    return time.perf_counter() - clock, {sku: int(total) for sku, total in rows}


def statements(*, sums: dict[str, int] | None = None) -> tuple[float, int, list[str]]:
    """One month's statements on the clock, then — given the baseline's `sums` — what they
    wrote checked; rolled back either way, so the next run (and the next time the script
    is run) issues them again."""
    from django.db import transaction

    from fanrepublic.ideas.services import statements_issue_for_month

    now = datetime.now(UTC)
    problems: list[str] = []
    try:
        with transaction.atomic():
            clock = time.perf_counter()
            issued = statements_issue_for_month(period=PERIOD, now=now)
            seconds = time.perf_counter() - clock
            if sums is not None:
                problems = check(sums)
            raise Rollback
    except Rollback:
        pass
    return seconds, issued, problems


def check(sums: dict[str, int]) -> list[str]:
    """What a run wrote, against the baseline's own sums."""
    from django.db.models import Sum

    from fanrepublic.ideas.models import Adoption, RoyaltyStatement
    from fanrepublic.points.models import Account

    problems = []
    adoptions = Adoption.objects.count()
    stated = RoyaltyStatement.objects.filter(period=PERIOD)
    if stated.count() != adoptions:
        problems.append(f"{stated.count()} statements for {adoptions} adoptions")
    by_sku = dict(stated.values_list("adoption__sku_rows__sku", "sales_fen"))
    wrong = [sku for sku, total in sums.items() if by_sku.get(sku) != total]
    if wrong:
        problems.append(f"{len(wrong)} statements' sales differ from the GROUP BY, e.g. {wrong[:3]}")
    credited = stated.aggregate(total=Sum("credited_fen"))["total"] or 0
    wallets = (
        Account.objects.filter(code__startswith="member:", code__endswith=":wallet:CNY").aggregate(
            total=Sum("balance_minor")
        )["total"]
        or 0
    )
    if credited != wallets:
        problems.append(f"wallets hold {wallets} fen, the statements credited {credited}")
    return problems


def main():
    global DB
    parser = argparse.ArgumentParser()
    parser.add_argument("--adoptions", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--database",
        default="fanrepublic_bench_royalties",
        help="another database for a trial run at a small size",
    )
    parser.add_argument("--load-only", action="store_true", help="load the data and stop")
    args = parser.parse_args()
    DB = args.database
    prepare_database()
    django_setup(DB)
    load(args.adoptions, args.lines)
    if args.load_only:
        return
    lines = int(psql(DB, "SELECT count(*) FROM stores_orderline WHERE sku LIKE 'RB-%'"))
    # As in a worker that has run before: the URL configuration (the notices link to the
    # statements' page) loaded once, not on the clock.
    from django.urls import reverse

    reverse("ideas:index")
    base_times, statement_times, problems = [], [], []
    for repeat in range(args.repeats):
        seconds, sums = baseline()
        base_times.append(seconds)
        print(f"GROUP BY: {seconds:.2f} s ({len(sums):,} SKUs)", flush=True)
        last = repeat == args.repeats - 1
        seconds, issued, problems = statements(sums=sums if last else None)
        statement_times.append(seconds)
        print(f"statements: {seconds:.2f} s ({issued:,})", flush=True)
    base, stated = statistics.median(base_times), statistics.median(statement_times)
    ratio = stated / base
    report = "\n".join(
        [
            "# A month's royalty statements",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
            "",
            f"{args.adoptions:,} adopted ideas, {lines:,} order lines of their SKUs in the month "
            f"(sales and {REFUND_SHARE:.0%} refunded orders); medians of {args.repeats} alternating runs.",
            "",
            "| what | median | runs |",
            "| --- | ---: | --- |",
            f"| plain GROUP BY of the month's lines by SKU (baseline) | {base:.2f} s | "
            + ", ".join(f"{t:.2f}" for t in base_times)
            + " |",
            f"| statements_issue_for_month: {issued:,} statements, credits, events, notices "
            f"| {stated:.2f} s | " + ", ".join(f"{t:.2f}" for t in statement_times) + " |",
            "",
            f"Statements ÷ GROUP BY: **{ratio:.2f} ×** (target ≤ {TARGET_RATIO:.0f} ×: "
            f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}).",
            "",
            "Checked in the last run, before its rollback: "
            + (
                "one statement per adoption, every statement's sales equal to the GROUP BY's sum "
                "for its SKU, the authors' wallets equal to what the statements credited."
                if not problems
                else "; ".join(problems)
            ),
            "",
        ]
    )
    out = ROOT / "benchmarks" / "results" / "royalties.md"
    out.write_text(report)
    print(report)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
