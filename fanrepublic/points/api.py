from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from fanrepublic.core.api import Id, Int, Pages, PatchSchema
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, require_member, require_scope
from fanrepublic.members.selectors import member_get_public

from . import permissions, selectors, services
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
    points: Int = Field(..., ge=-1_000_000, le=1_000_000)
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


@router.post("/adjustments", response={201: AdjustmentOut, 200: AdjustmentOut}, auth=MEMBER)
def adjust(request, payload: AdjustmentIn, response: HttpResponse):
    """Operators grant (positive) or deduct (negative) points with a reason; audited.
    The idempotency key makes a retried request count once: 201 for the request that
    posted it, 200 with `Idempotent-Replayed: true` for every retry."""
    actor = require_scope(request)
    if not permissions.can_manage_points(actor):
        raise NotFound()
    member = member_get_public(username=payload.member)
    tx = services.points_adjust(
        actor=actor,
        member=member,
        points=payload.points,
        reason=payload.reason,
        key=f"api:{actor.pk}:{payload.idempotency_key}",
    )
    body = {"transaction_id": tx.pk, "balance": services.wallet_for(member).balance_minor}
    if tx.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, body)
    return Status(201, body)


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
    pays_platform_events: bool
    trusted_integrations: list[str]

    @staticmethod
    def resolve_trusted_integrations(rule):
        return [i.slug for i in rule.trusted_integrations.all()]


class RuleIn(Schema):
    name: str = Field(..., max_length=120)
    name_zh: str = Field("", max_length=120)
    verb: str = Field(..., max_length=100)
    match_properties: dict = Field(default_factory=dict)
    points: Int = Field(..., ge=1, le=1_000_000)
    daily_cap: Int | None = Field(None, ge=1, le=100_000)
    monthly_cap: Int | None = Field(None, ge=1, le=1_000_000)
    is_active: bool = True
    pays_platform_events: bool = True
    trusted_integrations: list[str] = Field(default_factory=list, max_length=50)


class RulePatch(PatchSchema):
    NULLABLE = frozenset({"daily_cap", "monthly_cap"})

    points: Int | None = Field(None, ge=1, le=1_000_000)
    daily_cap: Int | None = Field(None, ge=1, le=100_000)
    monthly_cap: Int | None = Field(None, ge=1, le=1_000_000)
    is_active: bool | None = None
    pays_platform_events: bool | None = None
    trusted_integrations: list[str] | None = Field(None, max_length=50)


def _staff(request):
    user = require_scope(request)
    if not permissions.can_manage_points(user):
        raise NotFound()
    return user


@router.get("/rules", response=list[RuleOut], auth=MEMBER)
def list_rules(request):
    _staff(request)
    return list(EarningRule.objects.prefetch_related("trusted_integrations").order_by("verb", "-points"))


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
