"""Flash-sale services: scheduling a sale, the waiting room and its draw, reserving a
unit, paying for it, and holds that expire.

Why nothing is sold twice: a unit changes state only under its own row lock, and a hold
becomes a sale only if the unit still names that hold. Reserving takes the first unit that
is free, or held by a hold that has run out, skipping rows another buyer has locked this
instant (`SKIP LOCKED` on PostgreSQL; the embedded database has one writer at a time), so
buyers do not wait on each other. A member's own requests queue on their waiting-room row,
which keeps the per-member limit exact. A payment that arrives for a hold that is no
longer its unit's (it ran out and the unit went to someone else) is refunded.

Lock order: a payment (payments holds it when it signals), then the entrant, then units."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.cache import REDIS_UNREACHABLE
from fanrepublic.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    RateLimited,
    Unavailable,
    ValidationFailed,
)
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.notifications.services import notify
from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import PaymentStatus
from fanrepublic.payments.providers import registry
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.services import AccountRef

from . import admission
from .enums import HoldStatus, SaleStatus, UnitState
from .errors import FlashPassInvalid
from .models import Entrant, FlashSale, Hold, Unit
from .permissions import can_run_sales, eligibility_problems

log = logging.getLogger(__name__)
NOTICE = "flash"
MAX_UNITS = 100_000
PASS_SALT = "flashsales.pass"
PASS_DAYS = 7


def _after_commit(action) -> None:
    """Tell Redis (when it decides reservations) about a change once its transaction
    commits: a unit goes back to the pool only once the database says it is free."""
    if admission.enabled():
        transaction.on_commit(action)


def sales_account() -> AccountRef:
    return AccountRef(code="system:flash-sales:CNY", kind=AccountKind.REVENUE, currency=Currency.CNY)


def refund_key(hold: Hold) -> str:
    return f"flashsales:hold:{hold.pk}:refund"


# Scheduling ---------------------------------------------------------------------------


def sale_create(*, actor, **fields) -> FlashSale:
    """Schedule a sale (operators, the founder): its units are made at once, and the seed
    of the waiting room's draw is fixed now and its hash published."""
    if not can_run_sales(actor):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    for name in ("title", "title_zh", "product", "product_zh"):
        value = fields.get(name) or ""
        problem = text_problem(value, single_line=True) if value else None
        if problem:
            errors[name] = [problem]
    for name in ("title", "product", "description"):
        if not (fields.get(name) or "").strip():
            errors.setdefault(name, []).append(_("This is needed."))
    for name in ("description", "description_zh"):
        problem = text_problem(fields.get(name) or "")
        if problem:
            errors[name] = [problem]
    units, price = fields.get("units"), fields.get("price_fen")
    if not isinstance(units, int) or not 0 < units <= MAX_UNITS:
        errors.setdefault("units", []).append(_("Between 1 and %(n)d units.") % {"n": MAX_UNITS})
    if not isinstance(price, int) or price <= 0:
        errors.setdefault("price_fen", []).append(_("Give an amount above zero."))
    if not fields.get("per_member_limit"):
        errors.setdefault("per_member_limit", []).append(_("Allow each member at least one unit."))
    hold_seconds = fields.get("hold_seconds", 300)
    if not isinstance(hold_seconds, int) or not 30 <= hold_seconds <= 3600:
        errors.setdefault("hold_seconds", []).append(_("Hold a unit for 30 seconds to an hour."))
    admit = fields.get("admit_per_second", 200)
    if not isinstance(admit, int) or not 1 <= admit <= 1_000_000:
        errors.setdefault("admit_per_second", []).append(_("Let in between 1 and 1,000,000 places a second."))
    for name, most in (("per_member_limit", 100), ("min_trust_level", 4), ("min_member_days", 3650)):
        value = fields.get(name)
        if value is not None and not 0 <= value <= most:
            errors.setdefault(name, []).append(_("At most %(n)d.") % {"n": most})
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("closes_at", []).append(_("The end must come after the opening."))
    if errors:
        raise ValidationFailed(errors)
    base = slugify(fields["title"])[:40] or "sale"
    slug, n = base, 1
    while FlashSale.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    seed = secrets.token_hex(32)
    with transaction.atomic():
        sale = FlashSale.objects.create(
            slug=slug,
            created_by=actor,
            status=SaleStatus.SCHEDULED,
            seed=seed,
            seed_sha256=hashlib.sha256(seed.encode()).hexdigest(),
            **fields,
        )
        Unit.objects.bulk_create(
            [Unit(sale=sale, number=number) for number in range(1, sale.units + 1)], batch_size=2000
        )
        audit_record(actor=actor, action="flashsales.sale.scheduled", target=sale, data={"units": sale.units})
        _after_commit(lambda: _arm_quietly(sale))
    return sale


