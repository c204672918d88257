from datetime import datetime

from ninja import Router, Schema

from fanrepublic.members.api_auth import MEMBER, require_scope
from fanrepublic.members.enums import TokenScope

from . import selectors

router = Router(tags=["payments"])


class PaymentRefundOut(Schema):
    reference: str
    amount_fen: int
    status: str
    reason: str
    created_at: datetime
    completed_at: datetime | None


class PaymentOut(Schema):
    reference: str
    provider: str
    amount_fen: int
    refunded_fen: int
    description: str
    status: str
    checkout_url: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    refunds: list[PaymentRefundOut]

    @staticmethod
    def resolve_refunds(obj):
        return list(obj.refunds.all())

    @staticmethod
    def resolve_checkout_url(obj):
        # Only worth having while the payment waits: afterwards it leads nowhere.
        return obj.checkout_url if obj.status == "pending" else ""


@router.get("", response=list[PaymentOut], auth=MEMBER)
def payments(request, offset: int = 0, limit: int = 50):
    """Your payments, newest first (amounts in fen: 100 fen = 1 yuan)."""
    member = require_scope(request, TokenScope.READ)
    offset = max(0, min(offset, 1_000_000))
    limit = max(1, min(limit, 200))
    return list(selectors.payments_of(member)[offset : offset + limit])


@router.get("/{reference}", response=PaymentOut, auth=MEMBER)
def payment(request, reference: str):
    """One of your payments: its state, and where to pay while it waits."""
    member = require_scope(request, TokenScope.READ)
    return selectors.payment_for(viewer=member, reference=reference[:40])
