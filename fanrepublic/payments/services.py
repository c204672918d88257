"""Payments: start one, apply what the provider reports, refund, and check on the ones
the provider has not reported.

Whatever way the provider's word arrives — a notification, the periodic query, the demo
page — it goes through `_apply_trade` / `_apply_refunds` under the payment's row lock, so a
payment is settled once and posts to the ledger once (its ledger key is its reference),
and a refund completes once. Calls to a provider are never made while a row is locked:
a slow provider must not hold up the payments of others."""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import NewEvent, record_event, record_events
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, NotFound, RateLimited, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.members.models import User
from fanrepublic.notifications.services import notify
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.services import AccountRef, LedgerPost, ledger_post, ledger_post_many

from . import notices, payout_transfers, signals
from .enums import NoticeOutcome, PaymentStatus, RefundStatus
from .errors import ProviderUnavailable
from .models import Payment, ProviderNotice, Refund
from .permissions import MONEY_ROLES
from .providers import base, registry

log = logging.getLogger(__name__)

MAX_PAYMENT_FEN = 100_000_000_00  # a hundred million yuan: beyond any single order here


def provider_account(code: str) -> AccountRef:
    """What the provider holds for the platform: paid in, less refunds."""
    return AccountRef(code=f"system:provider-{code}:CNY", kind=AccountKind.PROVIDER, currency=Currency.CNY)


def held_account() -> AccountRef:
    """Where paid money waits when the payer named no account of its own."""
    return AccountRef(code="system:payments-held:CNY", kind=AccountKind.ESCROW, currency=Currency.CNY)


def _counter(payment: Payment) -> AccountRef:
    return AccountRef(code=payment.ledger_account, kind=payment.ledger_account_kind, currency=Currency.CNY)