def _arm_quietly(sale: FlashSale) -> None:
    """Build the sale's Redis keys now rather than on its first reservation; if Redis is
    away, the first reservation builds them."""
    try:
        admission.arm(sale)
    except Exception:  # noqa: BLE001 - built later, on demand
        log.warning("flash sale %s: Redis keys not built yet", sale.pk, exc_info=True)


def sale_close(*, actor, sale: FlashSale, reason: str) -> FlashSale:
    if not can_run_sales(actor):
        raise NotFound()
    problem = text_problem(reason, single_line=True)
    if problem or not reason.strip():
        raise ValidationFailed(problem or _("Give a reason."), field="reason")
    with transaction.atomic():
        FlashSale.objects.filter(pk=sale.pk).update(status=SaleStatus.CLOSED)
        audit_record(actor=actor, action="flashsales.sale.closed", target=sale, reason=reason)
        sale.refresh_from_db()
        _after_commit(lambda: admission.mark_quietly(sale))
    return sale


def is_open(sale: FlashSale, now=None) -> bool:
    now = now or timezone.now()
    return sale.status == SaleStatus.SCHEDULED and sale.opens_at <= now < sale.closes_at


# The waiting room ---------------------------------------------------------------------


def draw_key(sale: FlashSale, member_id: int) -> str:
    """An early entrant's place in the draw: HMAC-SHA256 of their member id under the
    sale's seed (published after the draw, so anyone can recompute the order)."""
    return hmac.new(sale.seed.encode(), str(member_id).encode(), hashlib.sha256).hexdigest()


def waiting_room_join(*, actor, sale: FlashSale) -> Entrant:
    """Join the waiting room. Before the opening everyone who joins is in the draw; after
    it, newcomers queue behind everyone already there, in the order they came."""
    if sale.status != SaleStatus.SCHEDULED or timezone.now() >= sale.closes_at:
        raise Conflict(_("This sale is not open for queueing."), code="sale_closed")
    problems = eligibility_problems(actor, sale)
    if problems:
        raise Forbidden(" ".join(problems), code="not_eligible")
    ratelimit.hit("flash-join", str(actor.pk), settings.FLASHSALES_JOIN_RATE)
    entrant, created = Entrant.objects.get_or_create(sale=sale, member=actor)
    if created and timezone.now() >= sale.opens_at:
        # After the opening: behind the draw, in arrival order.
        draw(sale=sale)
        entrant.refresh_from_db()
    elif created:
        record_event(
            verb="flashsales.queue.joined",
            actor=actor,
            obj=sale,
            idempotency_key=f"flash:{sale.pk}:{actor.pk}",
        )
    return entrant


def draw(*, sale: FlashSale, now=None) -> FlashSale:
    """At the opening, once: order those who joined before it by their draw keys and give
    them places 1..n; everyone who joined since queues behind, in arrival order. Whoever
    finds the sale's row taken (another request drawing) does not wait for it: their
    page says "drawing" and asks again."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = FlashSale.objects.filter(pk=sale.pk)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        else:
            rows = rows.select_for_update()
        locked = rows.first()
        if locked is None:
            return sale
        if now < locked.opens_at:
            return locked
        if locked.drawn_at is None:
            early = list(
                Entrant.objects.filter(
                    sale=locked, position__isnull=True, joined_at__lt=locked.opens_at
                ).only("pk", "member_id")
            )
            early.sort(key=lambda entrant: draw_key(locked, entrant.member_id))
            for place, entrant in enumerate(early, start=1):
                entrant.position = place
            Entrant.objects.bulk_update(early, ["position"], batch_size=2000)
            locked.drawn_at = now
            locked.drawn_count = len(early)
            locked.save(update_fields=["drawn_at", "drawn_count"])
        # Those who came after the opening: behind the last place given, in arrival order.
        late = list(Entrant.objects.filter(sale=locked, position__isnull=True).order_by("joined_at", "pk"))
        if late:
            last = Entrant.objects.filter(sale=locked).aggregate(last=Max("position"))["last"] or 0
            for offset, entrant in enumerate(late, start=1):
                entrant.position = last + offset
            Entrant.objects.bulk_update(late, ["position"], batch_size=2000)
    return locked


def draws_due(*, now=None) -> int:
    """Draw every sale that has opened and is not drawn yet (the periodic task), so the
    draw rarely falls to a member's request."""
    now = now or timezone.now()
    done = 0
    for sale in FlashSale.objects.filter(
        status=SaleStatus.SCHEDULED, drawn_at__isnull=True, opens_at__lte=now
    ):
        draw(sale=sale, now=now)
        done += 1
    return done


