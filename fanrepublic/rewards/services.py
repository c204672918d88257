"""Redeeming rewards: stock and points move together or not at all.

The reward row is locked first (so the last unit goes to exactly one member), then the
ledger locks the wallet; the order, the stock change and the debit share one database
transaction, so a crash between them leaves none of them done.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.badges.eligibility import eligibility_problems
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.points.services import points_spend, transaction_reverse

from .enums import COUNTED_STATUSES, OrderStatus, RewardKind
from .errors import NotEligible, OutOfStock, OverLimit
from .models import Order, Reward
from .permissions import can_fulfil, can_manage_catalogue

MAX_QUANTITY = 10


def _clean_shipping(reward: Reward, shipping: dict) -> dict:
    shipping = {k: (shipping or {}).get(k, "").strip() for k in ("name", "phone", "address")}
    if reward.kind == RewardKind.PRODUCT:
        errors = {
            f"shipping_{k}": [_("Needed to send you the product.")] for k, v in shipping.items() if not v
        }
        if errors:
            raise ValidationFailed(errors)
    for key, limit in (("name", 100), ("phone", 30), ("address", 500)):
        if len(shipping[key]) > limit:
            raise ValidationFailed(
                _("At most %(n)d characters, please.") % {"n": limit}, field=f"shipping_{key}"
            )
    return shipping


CATALOGUE_FIELDS = [
    "name",
    "name_zh",
    "slug",
    "kind",
    "description",
    "description_zh",
    "image",
    "price_points",
    "retail_price",
    "per_member_limit",
    "min_trust_level",
    "regions",
    "is_active",
    "position",
]


def reward_save(*, actor, reward: Reward, required_badges=(), restock: int = 0) -> Reward:
    """Create or change a catalogue entry (store managers and the founder); audited.
    Stock moves only by `restock`, applied as a difference under the row's lock, and
    never below zero — the same row redemptions decrement."""
    if not can_manage_catalogue(actor):
        raise Forbidden()
    creating = reward._state.adding
    with transaction.atomic():
        if creating:
            reward.save()
        else:
            reward.save(update_fields=CATALOGUE_FIELDS)
            if restock:
                rows = Reward.objects.filter(pk=reward.pk)
                if restock < 0:
                    rows = rows.filter(stock__gte=-restock)
                if not rows.update(stock=F("stock") + restock):
                    raise ValidationFailed(
                        _("You cannot take out more units than are in stock."), field="restock"
                    )
        reward.required_badges.set(required_badges)
        reward.refresh_from_db(fields=["stock"])
        audit_record(
            actor=actor,
            action="rewards.reward.created" if creating else "rewards.reward.changed",
            target=reward,
            data={"price_points": reward.price_points, "stock": reward.stock, "restock": restock},
        )
    return reward


def reward_eligibility(*, member, reward: Reward) -> list[str]:
    """What keeps a member from this reward (trust level, badges, region), in words."""
    return eligibility_problems(
        member,
        min_trust_level=reward.min_trust_level,
        badges=reward.required_badges.all(),
        regions=reward.regions,
    )


def reward_redeem(
    *, member, reward: Reward, key: str, quantity: int = 1, shipping: dict | None = None
) -> Order:
    """Place an order: reserve stock and debit points atomically. `key` makes a retried
    request (double click, network retry) place one order."""
    existing = Order.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.member_id != member.pk:
            raise NotFound()
        existing.replayed = True
        return existing
    if not member.is_authenticated or not member.is_active or member.is_suspended:
        raise Forbidden(_("Your account cannot redeem rewards right now."))
    if not reward.is_active:
        raise NotFound()
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(_("Choose between 1 and %(n)d.") % {"n": MAX_QUANTITY}, field="quantity")
    problems = reward_eligibility(member=member, reward=reward)
    if problems:
        raise NotEligible(" ".join(problems))
    shipping = _clean_shipping(reward, shipping or {})
    try:
        with transaction.atomic():
            locked = Reward.objects.select_for_update().get(pk=reward.pk)
            if locked.stock < quantity:
                raise OutOfStock()
            if locked.per_member_limit is not None:
                taken = (
                    Order.objects.filter(member=member, reward=locked, status__in=COUNTED_STATUSES).aggregate(
                        n=Sum("quantity")
                    )["n"]
                    or 0
                )
                if taken + quantity > locked.per_member_limit:
                    raise OverLimit()
            Reward.objects.filter(pk=locked.pk).update(stock=F("stock") - quantity)
            order = Order.objects.create(
                member=member,
                reward=locked,
                idempotency_key=key,
                quantity=quantity,
                points_total=locked.price_points * quantity,
                shipping_name=shipping["name"],
                shipping_phone=shipping["phone"],
                shipping_address=shipping["address"],
            )
            order.debit = points_spend(
                member=member,
                points=order.points_total,
                key=f"order:{order.pk}",
                memo=f"{locked.name} × {quantity}",
                obj=order,
            )
            order.save(update_fields=["debit"])
            record_event(
                verb="rewards.order.placed",
                actor=member,
                obj=order,
                owner=member,
                properties={"reward": locked.slug, "quantity": quantity, "points": order.points_total},
            )
    except IntegrityError:
        existing = Order.objects.filter(idempotency_key=key, member=member).first()
        if existing is not None:  # a concurrent request with the same key placed it
            existing.replayed = True
            return existing
        raise
    return order


def _close(order: Order, *, status: str, actor, reason: str) -> Order:
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.PLACED:
            raise Conflict(_("This order is already closed."))
        Reward.objects.filter(pk=locked.reward_id).update(stock=F("stock") + locked.quantity)
        locked.refund = transaction_reverse(
            tx=locked.debit, key=f"refund:order:{locked.pk}", memo=reason, actor=actor
        )
        locked.status = status
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.note = reason
        locked.save(update_fields=["refund", "status", "closed_at", "closed_by", "note"])
        record_event(
            verb=f"rewards.order.{status}",
            actor=actor,
            obj=locked,
            owner=locked.member,
            properties={"points": locked.points_total},
        )
    return locked


def order_cancel(*, member, order: Order) -> Order:
    """A member cancels their own open order: points back, stock back."""
    if order.member_id != member.pk:
        raise NotFound()
    return _close(order, status=OrderStatus.CANCELLED, actor=member, reason=_("Cancelled by the member"))


def order_refuse(*, actor, order: Order, reason: str) -> Order:
    """Staff refuse an order (e.g. cannot ship there): points back, stock back, audited."""
    if not can_fulfil(actor):
        raise NotFound()
    if not reason.strip():
        raise ValidationFailed(_("Tell the member why."), field="reason")
    with transaction.atomic():
        closed = _close(order, status=OrderStatus.REFUSED, actor=actor, reason=reason.strip())
        audit_record(actor=actor, action="rewards.order.refused", target=closed, reason=reason.strip())
    return closed


def order_fulfil(*, actor, order: Order, voucher_code: str = "", tracking: str = "") -> Order:
    if not can_fulfil(actor):
        raise NotFound()
    voucher_code, tracking = voucher_code.strip(), tracking.strip()
    if order.reward.kind == RewardKind.VOUCHER and not voucher_code:
        raise ValidationFailed(_("Enter the voucher code for the member."), field="voucher_code")
    if len(voucher_code) > 100 or len(tracking) > 100:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": 100})
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, status=OrderStatus.PLACED).update(
            status=OrderStatus.FULFILLED,
            voucher_code=voucher_code,
            tracking=tracking,
            closed_at=timezone.now(),
            closed_by=actor,
        )
        if not updated:
            raise Conflict(_("This order is already closed."))
        order.refresh_from_db()
        audit_record(actor=actor, action="rewards.order.fulfilled", target=order, data={"tracking": tracking})
        record_event(verb="rewards.order.fulfilled", actor=actor, obj=order, owner=order.member)
    return order