def _line_problem(text: str, limit: int) -> str | None:
    """A payment's description or a refund's reason goes to the provider and onto the
    payer's statement: one plain line, no invisible formatting (bidi overrides, zero
    widths) that would make it read differently from what was stored."""
    problem = text_problem(text, single_line=True)
    if problem:
        return problem
    if not text.strip() or len(text) > limit:
        return _("Write one line of at most %(n)d characters.") % {"n": limit}
    if any(unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs") for ch in text):
        return _("Remove the invisible formatting characters.")
    return None


def payment_description(text: str) -> str:
    """What another app describes a payment as, made fit for the provider and the payer's
    statement: one line, no invisible formatting characters, at most 120 characters."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs"))
    return " ".join(kept.split())[:120] or "Fan Republic"


def _new_reference() -> str:
    # WeChat Pay allows 6-32 of [0-9A-Za-z_-|*]; Alipay 64 of letters, digits, "_".
    return f"FR{timezone.localdate():%Y%m%d}{secrets.token_hex(8).upper()}"


def refund_reference(key: str) -> str:
    """The refund number for an idempotency key: the same key, the same refund, which
    providers also treat as one refund however often it is sent."""
    return "RF" + hashlib.sha256(key.encode()).hexdigest()[:30].upper()


# Starting ---------------------------------------------------------------------------


def payment_start(
    *,
    member,
    provider_code: str,
    amount_fen: int,
    description: str,
    purpose=None,
    ledger_account: AccountRef | None = None,
    expires_at=None,
) -> Payment:
    """Open a payment and the provider's trade for it; the member then pays at
    `payment.checkout_url` (a QR code for WeChat Pay). Raises ProviderUnavailable when
    the provider cannot be reached (the payment is kept, marked failed)."""
    if provider_code not in registry.enabled_codes():
        raise ValidationFailed(_("Choose one of the payment methods offered."), field="provider")
    if (
        not isinstance(amount_fen, int)
        or isinstance(amount_fen, bool)
        or not 0 < amount_fen <= MAX_PAYMENT_FEN
    ):
        raise ValidationFailed(_("The amount must be more than zero."), field="amount")
    problem = _line_problem(description, 120)
    if problem:
        raise ValidationFailed(problem, field="description")
    account = ledger_account or held_account()
    if account.currency != Currency.CNY:
        raise ValidationFailed(_("Payments are in yuan."), field="amount")
    payment = Payment.objects.create(
        reference=_new_reference(),
        provider=provider_code,
        member=member,
        amount_fen=amount_fen,
        description=description.strip(),
        purpose_type=purpose._meta.label_lower if purpose is not None else "",
        purpose_id=str(purpose.pk) if purpose is not None else "",
        ledger_account=account.code,
        ledger_account_kind=account.kind,
        # A purpose that holds something for the payer (a flash-sale unit) gives its own
        # deadline, which the provider is told too; otherwise PAYMENTS_EXPIRE_MINUTES.
        expires_at=expires_at or timezone.now() + timedelta(minutes=settings.PAYMENTS_EXPIRE_MINUTES),
    )
    try:
        checkout = registry.provider(provider_code).create(payment, description=payment.description)
    except base.ProviderError as exc:
        log.warning("payment %s could not be started: %s", payment.reference, exc)
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED, problem=str(exc)[:200])
        raise ProviderUnavailable(
            _("The payment service could not be reached. Nothing was charged; please try again.")
        ) from exc
    payment.checkout_url = checkout.url
    payment.provider_trade_no = checkout.trade_no
    payment.save(update_fields=["checkout_url", "provider_trade_no"])
    return payment


# Applying what the provider reports ---------------------------------------------------


def _apply_trade(payment: Payment, trade: base.TradeState) -> str:
    """The provider's state of a trade, applied to the locked payment. Returns the
    notification outcome: accepted, or mismatch when the amount is not ours."""
    if trade.state == base.TRADE_PAID:
        if payment.status == PaymentStatus.PAID:
            return NoticeOutcome.ACCEPTED
        if trade.amount_fen is not None and trade.amount_fen != payment.amount_fen:
            payment.problem = f"provider reports {trade.amount_fen} fen paid, not {payment.amount_fen}"[:200]
            payment.save(update_fields=["problem"])
            log.error("payment %s: %s", payment.reference, payment.problem)
            return NoticeOutcome.MISMATCH
        was_closed = payment.status == PaymentStatus.CLOSED
        payment.status = PaymentStatus.PAID
        payment.paid_at = trade.paid_at or timezone.now()
        payment.provider_trade_no = trade.trade_no or payment.provider_trade_no
        if was_closed:
            # Paid at the last moment: the money arrived, so it is recorded; the app it
            # was for decides what to do (refund it, usually).
            payment.problem = "paid after it was closed"
        payment.save(update_fields=["status", "paid_at", "provider_trade_no", "problem"])
        ledger_post(
            key=f"payments:{payment.reference}:paid",
            kind="payment",
            memo=f"Payment {payment.reference} ({payment.provider})",
            entries=[
                (provider_account(payment.provider), payment.amount_fen),
                (_counter(payment), -payment.amount_fen),
            ],
            obj=payment,
        )
        record_event(
            verb="payments.payment.paid",
            owner=payment.member,
            obj=payment,
            properties={"amount_fen": payment.amount_fen, "provider": payment.provider},
            idempotency_key=f"payments:{payment.reference}:paid",
        )
        signals.payment_paid.send(sender=Payment, payment=payment, late=was_closed)
    elif trade.state == base.TRADE_CLOSED and payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.CLOSED
        payment.closed_at = timezone.now()
        payment.save(update_fields=["status", "closed_at"])
        signals.payment_closed.send(sender=Payment, payment=payment)
    return NoticeOutcome.ACCEPTED


ABNORMAL_PROBLEM = "abnormal: the provider could not pay it out; settle it at the provider"


def _apply_refunds(refunds: list[Refund], states: dict[str, base.RefundState]) -> None:
    """The providers' states of refunds, applied with their payments and the refunds
    locked (`_locked_refunds`). The completed ones cost a few statements however many
    there are — the payments' refunded sums, the refunds, one ledger batch, the events,
    one signal — so refunding every backer of a failed campaign runs at the database's
    pace, not a transaction per refund."""
    now = timezone.now()
    changed: list[Refund] = []
    done: list[Refund] = []
    alarming: list[Refund] = []
    for refund in refunds:
        state = states.get(refund.reference)
        if state is None or refund.status == RefundStatus.SUCCEEDED:
            continue
        if refund.status == RefundStatus.FAILED:
            if state.state != base.REFUND_DONE:
                continue
            # Marked failed here, but the provider paid it out after all (an abnormal
            # refund settled by hand at the provider): the money left, so it is recorded
            # — unless staff already sent it again, when the member may have been paid
            # twice: that is for a person to sort out, loudly.
            if refund.replaced_by_id is not None:
                log.error("refund %s completed at the provider after it was sent again", refund.reference)
                alarming.append(refund)
                continue
            log.error("refund %s completed at the provider after it had failed", refund.reference)
        if state.refund_no:
            refund.provider_refund_no = state.refund_no
        if state.state == base.REFUND_DONE:
            refund.status = RefundStatus.SUCCEEDED
            refund.completed_at = now
            refund.problem = ""
            # The payment is locked and shared by its refunds in this batch (see
            # _locked_refunds), so the sum read here is the sum stored.
            refund.payment.refunded_fen += refund.amount_fen
            done.append(refund)
        elif state.state in (base.REFUND_FAILED, base.REFUND_ABNORMAL):
            refund.status = RefundStatus.FAILED
            refund.problem = (
                ABNORMAL_PROBLEM
                if state.state == base.REFUND_ABNORMAL
                else "the provider refused or closed the refund"
            )
            log.error("refund %s failed at the provider (%s)", refund.reference, state.state)
            alarming.append(refund)
        else:
            refund.status = RefundStatus.PROCESSING
        changed.append(refund)
    if alarming:
        _tell_staff_refunds_failed(alarming)
    if not changed:
        return
    Refund.objects.bulk_update(changed, ["status", "completed_at", "provider_refund_no", "problem"])
    if not done:
        return
    Payment.objects.bulk_update({r.payment.pk: r.payment for r in done}.values(), ["refunded_fen"])
    ledger_post_many(
        [
            LedgerPost(
                key=f"payments:refund:{refund.reference}",
                kind="refund",
                memo=f"Refund {refund.reference} of payment {refund.payment.reference}",
                entries=[
                    (provider_account(refund.payment.provider), -refund.amount_fen),
                    (_counter(refund.payment), refund.amount_fen),
                ],
                obj=refund,
            )
            for refund in done
        ]
    )
    record_events(
        NewEvent(
            verb="payments.payment.refunded",
            owner_id=refund.payment.member_id,
            object_type=Payment._meta.label_lower,
            object_id=refund.payment.pk,
            properties={"amount_fen": refund.amount_fen, "refund": refund.reference},
            idempotency_key=f"payments:refund:{refund.reference}",
        )
        for refund in done
    )
    signals.payments_refunded.send(sender=Payment, refunds=done)


def _tell_staff_refunds_failed(failed: list[Refund]) -> None:
    """A refund the provider refused leaves a member's money with us: everyone who
    handles payments hears of it at once (the console lists it, to send it again)."""
    staff = (
        User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=MONEY_ROLES), is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    notify(
        recipient_ids=list(staff),
        kind=notices.REFUND_FAILED,
        actor=None,
        url=reverse("payments:console") + "#failed-refunds",
        params={"count": len(failed), "refund": failed[0].reference},
        # One alert an hour at most: a provider refusing a whole campaign's refunds (the
        # periodic check sends them one by one) must not send staff 100,000 emails.
        dedupe_key=f"payments:refund-failed:{timezone.now():%Y-%m-%d-%H}",
    )


def _apply_refund(refund: Refund, state: base.RefundState) -> None:
    _apply_refunds([refund], {refund.reference: state})


def _locked_refunds(references) -> list[Refund]:
    """The refunds and their payments, locked payments first (the order every writer
    takes), each in primary-key order; refunds of one payment share its object."""
    references = list(references)
    payment_ids = sorted(
        set(Refund.objects.filter(reference__in=references).values_list("payment_id", flat=True))
    )
    payments = {
        payment.pk: payment
        for payment in Payment.objects.select_for_update().filter(pk__in=payment_ids).order_by("pk")
    }
    refunds = list(Refund.objects.select_for_update().filter(reference__in=references).order_by("pk"))
    for refund in refunds:
        refund.payment = payments[refund.payment_id]
    return refunds


def _locked_refund(reference: str) -> Refund | None:
    found = _locked_refunds([reference])
    return found[0] if found else None


def notice_apply(*, provider_code: str, notice: base.Notice, remote_addr: str = "", size: int = 0) -> str:
    """Apply a notification that passed its provider's checks, once. Returns its outcome."""
    reference = notice.reference
    fields = {
        "provider": provider_code,
        "notice_id": notice.notice_id,
        "kind": notice.kind[:40],
        "reference": reference[:40],
        "remote_addr": remote_addr[:45],
        "size": size,
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ProviderNotice.objects.create(outcome=NoticeOutcome.ACCEPTED, **fields)
        except IntegrityError:
            ProviderNotice.objects.create(outcome=NoticeOutcome.DUPLICATE, **fields)
            return NoticeOutcome.DUPLICATE
        if notice.transfer is not None:
            # A transfer to a member (a payout) reached a final state.
            payment = None
            found = payout_transfers.transfer_notice_apply(
                provider_code=provider_code, transfer=notice.transfer
            )
            outcome = NoticeOutcome.ACCEPTED if found else NoticeOutcome.UNKNOWN
        elif notice.trade is not None:
            payment = (
                Payment.objects.select_for_update()
                .filter(reference=reference, provider=provider_code)
                .first()
            )
            outcome = NoticeOutcome.UNKNOWN if payment is None else _apply_trade(payment, notice.trade)
        else:
            refund = _locked_refund(reference)
            if refund is not None and refund.payment.provider != provider_code:
                refund = None
            payment = refund.payment if refund else None
            outcome = NoticeOutcome.UNKNOWN if refund is None else NoticeOutcome.ACCEPTED
            if refund is not None:
                _apply_refund(refund, notice.refund)
        if outcome != NoticeOutcome.ACCEPTED or payment is not None:
            ProviderNotice.objects.filter(pk=record.pk).update(outcome=outcome, payment=payment)
    if outcome != NoticeOutcome.ACCEPTED:
        log.warning("%s notification %s: %s", provider_code, notice.notice_id, outcome)
    return outcome


def notice_refused_record(
    *, provider_code: str, refusal: base.NoticeRefused, remote_addr: str, network: str, size: int
):
    """Keep a refused notification's reason — never its content — at most
    PAYMENTS_REFUSED_NOTICE_LOG_RATE a minute per client network: anyone can post forged
    notifications, and a flood must not grow the table without bound (each is logged)."""
    log.warning("%s notification refused (%s): %s", provider_code, refusal.outcome, refusal.detail)
    try:
        ratelimit.hit("payments-refused-notice", network, settings.PAYMENTS_REFUSED_NOTICE_LOG_RATE)
    except RateLimited:
        return None
    return ProviderNotice.objects.create(
        provider=provider_code,
        outcome=refusal.outcome,
        detail=refusal.detail[:200],
        remote_addr=remote_addr[:45],
        size=size,
    )


def notice_receive(*, provider_code: str, headers, body: bytes, remote_addr: str, network: str):
    """A notification as it arrived over HTTP: check it, apply it, and give the answer
    the provider expects (success also for a duplicate, so its retries stop)."""
    if provider_code not in registry.enabled_codes():
        raise NotFound()
    provider = registry.provider(provider_code)
    try:
        notice = provider.read_notice(headers=headers, body=body, params={})
    except base.NoticeRefused as refusal:
        notice_refused_record(
            provider_code=provider_code,
            refusal=refusal,
            remote_addr=remote_addr,
            network=network,
            size=len(body),
        )
        return provider.acknowledge(False)
    notice_apply(provider_code=provider_code, notice=notice, remote_addr=remote_addr, size=len(body))
    return provider.acknowledge(True)


def offline_pay(*, actor, reference: str) -> Payment:
    """The demo provider's page: the member "pays" their own pending demo payment."""
    payment = Payment.objects.filter(reference=reference, provider="offline", member=actor).first()
    if payment is None or not actor.is_authenticated:
        raise NotFound()
    if payment.status != PaymentStatus.PENDING:
        raise ValidationFailed(_("This payment is no longer waiting to be paid."))
    if payment.expires_at <= timezone.now():
        raise ValidationFailed(_("This payment has expired; start again."))
    provider = registry.provider("offline")
    try:
        notice = provider.pay(reference)
    except base.ProviderError as exc:
        raise ValidationFailed(_("This payment is no longer waiting to be paid.")) from exc
    notice_apply(provider_code="offline", notice=notice)
    payment.refresh_from_db()
    return payment


# Asking the provider -----------------------------------------------------------------


def payment_check(*, payment: Payment, now=None) -> Payment:
    """Ask the provider about a payment it has not reported (its notification may never
    come), apply the answer, and close a payment past its time that was not paid."""
    now = now or timezone.now()
    provider = registry.provider(payment.provider)
    trade = provider.query(payment)
    if trade.state in (base.TRADE_WAITING, base.TRADE_UNKNOWN) and payment.expires_at <= now:
        provider.close(payment)
        # Asked again after closing: a payment made while we closed it must not be lost.
        trade = provider.query(payment)
        if trade.state in (base.TRADE_WAITING, base.TRADE_UNKNOWN):
            trade = base.TradeState(reference=payment.reference, state=base.TRADE_CLOSED)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _apply_trade(locked, trade)
        Payment.objects.filter(pk=locked.pk).update(checked_at=now)
    locked.refresh_from_db()
    return locked


def payment_check_by_staff(*, actor, payment: Payment) -> Payment:
    from .permissions import can_manage_payments

    if not can_manage_payments(actor):
        raise NotFound()
    try:
        checked = payment_check(payment=payment)
    except base.ProviderError as exc:
        raise ProviderUnavailable(_("The payment service could not be reached; try again later.")) from exc
    with transaction.atomic():
        audit_record(
            actor=actor, action="payments.payment.checked", target=checked, data={"status": checked.status}
        )
    return checked


# Refunds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundAsk:
    """One refund of a batch for `refunds_request_many`: this much of a paid payment,
    once per key."""

    payment: Payment
    amount_fen: int
    key: str


def refund_request(
    *, payment: Payment, amount_fen: int, reason: str, key: str, actor=None, send_now: bool | None = True
) -> Refund:
    """Refund part or all of a paid payment, once per key. The refund is recorded first
    and then sent to the provider: at once (`send_now=True`), once the caller's
    transaction commits (`False`), or by the caller's own task and the periodic check
    (`None`, for many refunds at once); if the provider cannot be reached it
    stays requested and the periodic check sends it again under the same refund number."""
    (refund,) = refunds_request_many(
        asks=[RefundAsk(payment=payment, amount_fen=amount_fen, key=key)], reason=reason, actor=actor
    )
    if send_now:
        refund_submit(refund_id=refund.pk)
        refund.refresh_from_db()
    elif send_now is False:
        # After the caller's transaction commits (immediately when there is none); if
        # that send fails, or never runs, the periodic check sends it.
        transaction.on_commit(lambda: refund_submit(refund_id=refund.pk))
    return refund


def refunds_request_many(*, asks: list[RefundAsk], reason: str, actor=None) -> list[Refund]:
    """Record refunds of paid payments, each once per key, with their payments locked —
    a whole batch in a few statements (every deposit of a failed campaign). Every ask
    must be refundable (paid, and no more than is left after the refunds on their way),
    or nothing is recorded. Returns the refunds in the order asked, the ones recorded
    before under the same key included. Sending them is the caller's (refunds_submit)."""
    for ask in asks:
        amount = ask.amount_fen
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValidationFailed(_("The amount must be more than zero."), field="amount")
    problem = _line_problem(reason, 80)
    if problem:
        raise ValidationFailed(problem, field="reason")
    references = [refund_reference(ask.key) for ask in asks]
    with transaction.atomic():
        payments = {
            payment.pk: payment
            for payment in Payment.objects.select_for_update()
            .filter(pk__in=sorted({ask.payment.pk for ask in asks}))
            .order_by("pk")
        }
        recorded = {refund.reference: refund for refund in Refund.objects.filter(reference__in=references)}
        on_the_way = defaultdict(
            int,
            Refund.objects.filter(
                payment_id__in=list(payments), status__in=(RefundStatus.REQUESTED, RefundStatus.PROCESSING)
            )
            .values("payment_id")
            .annotate(total=Sum("amount_fen"))
            .values_list("payment_id", "total"),
        )
        new: list[Refund] = []
        answer: list[Refund] = []
        for ask, reference in zip(asks, references, strict=True):
            if reference in recorded:
                found = recorded[reference]
                if found.payment_id != ask.payment.pk or found.amount_fen != ask.amount_fen:
                    # A caller bug (one key for two refunds): refuse rather than hide it.
                    raise ValueError(f"refund key {ask.key!r} names another refund ({found.reference})")
                answer.append(found)
                continue
            locked = payments.get(ask.payment.pk)
            if locked is None:
                raise ValidationFailed(_("Only a paid payment can be refunded."), field="amount")
            if locked.status != PaymentStatus.PAID:
                raise ValidationFailed(_("Only a paid payment can be refunded."), field="amount")
            refundable = locked.amount_fen - locked.refunded_fen - on_the_way[locked.pk]
            if ask.amount_fen > refundable:
                raise ValidationFailed(
                    _("At most %(yuan)s yuan of this payment can still be refunded.")
                    % {"yuan": f"{refundable / 100:.2f}"},
                    field="amount",
                )
            on_the_way[locked.pk] += ask.amount_fen
            refund = Refund(
                payment=locked,
                reference=reference,
                amount_fen=ask.amount_fen,
                reason=reason.strip(),
                requested_by=actor,
            )
            new.append(refund)
            recorded[reference] = refund
            answer.append(refund)
        Refund.objects.bulk_create(new)
        if actor is not None and actor.staff_roles:
            for refund in new:
                audit_record(
                    actor=actor,
                    action="payments.refund.requested",
                    target=refund.payment,
                    reason=reason.strip(),
                    data={"refund": refund.reference, "amount_fen": refund.amount_fen},
                )
    return answer


def refund_by_staff(*, actor, payment: Payment, amount_fen: int, reason: str, token: str) -> Refund:
    from .permissions import can_manage_payments

    if not can_manage_payments(actor):
        raise NotFound()
    if payment.purpose_type:
        # A deposit or a purchase is refunded where it was made (cancelling the backing,
        # the campaign or the sale), so that record and the money stay in step.
        raise ValidationFailed(
            _("This payment belongs to a campaign or a sale: refund it there, so both records stay true."),
            field="amount",
        )
    if not (isinstance(token, str) and 16 <= len(token) <= 64 and token.isalnum()):
        raise ValidationFailed(_("Reload the page and try again."), field="amount")
    # The form's one-time token: the same form sent twice (a double click, a retry after a
    # slow provider) is one refund.
    return refund_request(
        payment=payment,
        amount_fen=amount_fen,
        reason=reason,
        key=f"staff:{payment.reference}:{token}",
        actor=actor,
    )


def _again_key(refund: Refund) -> str:
    return f"payments:again:{refund.reference}"


def again_reference(refund: Refund) -> str:
    """The number a failed refund is sent again under: once per failed refund."""
    return refund_reference(_again_key(refund))


def refund_send_again(*, actor, refund: Refund) -> Refund:
    """Staff send a refund the provider refused again, as a new refund of the same
    amount. The provider is asked first: a refund it paid out after all is recorded as
    such instead, and one it has not closed (abnormal, still being settled there) is not
    sent again — either would pay the member twice. The form sent twice is one new
    refund; if the new one fails too, it can be sent again in turn."""
    from .permissions import can_manage_payments

    if not can_manage_payments(actor):
        raise NotFound()
    if refund.status != RefundStatus.FAILED:
        raise Conflict(_("Only a refund that failed can be sent again."))
    if refund.replaced_by_id is None:
        try:
            state = registry.provider(refund.payment.provider).query_refund(refund)
        except base.ProviderError as exc:
            raise ProviderUnavailable(
                _("The payment service could not be reached; try again later.")
            ) from exc
        if state.state == base.REFUND_DONE:
            with transaction.atomic():
                _apply_refunds(_locked_refunds([refund.reference]), {refund.reference: state})
            raise Conflict(
                _("The provider says this refund was paid out after all: it is now recorded as refunded.")
            )
        if state.state not in (base.REFUND_FAILED, base.REFUND_UNKNOWN):
            raise Conflict(
                _("The provider has not closed this refund: settle it there, not by sending it again.")
            )
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)  # a double click waits here
        failed = Refund.objects.select_for_update().get(pk=refund.pk)
        if failed.replaced_by_id is not None:
            again = failed.replaced_by
        else:
            refund.payment = payment
            (again,) = refunds_request_many(
                asks=[
                    RefundAsk(
                        payment=payment,
                        amount_fen=failed.amount_fen,
                        key=_again_key(failed),
                    )
                ],
                reason=failed.reason,
            )
            Refund.objects.filter(pk=failed.pk).update(replaced_by=again)
            Refund.objects.filter(pk=again.pk).update(requested_by=actor)
            audit_record(
                actor=actor,
                action="payments.refund.sent_again",
                target=payment,
                data={"failed": failed.reference, "refund": again.reference, "amount_fen": again.amount_fen},
            )
    refund_submit(refund_id=again.pk)
    again.refresh_from_db()
    return again


def refund_submit(*, refund_id: int) -> None:
    """Send a requested refund to the provider (again: its number makes it one refund)."""
    refunds_submit(refund_ids=[refund_id])


def refunds_submit(*, refund_ids) -> int:
    """Send requested refunds to their providers (again: a refund's number makes it one
    refund) and apply the answers in one transaction. A refund the provider could not
    take now stays requested with the reason; the periodic check sends it again.
    Returns how many the providers answered."""
    refunds = list(
        Refund.objects.select_related("payment")
        .filter(pk__in=list(refund_ids), status=RefundStatus.REQUESTED)
        .order_by("pk")
    )
    if not refunds:
        return 0
    with transaction.atomic():
        # Payments first, as every writer locks them, then the refunds' counters.
        list(
            Payment.objects.select_for_update()
            .filter(pk__in=sorted({refund.payment_id for refund in refunds}))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Refund.objects.filter(pk__in=[refund.pk for refund in refunds]).update(
            attempts=F("attempts") + 1, checked_at=timezone.now()
        )
    states: dict[str, base.RefundState] = {}
    by_provider: dict[str, list[Refund]] = {}
    for refund in refunds:
        by_provider.setdefault(refund.payment.provider, []).append(refund)
    for code, batch in by_provider.items():
        for refund, answer in zip(batch, registry.provider(code).refund_many(batch), strict=True):
            if not isinstance(answer, base.ProviderError) and (
                answer.reference != refund.reference
                or (answer.amount_fen is not None and answer.amount_fen != refund.amount_fen)
            ):
                answer = base.ProviderError(
                    f"answered for {answer.reference} ({answer.amount_fen} fen), not this refund"
                )
                log.error("refund %s: %s", refund.reference, answer)
            if isinstance(answer, base.ProviderError):
                log.warning("refund %s not sent yet: %s", refund.reference, answer)
                Refund.objects.filter(pk=refund.pk).update(problem=str(answer)[:200])
            else:
                states[refund.reference] = answer
    if not states:
        return 0
    try:
        with transaction.atomic():
            _apply_refunds(_locked_refunds(states), states)
    except Exception:
        # One refund's answer that cannot be applied must not hold back the rest of a
        # batch the provider has paid out: each on its own (the failing one is logged
        # and left for the periodic check).
        log.exception("a batch of %d refunds could not be applied together; one at a time", len(states))
        for reference, state in states.items():
            try:
                with transaction.atomic():
                    _apply_refunds(_locked_refunds([reference]), {reference: state})
            except Exception:
                log.exception("refund %s: the provider's answer could not be applied", reference)
    return len(states)


def refund_check(*, refund: Refund) -> None:
    state = registry.provider(refund.payment.provider).query_refund(refund)
    if state.state == base.REFUND_UNKNOWN:
        # Accepted, but the provider cannot find it yet: ask again later.
        state = base.RefundState(reference=refund.reference, state=base.REFUND_PROCESSING)
    with transaction.atomic():
        locked = _locked_refund(refund.reference)
        _apply_refund(locked, state)
        Refund.objects.filter(pk=locked.pk).update(checked_at=timezone.now())


# The periodic check -------------------------------------------------------------------


def payments_check_due(*, now=None, limit: int = 200) -> dict:
    """Payments and refunds the providers have not reported: ask about each (payments a
    minute after they started, then every minute; refunds still to be sent, every
    minute). Run by the periodic task; a provider that is down is asked next time."""
    now = now or timezone.now()
    wait = timedelta(seconds=settings.PAYMENTS_QUERY_AFTER_SECONDS)
    counts = {"payments": 0, "refunds": 0, "unreachable": 0}
    due = (
        Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=now - wait)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - wait))
        .order_by(F("checked_at").asc(nulls_first=True), "created_at")[:limit]
    )
    for payment in due:
        # Marked first: a payment whose check fails in any way goes to the back of the
        # queue instead of blocking every later one.
        Payment.objects.filter(pk=payment.pk).update(checked_at=now)
        try:
            payment_check(payment=payment, now=now)
            counts["payments"] += 1
        except base.ProviderError as exc:
            counts["unreachable"] += 1
            log.warning("payment %s: provider not reachable: %s", payment.reference, exc)
        except Exception:
            counts["unreachable"] += 1
            log.exception("payment %s could not be checked", payment.reference)
    refunds = (
        Refund.objects.filter(status__in=(RefundStatus.REQUESTED, RefundStatus.PROCESSING))
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - wait))
        .select_related("payment")
        .order_by(F("checked_at").asc(nulls_first=True), "created_at")[:limit]
    )
    refunds = list(refunds)
    Refund.objects.filter(pk__in=[refund.pk for refund in refunds]).update(checked_at=now)
    # Refunds still to send go to the providers as one batch (refunds_submit keeps each
    # refund's trouble to itself); the ones being processed are asked about one by one.
    to_send = [refund.pk for refund in refunds if refund.status == RefundStatus.REQUESTED]
    if to_send:
        try:
            refunds_submit(refund_ids=to_send)
            counts["refunds"] += len(to_send)
        except Exception:
            counts["unreachable"] += len(to_send)
            log.exception("refunds %s could not be sent", to_send)
    for refund in refunds:
        if refund.status == RefundStatus.REQUESTED:
            continue
        try:
            refund_check(refund=refund)
            counts["refunds"] += 1
        except base.ProviderError as exc:
            counts["unreachable"] += 1
            log.warning("refund %s: provider not reachable: %s", refund.reference, exc)
        except Exception:
            counts["unreachable"] += 1
            log.exception("refund %s could not be checked", refund.reference)
    return counts


def payment_close(*, payment: Payment) -> Payment:
    """Close a payment nobody will pay (its purpose ended): at the provider first, then
    here — unless the provider says it was paid meanwhile, which is then recorded."""
    provider = registry.provider(payment.provider)
    try:
        trade = provider.query(payment)  # paid meanwhile? then it is recorded, not closed
        if trade.state in (base.TRADE_WAITING, base.TRADE_UNKNOWN):
            provider.close(payment)
            trade = provider.query(payment)
    except base.ProviderError as exc:
        raise ProviderUnavailable(_("The payment service could not be reached; try again later.")) from exc
    if trade.state in (base.TRADE_WAITING, base.TRADE_UNKNOWN):
        trade = base.TradeState(reference=payment.reference, state=base.TRADE_CLOSED)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _apply_trade(locked, trade)
    return locked


def payment_close_quietly(*, payment: Payment) -> None:
    """Close a payment nobody will pay (a backing cancelled, a hold that ran out); if the
    provider cannot be reached now, the periodic check closes it when it expires — and a
    payment that arrives anyway reaches its purpose, which refunds it."""
    try:
        payment_close(payment=payment)
    except ProviderUnavailable:
        log.warning("payment %s left for the periodic check to close", payment.reference)
