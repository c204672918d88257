from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Q, Sum

from fanrepublic.core.errors import NotFound
from fanrepublic.points.enums import Currency
from fanrepublic.points.selectors import wallet_account

from .enums import NoticeOutcome, PaymentStatus, PayoutState, RefundStatus
from .models import BillCheck, PayeeAccount, Payment, Payout, PayoutPolicy, ProviderNotice, Refund
from .permissions import may_see_payment, may_see_payout


def payment_for(*, viewer, reference: str) -> Payment:
    """The payment, to its member and to payment staff; 404 to anyone else."""
    payment = Payment.objects.filter(reference=reference).select_related("member").first()
    if payment is None or not may_see_payment(viewer, payment):
        raise NotFound()
    return payment


def payments_of(member):
    return Payment.objects.filter(member=member).prefetch_related("refunds")


def console_payments(*, status: str = "", query: str = ""):
    rows = Payment.objects.select_related("member").prefetch_related("refunds")
    if status in PaymentStatus.values:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(Q(reference__iexact=query) | Q(provider_trade_no__iexact=query))
    return rows


def console_totals() -> dict:
    totals = Payment.objects.aggregate(
        paid=Sum("amount_fen", filter=Q(status=PaymentStatus.PAID), default=0),
        refunded=Sum("refunded_fen", default=0),
        pending=Count("id", filter=Q(status=PaymentStatus.PENDING)),
        problems=Count("id", filter=~Q(problem="")),
    )
    totals["net"] = totals["paid"] - totals["refunded"]
    return totals


def notices_refused(limit: int = 50):
    return ProviderNotice.objects.exclude(
        outcome__in=(NoticeOutcome.ACCEPTED, NoticeOutcome.DUPLICATE)
    ).order_by("-received_at")[:limit]


def bill_checks(limit: int = 30):
    return BillCheck.objects.order_by("-checked_at")[:limit]


def failed_refunds(limit: int = 100):
    """Refunds the provider refused that nobody has sent again yet: money owed to a
    member, newest first."""
    return (
        Refund.objects.filter(status=RefundStatus.FAILED, replaced_by__isnull=True)
        .select_related("payment", "payment__member")
        .order_by("-created_at")[:limit]
    )


def refund_for_staff(*, reference: str) -> Refund:
    refund = Refund.objects.filter(reference=reference).select_related("payment").first()
    if refund is None:
        raise NotFound()
    return refund


# Payouts ---------------------------------------------------------------------------------


class PolicyInForce(NamedTuple):
    minimum_fen: int
    tax_rate: Decimal


def payout_policy() -> PolicyInForce:
    """The payout rules in force: (minimum payout in fen, tax rate withheld from
    royalties) — the operator's latest version on the payments console, or the settings
    (PAYOUT_MINIMUM_FEN, PAYOUT_ROYALTY_TAX_RATE) until there is one."""
    latest = PayoutPolicy.objects.order_by("-version").values_list("minimum_fen", "tax_rate").first()
    if latest is None:
        return PolicyInForce(settings.PAYOUT_MINIMUM_FEN, Decimal(settings.PAYOUT_ROYALTY_TAX_RATE))
    return PolicyInForce(int(latest[0]), Decimal(latest[1]))


def royalty_tax_rate() -> Decimal:
    """The share of a royalty payment withheld for the tax office now (0 <= rate < 1)."""
    return payout_policy().tax_rate


def payout_policies(limit: int = 50):
    return PayoutPolicy.objects.select_related("created_by").order_by("-version")[:limit]


def payees_of(member) -> list[PayeeAccount]:
    """The member's payout accounts now linked, one per provider at most."""
    return list(PayeeAccount.objects.filter(member=member, removed_at__isnull=True).order_by("provider"))


def payouts_of(member):
    return Payout.objects.filter(member=member)


def payout_for(*, viewer, reference: str) -> Payout:
    """The payout, to its member and to payment staff; 404 to anyone else."""
    payout = Payout.objects.filter(reference=reference[:40]).select_related("member").first()
    if payout is None or not may_see_payout(viewer, payout):
        raise NotFound()
    return payout


def wallet_balance_fen(member) -> int:
    """What the member's yuan wallet holds, in fen."""
    account = wallet_account(member=member, currency=Currency.CNY)
    return account.balance_minor if account is not None else 0


def in_transit_fen(member) -> int:
    return Payout.objects.filter(
        member=member, state__in=(PayoutState.REQUESTED, PayoutState.SENT)
    ).aggregate(total=Sum("amount_fen", default=0))["total"]


def console_payouts(*, state: str = "", query: str = ""):
    rows = Payout.objects.select_related("member")
    if state in PayoutState.values:
        rows = rows.filter(state=state)
    if query:
        rows = rows.filter(Q(reference__iexact=query) | Q(provider_no__iexact=query))
    return rows


def payouts_needing_attention(limit: int = 100):
    """Payouts on their way that the providers have not taken after every automatic send,
    or whose last answer was a problem: for staff to ask again or return."""
    return (
        Payout.objects.filter(state__in=(PayoutState.REQUESTED, PayoutState.SENT))
        .filter(Q(attempts__gte=settings.PAYOUT_MAX_SENDS) | ~Q(problem=""))
        .select_related("member")
        .order_by("created_at")[:limit]
    )


def console_payout_totals() -> dict:
    return Payout.objects.aggregate(
        paid_out=Sum("amount_fen", filter=Q(state=PayoutState.DONE), default=0),
        in_flight=Sum("amount_fen", filter=Q(state__in=(PayoutState.REQUESTED, PayoutState.SENT)), default=0),
        failed=Count("id", filter=Q(state=PayoutState.FAILED)),
    )
