"""A provider's daily bill against our payments, refunds and the ledger: every line of
the bill must be a payment or refund recorded here with the same amount and its ledger
posting, and everything recorded here as paid or refunded that day must be in the bill."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Sum

from fanrepublic.points.models import Posting

from .enums import PaymentStatus, RefundStatus
from .models import BillCheck, Payment, Refund
from .providers import base, registry

CHINA = ZoneInfo("Asia/Shanghai")


def _day_bounds(day: datetime.date):
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=CHINA)
    return start, start + datetime.timedelta(days=1)


CHUNK = 2000  # keys per query: a day's bill can hold 100,000 lines (SQLite takes 32,766 parameters)


def _chunks(values) -> list[list]:
    values = list(values)
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


def _posted(keys, provider_code: str) -> dict[str, int]:
    """What each ledger transaction (by key) put on the provider's account; a key with
    no transaction is absent. A query per CHUNK keys, not one per bill line."""
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        rows = (
            Posting.objects.filter(
                transaction__idempotency_key__in=chunk, account__code=f"system:provider-{provider_code}:CNY"
            )
            .values("transaction__idempotency_key")
            .annotate(total=Sum("amount_minor"))
            .values_list("transaction__idempotency_key", "total")
        )
        found.update(rows)
    return found


def bill_differences(provider_code: str, day: datetime.date, lines: list[base.BillLine]) -> list[dict]:
    start, end = _day_bounds(day)
    differences = []

    def differ(kind, reference, problem, bill=None, ours=None, ledger=None):
        differences.append(
            {
                "kind": kind,
                "reference": reference,
                "problem": problem,
                "bill_fen": bill,
                "ours_fen": ours,
                "ledger_fen": ledger,
            }
        )

    billed_payments = {}
    billed_refunds = {}
    for line in lines:
        if line.kind == "payment":
            billed_payments[line.reference] = billed_payments.get(line.reference, 0) + line.amount_fen
        else:
            billed_refunds[line.refund_reference] = (
                billed_refunds.get(line.refund_reference, 0) + line.amount_fen
            )

    payments = {
        p.reference: p
        for chunk in _chunks(billed_payments)
        for p in Payment.objects.filter(provider=provider_code, reference__in=chunk)
    }
    paid_here = Payment.objects.filter(
        provider=provider_code, status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=end
    )
    for payment in paid_here:
        payments.setdefault(payment.reference, payment)
    posted = _posted((f"payments:{reference}:paid" for reference in payments), provider_code)
    for reference, payment in sorted(payments.items()):
        billed = billed_payments.get(reference)
        ours = payment.amount_fen if payment.status == PaymentStatus.PAID else None
        ledger = posted.get(f"payments:{reference}:paid")
        if billed is None:
            differ("payment", reference, "recorded as paid here, not in the bill", ours=ours, ledger=ledger)
        elif ours is None:
            differ("payment", reference, "in the bill, not recorded as paid here", bill=billed, ledger=ledger)
        elif billed != ours:
            differ("payment", reference, "amounts differ", bill=billed, ours=ours, ledger=ledger)
        elif ledger != ours:
            differ(
                "payment",
                reference,
                "the ledger does not hold this payment",
                bill=billed,
                ours=ours,
                ledger=ledger,
            )
    for reference in sorted(set(billed_payments) - set(payments)):
        differ("payment", reference, "in the bill, unknown here", bill=billed_payments[reference])

    refunds = {
        r.reference: r
        for chunk in _chunks(billed_refunds)
        for r in Refund.objects.filter(payment__provider=provider_code, reference__in=chunk)
    }
    for refund in Refund.objects.filter(
        payment__provider=provider_code,
        status=RefundStatus.SUCCEEDED,
        completed_at__gte=start,
        completed_at__lt=end,
    ):
        refunds.setdefault(refund.reference, refund)
    posted = _posted((f"payments:refund:{reference}" for reference in refunds), provider_code)
    for reference, refund in sorted(refunds.items()):
        billed = billed_refunds.get(reference)
        ours = refund.amount_fen if refund.status == RefundStatus.SUCCEEDED else None
        amount = posted.get(f"payments:refund:{reference}")
        ledger = -amount if amount is not None else None
        if billed is None:
            differ(
                "refund", reference, "recorded as refunded here, not in the bill", ours=ours, ledger=ledger
            )
        elif ours is None:
            differ(
                "refund", reference, "in the bill, not recorded as refunded here", bill=billed, ledger=ledger
            )
        elif billed != ours:
            differ("refund", reference, "amounts differ", bill=billed, ours=ours, ledger=ledger)
        elif ledger != ours:
            differ(
                "refund",
                reference,
                "the ledger does not hold this refund",
                bill=billed,
                ours=ours,
                ledger=ledger,
            )
    for reference in sorted(set(billed_refunds) - set(refunds)):
        differ("refund", reference, "in the bill, unknown here", bill=billed_refunds[reference])
    return differences


def bill_check(*, provider_code: str, day: datetime.date) -> BillCheck:
    """Download the day's bill, compare, and keep the result (also when it failed)."""
    try:
        lines = registry.provider(provider_code).daily_bill(day)
    except base.ProviderError as exc:
        return BillCheck.objects.create(provider=provider_code, bill_date=day, error=str(exc)[:200])
    return BillCheck.objects.create(
        provider=provider_code,
        bill_date=day,
        lines=len(lines),
        differences=bill_differences(provider_code, day, lines),
    )