def admitted_up_to(sale: FlashSale, now=None) -> int:
    """The last place let in by now: a batch at the opening and one more each second.
    Computed, not stored, so letting people in touches no row."""
    now = now or timezone.now()
    if now < sale.opens_at:
        return 0
    seconds = int((now - sale.opens_at).total_seconds())
    return sale.admit_per_second * (1 + seconds)


def place_of(*, sale: FlashSale, member) -> dict:
    """What the waiting room tells a member: their place, how many are let in, whether it
    is their turn."""
    entrant = Entrant.objects.filter(sale=sale, member=member).first() if member.is_authenticated else None
    if entrant is None:
        return {"entrant": None}
    if entrant.position is None and timezone.now() >= sale.opens_at:
        sale = draw(sale=sale)
        entrant.refresh_from_db()
    admitted = admitted_up_to(sale)
    return {
        "entrant": entrant,
        "position": entrant.position,
        "admitted": admitted,
        "ahead": max(0, (entrant.position or 0) - admitted - 1) if entrant.position else None,
        "turn": entrant.position is not None and entrant.position <= admitted,
        "pass": flash_pass(sale, member.pk, entrant.position) if entrant.position else None,
    }


def flash_pass(sale: FlashSale, member_id: int, place: int) -> str:
    """A signed token naming the sale, the member and their place, given to the member
    once their place is known: the reservation path checks the signature instead of
    reading a session, a token and the waiting room (services.reserve_fast).

    "sale:member:place:issued:signature", the signature HMAC-SHA256 (truncated to 144
    bits) under a key derived from SECRET_KEY for this purpose alone — Django's signing
    would derive that key again on every check, a third of this path's own work."""
    payload = f"{sale.pk}:{member_id}:{place}:{int(time.time())}"
    return f"{payload}:{_pass_signature(_pass_keys()[0], payload)}"


