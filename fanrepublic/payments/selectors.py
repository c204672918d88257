from django.db.models import Count, Q, Sum

from fanrepublic.core.errors import NotFound

from .enums import NoticeOutcome, PaymentStatus, RefundStatus
from .models import BillCheck, Payment, ProviderNotice, Refund
from .permissions import may_see_payment


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
