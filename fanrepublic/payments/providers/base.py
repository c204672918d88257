"""The one interface every payment provider speaks (WeChat Pay v3, Alipay, the demo's).

A provider turns our Payment into the provider's trade and back: create it, read a
notification (checking its signature and age), ask about it, close it, refund it, and
download a day's bill; and it pays a member's Payout out to their account (transfer,
query_transfer). It never writes our tables: payments.services and payments.payouts do,
with what a provider reports, whichever way the report arrived."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


class ProviderError(Exception):
    """The provider could not be reached or refused the call; nothing changed here."""


class NoticeRefused(Exception):
    """A notification that must have no effect. `outcome` is a NoticeOutcome value."""

    def __init__(self, outcome: str, detail: str = ""):
        self.outcome = outcome
        self.detail = detail
        super().__init__(f"{outcome}: {detail}")


# What a provider says of a trade.
TRADE_PAID = "paid"
TRADE_WAITING = "waiting"  # created, not (yet) paid
TRADE_CLOSED = "closed"  # closed or cancelled unpaid
TRADE_UNKNOWN = "unknown"  # the provider has no such trade

REFUND_DONE = "done"
REFUND_PROCESSING = "processing"
REFUND_FAILED = "failed"
# The provider took the refund but could not pay it out (WeChat Pay's ABNORMAL: the
# payer's card is closed): not final — it is settled at the provider (to the payer's
# balance, or by hand), so it must never be sent again from here.
REFUND_ABNORMAL = "abnormal"
REFUND_UNKNOWN = "unknown"  # the provider has no such refund (not received, or not yet)

# What a provider says of a transfer to a member (a payout).
TRANSFER_DONE = "done"
TRANSFER_PROCESSING = "processing"  # taken, not final (WeChat: also waiting for the member)
TRANSFER_FAILED = "failed"  # final: no money left, and none will under this number
TRANSFER_UNKNOWN = "unknown"  # the provider has no such transfer (not received, or not yet)


@dataclass(frozen=True)
class TradeState:
    reference: str
    state: str
    trade_no: str = ""
    amount_fen: int | None = None
    paid_at: datetime.datetime | None = None


@dataclass(frozen=True)
class RefundState:
    reference: str  # our refund number
    state: str
    refund_no: str = ""
    amount_fen: int | None = None


@dataclass(frozen=True)
class TransferState:
    reference: str  # our payout reference (out_bill_no / out_biz_no)
    state: str
    transfer_no: str = ""  # the provider's number for it
    reason: str = ""  # failed: the provider's reason code
    provider_state: str = ""  # the provider's own word for the state, for the console
    # WeChat Pay's WAIT_USER_CONFIRM: what the member's WeChat needs to show the page
    # where they confirm receipt.
    package_info: str = ""
    amount_fen: int | None = None


@dataclass(frozen=True)
class Notice:
    """A notification that passed the provider's checks: its id and what it reports
    (exactly one of `trade`, `refund` and `transfer`)."""

    notice_id: str
    kind: str
    trade: TradeState | None = None
    refund: RefundState | None = None
    transfer: TransferState | None = None

    @property
    def reference(self) -> str:
        found = self.trade or self.refund or self.transfer
        return found.reference if found else ""


@dataclass(frozen=True)
class BillLine:
    """One line of a provider's daily bill: a payment (positive) or a refund."""

    reference: str  # our payment reference (out_trade_no)
    trade_no: str
    kind: str  # "payment" or "refund"
    amount_fen: int
    refund_reference: str = ""


@dataclass(frozen=True)
class Checkout:
    """Where the member pays: `url` (shown as a QR code when `scan` is true)."""

    url: str
    scan: bool = False
    trade_no: str = ""


class Provider:
    code: str = ""
    # Whether its money is real: the demo provider's is not, and every page that shows a
    # payment through it says so.
    real_money: bool = True

    def create(self, payment, *, description: str) -> Checkout:
        raise NotImplementedError

    def read_notice(self, *, headers, body: bytes, params: dict) -> Notice:
        """Check and read one notification; raise NoticeRefused when it must do nothing."""
        raise NotImplementedError

    def acknowledge(self, ok: bool):
        """The HTTP answer the provider expects (it retries until it reads success)."""
        raise NotImplementedError

    def query(self, payment) -> TradeState:
        raise NotImplementedError

    def close(self, payment) -> None:
        raise NotImplementedError

    def refund(self, refund) -> RefundState:
        raise NotImplementedError

    def refund_many(self, refunds) -> list[RefundState | ProviderError]:
        """Send several refunds: for each, its state or the error that kept it back (one
        refund the provider cannot take now does not hold back the others). The WeChat
        and Alipay APIs take one refund per call; a provider with a batch call overrides
        this."""
        answers: list[RefundState | ProviderError] = []
        for refund in refunds:
            try:
                answers.append(self.refund(refund))
            except ProviderError as exc:
                answers.append(exc)
            except Exception as exc:  # a reply it could not read: this refund only, asked again later
                answers.append(ProviderError(f"unreadable answer: {exc!r}"[:200]))
        return answers

    def query_refund(self, refund) -> RefundState:
        raise NotImplementedError

    def daily_bill(self, day: datetime.date) -> list[BillLine]:
        raise NotImplementedError

    # Payouts ---------------------------------------------------------------------------

    # The smallest transfer the provider makes (WeChat Pay 0.30 yuan, Alipay 0.10 yuan).
    minimum_transfer_fen: int = 1

    @classmethod
    def payouts_configured(cls) -> bool:
        """Whether this installation has what the provider's transfers need."""
        return False

    def transfer(self, payout) -> TransferState:
        """Pay the payout out to `payout.payee_identifier`. The same payout sent again
        (same reference, same fields) is the same transfer at the provider. Raises
        ProviderError when the provider could not be reached or its answer does not say
        what became of the transfer: then nothing is known, and it is asked later."""
        raise NotImplementedError

    def query_transfer(self, payout) -> TransferState:
        """What the provider says of the payout's transfer (TRANSFER_UNKNOWN: it has
        none under this reference). Raises ProviderError when it cannot be asked."""
        raise NotImplementedError
