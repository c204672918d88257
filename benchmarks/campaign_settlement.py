"""Refunding every backer of a failed campaign through the ledger, next to pgbench's
TPC-B in the same run.

    .venv/bin/python benchmarks/campaign_settlement.py [--backers 100000] [--pgbench-seconds 15]

(PostgreSQL at 127.0.0.1:5432 and pgbench installed, as for run_all.py.)

1. creates/migrates `fanrepublic_bench`, loads --backers members `cb_<n>`;
2. an operator opens a campaign (campaigns.services) whose goal cannot be met, and the
   members' held deposits are loaded in bulk exactly as the services leave them — a paid
   payment through the demo's offline provider (and the provider's own trade), a held
   backing, the ledger transaction "payments:<reference>:paid" (provider +, escrow −) —
   with INSERT ... SELECT FROM generate_series (paying 100,000 deposits one by one
   through the services would take most of an hour and is not what is measured);
3. the deadline passes; campaigns.services.campaign_settle decides the campaign (failed:
   every backing to "refunding", every backer notified) — timed on its own — and then
   campaigns.services.refunds_request refunds every deposit through payments, 500 at a
   time (the refund rows, the provider's refunds, a ledger transaction of two postings
   each, the backings marked refunded: a few statements per batch, one database
   transaction to record a batch and one to apply the provider's answers) — timed:
   postings/s;
4. pgbench TPC-B (scale 4) with 1 and with 8 clients on a fresh database, same machine,
   same run;
5. checks: every payment refunded in full exactly once, the campaign's escrow and the
   provider's account back to zero for it, reconcile_ledger clean, the demo provider's
   bill for today reconciled with no difference.
Writes benchmarks/results/campaign_settlement.md and prints it.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from flash import django_setup  # noqa: E402
from ledger import pgbench  # noqa: E402
from run_all import ensure_database, machine, member_fill  # noqa: E402

DEPOSIT = 50_000
CLEAN = (
    "every payment refunded in full exactly once, escrow zero, reconcile_ledger clean, "
    "the provider's bill reconciled"
)


def load(backers: int):
    from django.db import connection
    from django.utils import timezone

    from fanrepublic.campaigns.services import campaign_create, campaign_open, escrow_account
    from fanrepublic.members.models import User
    from fanrepublic.payments.services import provider_account

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'members_user' AND is_nullable = 'NO' AND column_default IS NULL "
            "AND column_name <> 'id'"
        )
        columns = cursor.fetchall()
        names = ", ".join(c for c, _t in columns)
        values = ", ".join(member_fill(c, t, "cb") for c, t in columns)
        cursor.execute(
            f"INSERT INTO members_user ({names}) SELECT {values} FROM generate_series(1, %s) AS n "
            "ON CONFLICT DO NOTHING",
            [backers],
        )
    operator = User.objects.filter(username="cb_operator").first() or User.objects.create_user(
        username="cb_operator", email="cb_operator@bench.local", password=None, is_superuser=True
    )
    now = timezone.now()
    campaign = campaign_open(
        actor=operator,
        campaign=campaign_create(
            actor=operator,
            title=f"Settlement bench {time.time():.0f}",
            product="Band 9",
            description="Benchmark",
            unit_price_fen=DEPOSIT * 4,
            deposit_fen=DEPOSIT,
            goal_units=backers * 10,  # cannot be met
            per_member_limit=1,
            opens_at=now - datetime.timedelta(days=3),
            closes_at=now + datetime.timedelta(days=1),
        ),
    )
    provider = provider_account("offline").resolve()
    escrow = escrow_account(campaign).resolve()
    tag = f"FRB{campaign.pk:05d}"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO payments_payment (reference, provider, member_id, amount_fen, description, status,
              purpose_type, purpose_id, ledger_account, ledger_account_kind, checkout_url, provider_trade_no,
              refunded_fen, problem, created_at, expires_at, paid_at)
            SELECT %(tag)s || lpad(n::text, 9, '0'), 'offline', u.id, %(dep)s, 'Deposit: Band 9 × 1', 'paid',
              'campaigns.backing', '', %(escrow)s, 'escrow', '', 'DEMOB' || %(tag)s || n, 0, '',
              now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'
            FROM generate_series(1, %(n)s) AS n JOIN members_user u ON u.username = 'cb_' || n
            """,
            {"tag": tag, "dep": DEPOSIT, "escrow": escrow.code, "n": backers},
        )
        cursor.execute(
            """
            INSERT INTO payments_offlinetrade (reference, trade_no, amount_fen, paid_at, closed, created_at)
            SELECT reference, provider_trade_no, amount_fen, paid_at, false, created_at
            FROM payments_payment WHERE reference LIKE %(like)s
            """,
            {"like": tag + "%"},
        )
        cursor.execute(
            """
            INSERT INTO campaigns_backing (campaign_id, member_id, units, deposit_fen, status, payment_id,
              created_at, held_at)
            SELECT %(c)s, p.member_id, 1, p.amount_fen, 'held', p.id, p.created_at, p.paid_at
            FROM payments_payment p WHERE p.reference LIKE %(like)s
            """,
            {"c": campaign.pk, "like": tag + "%"},
        )
        cursor.execute(
            """
            UPDATE payments_payment p SET purpose_id = b.id::text FROM campaigns_backing b
            WHERE b.payment_id = p.id AND p.reference LIKE %(like)s
            """,
            {"like": tag + "%"},
        )
        cursor.execute(
            """
            INSERT INTO points_transaction (idempotency_key, kind, memo, object_type, object_id, created_at)
            SELECT 'payments:' || reference || ':paid', 'payment', 'Payment ' || reference || ' (offline)',
              'payments.payment', id::text, paid_at
            FROM payments_payment WHERE reference LIKE %(like)s
            """,
            {"like": tag + "%"},
        )
        cursor.execute(
            """
            INSERT INTO points_posting (transaction_id, account_id, currency, amount_minor, created_at)
            SELECT t.id, a.account_id, 'CNY', a.sign * %(dep)s, t.created_at
            FROM points_transaction t
            CROSS JOIN (VALUES (%(provider)s, 1), (%(escrow)s, -1)) AS a(account_id, sign)
            WHERE t.idempotency_key LIKE %(like)s
            """,
            {"dep": DEPOSIT, "provider": provider.pk, "escrow": escrow.pk, "like": f"payments:{tag}%"},
        )
    from fanrepublic.campaigns.models import Campaign

    Campaign.objects.filter(pk=campaign.pk).update(
        backer_count=backers,
        units_held=backers,
        deposits_held_fen=backers * DEPOSIT,
        closes_at=now - datetime.timedelta(hours=2),
    )
    campaign.refresh_from_db()
    return campaign, tag


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backers", type=int, default=100_000)
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    args = parser.parse_args()
    ensure_database()
    django_setup()
    from django.core.management import call_command
    from django.db.models import Count, Sum
    from django.utils import timezone

    from fanrepublic.campaigns import services
    from fanrepublic.campaigns.models import Backing
    from fanrepublic.payments.models import Payment, Refund
    from fanrepublic.payments.reconcile import bill_check
    from fanrepublic.points.models import Posting

    t0 = time.perf_counter()
    campaign, tag = load(args.backers)
    loaded = time.perf_counter() - t0
    print(f"loaded {args.backers} held deposits in {loaded:.0f} s")

    real_refunds = services.refunds_request
    services.refunds_request = lambda **kw: 0  # timed on its own below
    t1 = time.perf_counter()
    settled = services.campaign_settle(campaign=campaign)
    decide = time.perf_counter() - t1
    services.refunds_request = real_refunds
    print(f"decided ({settled.status}) in {decide:.1f} s")
    t2 = time.perf_counter()
    started_at = timezone.now()
    services.refunds_request(campaign=settled)
    refunding = time.perf_counter() - t2
    refunds = Refund.objects.filter(payment__reference__startswith=tag)
    posting_count = Posting.objects.filter(
        transaction__kind="refund", transaction__created_at__gte=started_at
    ).count()
    rate = posting_count / refunding
    print(f"refunded in {refunding:.1f} s: {posting_count} postings, {rate:.0f}/s")

    problems = []
    once = refunds.values("payment").annotate(n=Count("id")).filter(n__gt=1).count()
    if once:
        problems.append(f"{once} payments refunded more than once")
    unpaid_back = Payment.objects.filter(reference__startswith=tag).exclude(refunded_fen=DEPOSIT).count()
    if unpaid_back:
        problems.append(f"{unpaid_back} payments not refunded in full")
    left = Backing.objects.filter(campaign=campaign).exclude(status="refunded").count()
    if left:
        problems.append(f"{left} backings not marked refunded")
    escrow = Posting.objects.filter(account__code=f"campaign:{campaign.pk}:escrow:CNY").aggregate(
        t=Sum("amount_minor")
    )
    if escrow["t"]:
        problems.append(f"escrow holds {escrow['t']}")
    try:
        call_command("reconcile_ledger", verbosity=0)
    except Exception as exc:  # the command exits non-zero with a report
        problems.append(f"reconcile_ledger: {exc}")
    check = bill_check(provider_code="offline", day=timezone.localdate())
    # This run's payments and refunds only: an earlier run cut short leaves its own
    # differences in the same day's bill (refunds the provider made that were never
    # applied here), which the periodic check settles.
    ours = {tag} | set(refunds.values_list("reference", flat=True))
    mine = [d for d in check.differences if d["reference"] in ours or d["reference"].startswith(tag)]
    if check.error or mine:
        problems.append(f"bill: {check.error or mine[:3]}")

    tps1 = pgbench(1, args.pgbench_seconds)
    tps8 = pgbench(8, args.pgbench_seconds)
    text = "\n".join(
        [
            "# Campaign settlement: refunding every backer (benchmarks/campaign_settlement.py)",
            "",
            f"Machine: {machine()}",
            f"{args.backers} backers of a failed campaign, one deposit each (¥{DEPOSIT // 100}), refunded "
            "through payments and the ledger by one process (the settle task), the demo's provider.",
            "",
            "| step | time | rate |",
            "| --- | --- | --- |",
            f"| deciding (status, every backing to refunding, {args.backers} notifications, "
            "their emails sent in-process as the embedded stack does) "
            f"| {decide:.1f} s | |",
            f"| refunding, 500 a batch (refund rows, provider refunds, ledger transactions, backings) "
            f"| {refunding:.1f} s | "
            f"{args.backers / refunding:.0f} refunds/s, **{rate:.0f} postings/s** |",
            f"| pgbench TPC-B, 1 client, same run | {args.pgbench_seconds} s | {tps1:.0f} transactions/s |",
            f"| pgbench TPC-B, 8 clients, same run | {args.pgbench_seconds} s | {tps8:.0f} transactions/s |",
            "",
            f"Refund ledger transactions/s ÷ pgbench TPC-B transactions/s, 1 client: "
            f"{args.backers / refunding / tps1:.2f}. "
            f"Checks: {'; '.join(problems) or CLEAN}.",
            "",
        ]
    )
    out = ROOT / "benchmarks" / "results" / "campaign_settlement.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
