from datetime import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from fanrepublic.core.api import MEMBER, Id, Pages, require_member, require_scope
from fanrepublic.core.errors import NotFound
from fanrepublic.members.permissions import can_moderate
from fanrepublic.members.selectors import member_get_public

from . import selectors, services
from .models import EarningRule
from .rules import rule_save

router = Router(tags=["points"])


class WalletOut(Schema):
    balance: int
    expiring_soon: int
    expiring_soon_date: datetime | None
    earned_total: int
    spent_total: int
    pending: int


class HistoryItem(Schema):
    id: int
    points: int = Field(..., alias="amount_minor")
    kind: str = Field(..., alias="transaction.kind")
    reason: str = Field(..., alias="transaction.memo")
    transaction_id: int
    created_at: datetime = Field(..., alias="transaction.created_at")


class AdjustmentIn(Schema):
    member: str = Field(..., max_length=150)
    points: int = Field(..., ge=-1_000_000, le=1_000_000)
    reason: str = Field(..., max_length=500)
    idempotency_key: str = Field(..., min_length=1, max_length=100)


class AdjustmentOut(Schema):
    transaction_id: int
    balance: int


@router.get("/wallet", response=WalletOut, auth=MEMBER)
def wallet(request):
    return selectors.wallet_summary(member=require_member(request))


@router.get("/history", response=list[HistoryItem], auth=MEMBER)
@paginate(Pages, page_size=50)
def history(request):
    return selectors.wallet_history(member=require_member(request))


@router.post("/adjustments", response={201: AdjustmentOut}, auth=MEMBER)
def adjust(request, payload: AdjustmentIn):
    """Operators grant (positive) or deduct (negative) points with a reason; audited.
    The idempotency key makes a retried request count once."""
    actor = require_scope(request)
    if not can_moderate(actor):
        raise NotFound()
    member = member_get_public(username=payload.member)
    tx = services.points_adjust(
        actor=actor,
        member=member,
        points=payload.points,
        reason=payload.reason,
        key=f"api:{actor.pk}:{payload.idempotency_key}",
    )
    return Status(201, {"transaction_id": tx.pk, "balance": services.wallet_for(member).balance_minor})


class RuleOut(Schema):
    id: int
    name: str
    name_zh: str
    verb: str
    match_properties: dict
    points: int
    daily_cap: int | None
    monthly_cap: int | None
    is_active: bool


class RuleIn(Schema):
    name: str = Field(..., max_length=120)
    name_zh: str = Field("", max_length=120)
    verb: str = Field(..., max_length=100)
    match_properties: dict = Field(default_factory=dict)
    points: int = Field(..., ge=1, le=1_000_000)
    daily_cap: int | None = Field(None, ge=1, le=100_000)
    monthly_cap: int | None = Field(None, ge=1, le=1_000_000)
    is_active: bool = True


class RulePatch(Schema):
    points: int | None = Field(None, ge=1, le=1_000_000)
    daily_cap: int | None = Field(None, ge=1, le=100_000)
    monthly_cap: int | None = Field(None, ge=1, le=1_000_000)
    is_active: bool | None = None


def _staff(request):
    user = require_scope(request)
    if not can_moderate(user):
        raise NotFound()
    return user


@router.get("/rules", response=list[RuleOut], auth=MEMBER)
def list_rules(request):
    _staff(request)
    return list(EarningRule.objects.order_by("verb", "-points"))


@router.post("/rules", response={201: RuleOut}, auth=MEMBER)
def create_rule(request, payload: RuleIn):
    return Status(201, rule_save(actor=_staff(request), rule=None, data=payload.dict()))


@router.patch("/rules/{rule_id}", response=RuleOut, auth=MEMBER)
def change_rule(request, rule_id: Id, payload: RulePatch):
    actor = _staff(request)
    rule = EarningRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule_save(actor=actor, rule=rule, data=payload.dict(exclude_unset=True))
