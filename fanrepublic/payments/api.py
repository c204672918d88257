from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from fanrepublic.core.api import Int
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, require_scope
from fanrepublic.members.enums import TokenScope

from . import payouts as payout_services
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


class PayoutOut(Schema):
    reference: str
    provider: str
    amount_fen: int
    state: str = Field(
        ..., description="requested, sent (on its way), done (paid out) or failed (returned to the wallet)"
    )
    provider_state: str
    waiting_for_member: bool = Field(
        ...,
        description="WeChat Pay waits for you to confirm receipt in WeChat (open the payout's page there).",
    )
    failure_code: str
    failure_text: str
    created_at: datetime
    completed_at: datetime | None


class PayoutRequestIn(Schema):
    provider: str = Field(..., max_length=10, description="wechat, alipay (or offline in the demo)")
    amount_fen: Int = Field(..., description="In fen: 100 fen = 1 yuan.")
    idempotency_key: str = Field(..., min_length=1, max_length=100)


@router.get("/payouts", response=list[PayoutOut], auth=MEMBER)
def payouts(request, offset: int = 0, limit: int = 50):
    """Your payouts of your yuan wallet, newest first."""
    member = require_scope(request, TokenScope.READ)
    offset = max(0, min(offset, 1_000_000))
    limit = max(1, min(limit, 200))
    return list(selectors.payouts_of(member)[offset : offset + limit])


@router.post("/payouts", response={201: PayoutOut, 200: PayoutOut}, auth=MEMBER)
def payout_request(request, payload: PayoutRequestIn, response: HttpResponse):
    """Pay part of your yuan wallet out to your linked account (link it on the Payouts
    page first). 201 when this request made the payout; the same idempotency_key again
    (also at the same time) makes nothing more and answers 200 with that payout and
    `Idempotent-Replayed: true`."""
    member = require_scope(request)
    payout = payout_services.payout_request(
        member=member,
        provider=payload.provider,
        amount=payload.amount_fen,
        key="api:" + payload.idempotency_key,
    )
    if payout.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, payout)
    return Status(201, payout)


@router.get("/payouts/{reference}", response=PayoutOut, auth=MEMBER)
def payout(request, reference: str):
    """One of your payouts."""
    member = require_scope(request, TokenScope.READ)
    found = selectors.payout_for(viewer=member, reference=reference[:40])
    if found.member_id != member.pk:
        raise NotFound()
    return found


@router.get("/{reference}", response=PaymentOut, auth=MEMBER)
def payment(request, reference: str):
    """One of your payments: its state, and where to pay while it waits."""
    member = require_scope(request, TokenScope.READ)
    return selectors.payment_for(viewer=member, reference=reference[:40])