@functools.cache
def _pass_keys() -> tuple[bytes, ...]:
    """The current key first, then those of SECRET_KEY_FALLBACKS (passes issued before a
    key rotation stay valid for their few days)."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return tuple(salted_hmac(PASS_SALT, "flash pass key", secret=secret).digest() for secret in secrets_)


def _pass_signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


def read_flash_pass(token: str, sale_id: int) -> tuple[int, int]:
    """(member, place) from a flash pass for this sale, issued within PASS_DAYS; 401
    `pass_invalid` otherwise."""
    if not token or len(token) > 200 or not token.isascii():
        raise FlashPassInvalid()
    payload, _sep, signature = token.rpartition(":")
    parts = payload.split(":")
    if len(parts) != 4 or not all(part.isdigit() for part in parts) or parts[0] != str(sale_id):
        raise FlashPassInvalid()
    if not any(hmac.compare_digest(signature, _pass_signature(key, payload)) for key in _pass_keys()):
        raise FlashPassInvalid()
    # A minute's grace for a web server whose clock is a little behind the issuer's.
    if not -60 <= time.time() - int(parts[3]) <= PASS_DAYS * 86400:
        raise FlashPassInvalid()
    return int(parts[1]), int(parts[2])


# Reserving ----------------------------------------------------------------------------


def payment_grace() -> timedelta:
    """How long after a hold runs out its unit still waits: a payment made in the hold's
    last seconds reaches us a little later (the provider stops taking it at the hold's
    end), and it must find its unit still there."""
    return timedelta(seconds=settings.FLASHSALES_PAYMENT_GRACE_SECONDS)


def _claim_unit(sale: FlashSale, now) -> Unit | None:
    """Lock the first free unit — or, failing that, the first held by a hold that ran out
    (and its grace) — skipping the rows other buyers hold locked this instant.

    Two queries, each a walk of the (sale, state, number) index in number order, rather
    than one with "free OR run out": that one is planned as a sort bounded to one row, and
    when that row is taken between the snapshot and the lock PostgreSQL has no second one
    to try — the buyer would hear "all held" with units free (benchmarks/flash.py showed
    it under load)."""
    skip = connection.features.has_select_for_update_skip_locked
    for candidates in (
        Unit.objects.filter(sale=sale, state=UnitState.FREE),
        Unit.objects.filter(sale=sale, state=UnitState.HELD, held_until__lt=now - payment_grace()),
    ):
        if skip:
            candidates = candidates.select_for_update(skip_locked=True)
        unit = candidates.order_by("number").first()
        if unit is not None:
            return unit
    return None


@dataclass(frozen=True)
class Admitted:
    """A unit Redis gave the member (admission.py): the writer stores it as their hold
    within a moment, and the member pays once it is stored (hold_pay)."""

    sale_id: int
    unit_number: int
    ticket: str
    expires_at: datetime


def _refused(code: int, retry_after: int, sale) -> DomainError:
    if code == admission.RATE_LIMITED:
        return RateLimited(retry_after=retry_after)
    key = (code, get_language(), sale.per_member_limit)
    found = _REFUSALS.get(key)
    if found is None:
        # Translated once per process and language: most of a sale's answers are these.
        made = _refusal(code, sale)
        found = _REFUSALS[key] = (str(made.message), made.code)
    return Conflict(found[0], code=found[1])


_REFUSALS: dict[tuple, tuple[str, str]] = {}


def _refusal(code: int, sale) -> Conflict:
    if code == admission.OVER_LIMIT:
        return Conflict(
            _("You already hold or bought %(n)d, the most one member may.") % {"n": sale.per_member_limit},
            code="over_limit",
        )
    if code == admission.ALL_HELD:
        return Conflict(
            _(
                "Every unit is held by someone paying. Units whose holders do not pay come "
                "back: try again in a minute."
            ),
            code="all_held",
        )
    if code == admission.SOLD_OUT:
        return Conflict(_("Sold out."), code="sold_out")
    return Conflict(_("The sale is not open."), code="sale_closed")


def _admit(sale, member_id: int, now: float) -> Admitted:
    """One attempt in Redis (building the sale's keys first if Redis has none)."""
    try:
        for _attempt in range(2):
            unit, extra = admission.admit(
                sale_id=sale.pk, member_id=member_id, limit=sale.per_member_limit, now=now
            )
            if unit > 0:
                expires = datetime.fromtimestamp(now, tz=UTC) + timedelta(seconds=sale.hold_seconds)
                return Admitted(sale_id=sale.pk, unit_number=unit, ticket=extra, expires_at=expires)
            if unit != admission.NOT_ARMED:
                raise _refused(unit, extra, sale)
            admission.arm(FlashSale.objects.get(pk=sale.pk))
    except (*REDIS_UNREACHABLE, TimeoutError):
        log.warning("flash sale %s: Redis unreachable for a reservation", sale.pk, exc_info=True)
        raise Unavailable() from None
    raise Unavailable()


def reserve_fast(*, sale, member_id: int, place: int) -> Admitted:
    """The launch-night reservation path (views.hold_json): the member and their place
    come from their flash pass, the sale's terms from the process's copy
    (selectors.sale_terms); one Redis call decides. The payment is started when the
    member opens the hold to pay (hold_pay), not here."""
    now = time.time()
    if place > admitted_up_to(sale, datetime.fromtimestamp(now, tz=UTC)):
        raise Conflict(
            _("It is not your turn yet: your place is %(n)d.") % {"n": place}, code="not_your_turn"
        )
    return _admit(sale, member_id, now)


def _stored_hold(ticket: str, wait: float) -> Hold | None:
    """The hold the writer stored for an admission ticket, waiting up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        hold = Hold.objects.filter(ticket=ticket).first()
        if hold is not None or time.monotonic() >= deadline:
            return hold
        time.sleep(0.05)


def reserve(*, actor, sale: FlashSale, provider_code: str) -> Hold | Admitted:
    """Hold one unit for the member while they pay (sale.hold_seconds), and start the
    payment for it. Refused before the member's turn, past their limit, and when every
    unit is sold (409 `sold_out`) or held by others (409 `all_held`: units come back
    when holds run out). With Redis deciding, the unit is the member's at once and the
    payment starts once the writer has stored the hold; if that takes longer than
    FLASHSALES_STORE_WAIT_SECONDS, the answer is the admission (pay from the sale's page)."""
    now = timezone.now()
    if provider_code not in registry.enabled_codes():
        raise ValidationFailed(_("Choose one of the payment methods offered."), field="provider")
    if not is_open(sale, now):
        raise Conflict(_("The sale is not open."), code="sale_closed")
    if not admission.enabled():
        ratelimit.hit("flash-reserve", str(actor.pk), settings.FLASHSALES_RESERVE_RATE)
    place = place_of(sale=sale, member=actor)
    if place["entrant"] is None:
        raise Forbidden(_("Join the waiting room first."), code="not_in_queue")
    if not place["turn"]:
        raise Conflict(
            _("It is not your turn yet: your place is %(n)d.") % {"n": place["position"] or 0},
            code="not_your_turn",
        )
    if admission.enabled():
        admitted = _admit(sale, actor.pk, time.time())
        hold = _stored_hold(admitted.ticket, settings.FLASHSALES_STORE_WAIT_SECONDS)
        if hold is None:
            return admitted
        return hold_pay(actor=actor, hold=hold, provider_code=provider_code)
    return _reserve_in_database(actor=actor, sale=sale, entrant=place["entrant"], provider_code=provider_code)


def _reserve_in_database(*, actor, sale: FlashSale, entrant: Entrant, provider_code: str) -> Hold:
    now = timezone.now()
    # Counted on its own, before the transaction: a refused attempt (all held, sold out,
    # over the limit) rolls that back, and the fairness record's "how many tried" must
    # count the members who were refused too.
    Entrant.objects.filter(pk=entrant.pk).update(attempts=F("attempts") + 1)
    with transaction.atomic():
        # The member's own row: their concurrent requests queue here, so the limit is exact.
        Entrant.objects.select_for_update().get(pk=entrant.pk)
        # A hold counts until its unit can go to someone else (its end plus the grace).
        mine = Hold.objects.filter(sale=sale, member=actor).filter(
            Q(status=HoldStatus.PAID) | Q(status=HoldStatus.HELD, expires_at__gt=now - payment_grace())
        )
        if mine.count() >= sale.per_member_limit:
            raise _refused(admission.OVER_LIMIT, 0, sale)
        unit = _claim_unit(sale, now)
        if unit is None:
            if Unit.objects.filter(sale=sale).exclude(state=UnitState.SOLD).exists():
                raise _refused(admission.ALL_HELD, 0, sale)
            raise _refused(admission.SOLD_OUT, 0, sale)
        displaced = None
        if unit.hold_id is not None:
            displaced = Hold.objects.filter(pk=unit.hold_id).select_related("payment").first()
            Hold.objects.filter(pk=unit.hold_id, status=HoldStatus.HELD).update(
                status=HoldStatus.EXPIRED, ended_at=now
            )
        hold = Hold.objects.create(
            sale=sale,
            member=actor,
            unit_number=unit.number,
            expires_at=now + timedelta(seconds=sale.hold_seconds),
        )
        Unit.objects.filter(pk=unit.pk).update(state=UnitState.HELD, hold=hold, held_until=hold.expires_at)
    try:
        payment = _payment_for(actor, sale, hold, provider_code)
    except Exception:
        hold_release(actor=actor, hold=hold)
        raise
    Hold.objects.filter(pk=hold.pk).update(payment=payment)
    hold.payment = payment
    if displaced is not None and displaced.payment_id and displaced.payment.status == PaymentStatus.PENDING:
        payments.payment_close_quietly(payment=displaced.payment)
    return hold


def _payment_for(actor, sale: FlashSale, hold: Hold, provider_code: str):
    return payments.payment_start(
        member=actor,
        provider_code=provider_code,
        amount_fen=sale.price_fen,
        description=payments.payment_description(
            _("%(product)s, unit %(n)d") % {"product": sale.localized("product"), "n": hold.unit_number}
        ),
        purpose=hold,
        ledger_account=sales_account(),
        expires_at=hold.expires_at,
    )


def hold_pay(*, actor, hold: Hold, provider_code: str) -> Hold:
    """Start the payment for a hold Redis decided (stored by the writer without one); a
    hold that has its payment already answers with it."""
    if hold.member_id != actor.pk:
        raise NotFound()
    if provider_code not in registry.enabled_codes():
        raise ValidationFailed(_("Choose one of the payment methods offered."), field="provider")
    hold = Hold.objects.select_related("payment", "sale").get(pk=hold.pk)
    if hold.payment_id is not None:
        return hold
    if hold.status != HoldStatus.HELD or hold.expires_at <= timezone.now():
        raise Conflict(_("This hold has ended: the unit went back to the pool."), code="hold_ended")
    payment = _payment_for(actor, hold.sale, hold, provider_code)
    if not Hold.objects.filter(pk=hold.pk, payment__isnull=True).update(payment=payment):
        # Another request started one first (two clicks): that one stands.
        payments.payment_close_quietly(payment=payment)
    return Hold.objects.select_related("payment").get(pk=hold.pk)


def _free_unit_of(hold: Hold, now) -> None:
    """The hold ended unpaid: give its unit back to the pool, if it is still this hold's.
    The only place a unit becomes free again; with Redis deciding, the unit returns to
    Redis's pool (and the member's count comes down) once this commits."""
    freed = Unit.objects.filter(
        sale_id=hold.sale_id, number=hold.unit_number, hold=hold, state=UnitState.HELD
    ).update(state=UnitState.FREE, hold=None, held_until=None)
    _after_commit(
        lambda: admission.give_back(
            sale_id=hold.sale_id,
            hold_id=hold.pk,
            member_id=hold.member_id,
            unit=hold.unit_number if freed else 0,
        )
    )


def hold_release(*, actor, hold: Hold) -> Hold:
    """The member gives the unit back before paying."""
    now = timezone.now()
    if hold.member_id != actor.pk:
        raise NotFound()
    with transaction.atomic():
        # The unit before the hold: the order every writer takes.
        Unit.objects.select_for_update().filter(sale_id=hold.sale_id, number=hold.unit_number).first()
        locked = Hold.objects.select_for_update().get(pk=hold.pk)
        if locked.status != HoldStatus.HELD:
            return locked
        locked.status = HoldStatus.RELEASED
        locked.ended_at = now
        locked.save(update_fields=["status", "ended_at"])
        _free_unit_of(locked, now)
    if locked.payment_id and locked.payment.status == PaymentStatus.PENDING:
        payments.payment_close_quietly(payment=locked.payment)
    return locked


def _hold_of(payment) -> Hold | None:
    """The hold a payment is for, by the payment's purpose (set when it was started,
    before the hold's link to it is written)."""
    if not payment.purpose_id.isdecimal():
        return None
    return Hold.objects.filter(pk=int(payment.purpose_id)).first()


def hold_paid(*, payment) -> None:
    """A hold's payment arrived (inside payments' transaction, the payment locked). It is
    a sale if the unit is still this hold's; otherwise the money goes back."""
    hold = _hold_of(payment)
    if hold is None:
        return
    now = timezone.now()
    unit = Unit.objects.select_for_update().get(sale_id=hold.sale_id, number=hold.unit_number)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.payment_id is None:  # paid before the link was written: link it now
        hold.payment = payment
        hold.save(update_fields=["payment"])
    if unit.hold_id == hold.pk and unit.state == UnitState.HELD and hold.status == HoldStatus.HELD:
        unit.state = UnitState.SOLD
        unit.held_until = None
        unit.save(update_fields=["state", "held_until"])
        hold.status = HoldStatus.PAID
        hold.paid_at = payment.paid_at or now
        hold.ended_at = now
        hold.save(update_fields=["status", "paid_at", "ended_at"])
        record_event(
            verb="flashsales.unit.sold",
            actor=hold.member,
            obj=hold,
            properties={"unit": hold.unit_number},
            idempotency_key=f"flash:hold:{hold.pk}:sold",
        )
        if not Unit.objects.filter(sale_id=hold.sale_id).exclude(state=UnitState.SOLD).exists():
            FlashSale.objects.filter(pk=hold.sale_id, sold_out_at__isnull=True).update(sold_out_at=now)
            _after_commit(lambda: admission.mark_quietly(FlashSale.objects.get(pk=hold.sale_id)))
        return
    if hold.status == HoldStatus.HELD and _is_holds_payment(hold, payment):
        hold.status = HoldStatus.EXPIRED
        hold.ended_at = now
        hold.save(update_fields=["status", "ended_at"])
        _free_unit_of(hold, now)
    payments.refund_request(
        payment=payment,
        amount_fen=payment.amount_fen,
        reason="Paid after the hold ran out",
        key=refund_key(hold),
        send_now=False,
    )


def _is_holds_payment(hold: Hold, payment) -> bool:
    """Whether the payment is the hold's (or the hold has none linked yet): a second
    payment started by a second click and closed at once must not end the hold."""
    return hold.payment_id is None or hold.payment_id == payment.pk


def hold_not_paid(*, payment) -> None:
    hold = _hold_of(payment)
    if hold is None or hold.status != HoldStatus.HELD or not _is_holds_payment(hold, payment):
        return
    now = timezone.now()
    Unit.objects.select_for_update().filter(sale_id=hold.sale_id, number=hold.unit_number).first()
    if Hold.objects.filter(pk=hold.pk, status=HoldStatus.HELD).update(
        status=HoldStatus.EXPIRED, ended_at=now
    ):
        _free_unit_of(hold, now)


def holds_expire_due(*, now=None, limit: int = 500) -> int:
    """Holds that ran out: the unit back to the pool (unless it was taken again already)
    and the payment closed at the provider (if it was paid meanwhile, the payment's
    arrival decides: a sale if the unit is still the hold's, a refund if not)."""
    now = now or timezone.now()
    expired = 0
    due = Hold.objects.filter(status=HoldStatus.HELD, expires_at__lte=now - payment_grace()).select_related(
        "payment"
    )
    for hold in due[:limit]:
        if hold.payment_id and hold.payment.status == PaymentStatus.PENDING:
            try:
                payments.payment_close(payment=hold.payment)
            except payments.ProviderUnavailable:
                continue
        with transaction.atomic():
            Unit.objects.select_for_update().filter(sale_id=hold.sale_id, number=hold.unit_number).first()
            if Hold.objects.filter(pk=hold.pk, status=HoldStatus.HELD).update(
                status=HoldStatus.EXPIRED, ended_at=now
            ):
                _free_unit_of(hold, now)
        # Closing the payment may have expired it already (payments' closed signal).
        expired += Hold.objects.filter(pk=hold.pk, status=HoldStatus.EXPIRED).count()
    return expired


def holds_warn_due(*, now=None) -> int:
    """Tell members whose hold runs out within a minute (once per hold)."""
    now = now or timezone.now()
    warned = 0
    for hold in Hold.objects.filter(
        status=HoldStatus.HELD, expires_at__gt=now, expires_at__lte=now + timedelta(seconds=60)
    ).select_related("sale"):
        notify(
            recipient_ids=[hold.member_id],
            kind=NOTICE,
            actor=None,
            url=hold.sale.get_absolute_url(),
            params={"sale": hold.sale.title, "sale_zh": hold.sale.title_zh, "unit": hold.unit_number},
            dedupe_key=f"flash:hold:{hold.pk}:expiring",
        )
        warned += 1
    return warned


def admission_tidy(*, now=None) -> int:
    """With Redis deciding (the periodic task): build the keys of sales about to open,
    copy members' attempts into the waiting room (the fairness record counts them), and
    rebuild each sale's picture from the rows if nothing is changing it — which puts back
    a unit whose return to Redis was lost (a process killed between its commit and the
    call). Returns the sales looked at."""
    if not admission.enabled():
        return 0
    now = now or timezone.now()
    sales = FlashSale.objects.filter(closes_at__gte=now - timedelta(days=1)).exclude(status=SaleStatus.DRAFT)
    looked = 0
    for sale in sales:
        try:
            admission.arm(sale)
            if sale.status == SaleStatus.CLOSED or sale.sold_out_at is not None:
                admission.mark(sale)  # in case the call after its commit was lost
            _attempts_store(sale)
            admission.sync(sale, tries=1)
        except (*REDIS_UNREACHABLE, TimeoutError):
            log.warning("flash sale %s: Redis unreachable for tidying", sale.pk, exc_info=True)
            continue
        looked += 1
    return looked


def _attempts_store(sale: FlashSale) -> None:
    by_count: dict[int, list[int]] = {}
    for member_id, n in admission.attempts(sale.pk).items():
        by_count.setdefault(n, []).append(member_id)
    for n, members in by_count.items():
        for start in range(0, len(members), 2000):
            Entrant.objects.filter(
                sale=sale, member_id__in=members[start : start + 2000], attempts__lt=n
            ).update(attempts=n)
