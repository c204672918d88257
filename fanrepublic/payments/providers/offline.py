"""The embedded demo's provider: no money moves. A member "pays" on the demo provider's
own page (payments:offline_pay, labelled as a demo), which records the trade in the
provider's own books (OfflineTrade) and reports it to payments.services exactly as a real
provider's notification would. Production settings refuse to start with it."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from ..enums import NoticeOutcome
from ..models import OfflineRefund, OfflineTrade
from . import base

CHINA = ZoneInfo("Asia/Shanghai")


class OfflineProvider(base.Provider):
    code = "offline"
    real_money = False

    def create(self, payment, *, description: str) -> base.Checkout:
        trade, _ = OfflineTrade.objects.get_or_create(
            reference=payment.reference,
            defaults={"trade_no": "DEMO" + secrets.token_hex(10).upper(), "amount_fen": payment.amount_fen},
        )
        return base.Checkout(
            url=reverse("payments:offline_pay", args=[payment.reference]), trade_no=trade.trade_no
        )

    def pay(self, reference: str) -> base.Notice:
        """The buyer pays on the demo page: the provider's books first, then its report."""
        with transaction.atomic():
            trade = OfflineTrade.objects.select_for_update().get(reference=reference)
            if trade.closed:
                raise base.ProviderError("the demo trade is closed")
            if trade.paid_at is None:
                trade.paid_at = timezone.now()
                trade.save(update_fields=["paid_at"])
        return base.Notice(notice_id=f"demo-{trade.trade_no}-paid", kind="paid", trade=self._state(trade))

    def read_notice(self, *, headers, body: bytes, params: dict) -> base.Notice:
        raise base.NoticeRefused(NoticeOutcome.FORGED, "the demo provider sends nothing over HTTP")

    def acknowledge(self, ok: bool):
        from django.http import HttpResponse

        return HttpResponse("ok" if ok else "refused", status=200 if ok else 400, content_type="text/plain")

    def _state(self, trade: OfflineTrade) -> base.TradeState:
        if trade.paid_at is not None:
            state = base.TRADE_PAID
        elif trade.closed:
            state = base.TRADE_CLOSED
        else:
            state = base.TRADE_WAITING
        return base.TradeState(
            reference=trade.reference,
            state=state,
            trade_no=trade.trade_no,
            amount_fen=trade.amount_fen,
            paid_at=trade.paid_at,
        )

    def query(self, payment) -> base.TradeState:
        trade = OfflineTrade.objects.filter(reference=payment.reference).first()
        if trade is None:
            return base.TradeState(reference=payment.reference, state=base.TRADE_UNKNOWN)
        return self._state(trade)

    def close(self, payment) -> None:
        OfflineTrade.objects.filter(reference=payment.reference, paid_at__isnull=True).update(closed=True)

    def refund(self, refund) -> base.RefundState:
        return self.refund_many([refund])[0]

    def refund_many(self, refunds) -> list[base.RefundState]:
        """The demo provider's books take a batch of refunds at once. Like a real
        provider it refuses a refund of an unpaid trade or beyond what is left of one,
        and answers a refund number it has seen with that refund."""
        references = [refund.reference for refund in refunds]
        with transaction.atomic():
            trades = {
                trade.reference: trade
                for trade in OfflineTrade.objects.select_for_update()
                .filter(reference__in={refund.payment.reference for refund in refunds})
                .order_by("pk")
            }
            done = {row.reference: row for row in OfflineRefund.objects.filter(reference__in=references)}
            refunded = dict(
                OfflineRefund.objects.filter(trade__in=trades.values())
                .values("trade_id")
                .annotate(total=Sum("amount_fen"))
                .values_list("trade_id", "total")
            )
            now = timezone.now()
            new = []
            for refund in refunds:
                trade = trades.get(refund.payment.reference)
                if refund.reference in done or trade is None or trade.paid_at is None:
                    continue
                if refunded.get(trade.pk, 0) + refund.amount_fen > trade.amount_fen:
                    continue
                refunded[trade.pk] = refunded.get(trade.pk, 0) + refund.amount_fen
                row = OfflineRefund(
                    trade=trade,
                    reference=refund.reference,
                    refund_no="DEMOR" + secrets.token_hex(10).upper(),
                    amount_fen=refund.amount_fen,
                    refunded_at=now,
                )
                new.append(row)
                done[row.reference] = row
            OfflineRefund.objects.bulk_create(new)
        return [
            base.RefundState(reference=refund.reference, state=base.REFUND_FAILED)
            if refund.reference not in done
            else base.RefundState(
                reference=refund.reference,
                state=base.REFUND_DONE,
                refund_no=done[refund.reference].refund_no,
                amount_fen=done[refund.reference].amount_fen,
            )
            for refund in refunds
        ]

    def query_refund(self, refund) -> base.RefundState:
        done = OfflineRefund.objects.filter(reference=refund.reference).first()
        if done is None:
            return base.RefundState(reference=refund.reference, state=base.REFUND_UNKNOWN)
        return base.RefundState(
            reference=refund.reference,
            state=base.REFUND_DONE,
            refund_no=done.refund_no,
            amount_fen=done.amount_fen,
        )

    def daily_bill(self, day: datetime.date) -> list[base.BillLine]:
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=CHINA)
        end = start + datetime.timedelta(days=1)
        lines = [
            base.BillLine(reference=t.reference, trade_no=t.trade_no, kind="payment", amount_fen=t.amount_fen)
            for t in OfflineTrade.objects.filter(paid_at__gte=start, paid_at__lt=end).order_by("paid_at")
        ]
        lines += [
            base.BillLine(
                reference=r.trade.reference,
                trade_no=r.trade.trade_no,
                kind="refund",
                amount_fen=r.amount_fen,
                refund_reference=r.reference,
            )
            for r in OfflineRefund.objects.filter(refunded_at__gte=start, refunded_at__lt=end)
            .select_related("trade")
            .order_by("refunded_at")
        ]
        return lines

    # Payouts: the demo provider "transfers" at once and keeps no books of them; its
    # transfer number follows from the payout's reference, so sending one again is the
    # same transfer. Asked about one, it knows none: the periodic check then sends it
    # again, which completes it.

    @classmethod
    def payouts_configured(cls) -> bool:
        return True

    def transfer(self, payout) -> base.TransferState:
        return base.TransferState(
            reference=payout.reference,
            state=base.TRANSFER_DONE,
            transfer_no="DEMOT" + hashlib.sha256(payout.reference.encode()).hexdigest()[:20].upper(),
            provider_state="DEMO",
            amount_fen=payout.amount_fen,
        )

    def query_transfer(self, payout) -> base.TransferState:
        return base.TransferState(reference=payout.reference, state=base.TRANSFER_UNKNOWN)
