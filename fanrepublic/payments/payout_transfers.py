"""Payouts on their way: handing one to its provider, and applying what the provider
says of it — the answer to the send, the periodic query, or WeChat Pay's notification —
under the payout's row lock, each change once (the ledger key is the payout's
reference). Calls to a provider are never made while a row is locked. The requests,
the accounts and the staff's actions are in payouts.py, which schedules `tasks.send_payout`
(this module schedules nothing, so the task can call it)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fanrepublic.activity.services import record_event
from fanrepublic.notifications.services import notify
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.models import Transaction
from fanrepublic.points.services import AccountRef, ledger_post, transaction_reverse

from . import notices
from .enums import PayoutState
from .models import PayeeAccount, Payout
from .money import yuan_text
from .providers import base, registry

log = logging.getLogger(__name__)

IN_FLIGHT = (PayoutState.REQUESTED, PayoutState.SENT)


def in_transit_account() -> AccountRef:
    """Payouts requested and not yet final: what the platform still owes members who asked
    for their money (never negative; ledger_problems would say so)."""
    return AccountRef(
        code="system:payouts-in-transit:CNY", kind=AccountKind.SETTLEMENT, currency=Currency.CNY
    )


def paid_out_account(code: str) -> AccountRef:
    """What has been paid out to members through a provider. Kept apart from the
    provider's own account (payments.services.provider_account, "paid in, less refunds"),
    so that one still reads as what payers paid, and what the provider holds for the
    platform is the one less the other."""
    return AccountRef(
        code=f"system:provider-{code}-payouts:CNY", kind=AccountKind.PROVIDER, currency=Currency.CNY
    )


def notify_after_commit(**kwargs) -> None:
    transaction.on_commit(lambda: notify(**kwargs))


# Sending and applying what the provider says ---------------------------------------------------


def apply_transfer(payout: Payout, state: base.TransferState) -> bool:
    """The provider's word on a transfer, applied to the locked payout, once. Returns
    whether the payout changed."""
    now = timezone.now()
    if state.state in (base.TRANSFER_UNKNOWN,):
        return False
    if not payout.in_flight:
        final = base.TRANSFER_DONE if payout.state == PayoutState.DONE else base.TRANSFER_FAILED
        if state.state in (base.TRANSFER_DONE, base.TRANSFER_FAILED) and state.state != final:
            # Returned to the wallet here, paid out there (or the reverse): the member may
            # have the money twice, or not at all. For a person to settle, loudly.
            payout.problem = f"the provider now says {state.state}, after it was {payout.state} here"[:200]
            Payout.objects.filter(pk=payout.pk).update(problem=payout.problem)
            log.error("payout %s: %s", payout.reference, payout.problem)
        return False
    fields = {"checked_at": now}
    if state.transfer_no:
        fields["provider_no"] = state.transfer_no
    if state.provider_state:
        fields["provider_state"] = state.provider_state
    if state.state == base.TRANSFER_PROCESSING:
        became_waiting = (
            state.provider_state == "WAIT_USER_CONFIRM" and state.package_info and not payout.package_info
        )
        if state.package_info:
            fields["package_info"] = state.package_info
        elif state.provider_state and state.provider_state != "WAIT_USER_CONFIRM":
            fields["package_info"] = ""
        Payout.objects.filter(pk=payout.pk).update(**fields, problem="")
        for name, value in fields.items():
            setattr(payout, name, value)
        if became_waiting and payout.member_id:
            _tell_member(payout, "confirm")
        return True
    fields["completed_at"] = now
    fields["package_info"] = ""
    fields["problem"] = ""
    if state.state == base.TRANSFER_DONE:
        fields["state"] = PayoutState.DONE
        tx = ledger_post(
            key=f"payments:payout:{payout.reference}:done",
            kind="payout",
            memo=f"Payout {payout.reference} paid out ({payout.provider})",
            entries=[
                (in_transit_account(), -payout.amount_fen),
                (paid_out_account(payout.provider), payout.amount_fen),
            ],
            obj=payout,
        )
        fields["settle_tx"] = tx.pk
        if payout.payee_id:
            # Alipay checked the login and the name together: the account is proven.
            PayeeAccount.objects.filter(pk=payout.payee_id, verified_at__isnull=True).update(verified_at=now)
    else:
        fields["state"] = PayoutState.FAILED
        fields["failure_code"] = (state.reason or "FAIL")[:64]
        request_tx = Transaction.objects.get(pk=payout.request_tx_id)
        tx = transaction_reverse(
            tx=request_tx,
            key=f"payments:payout:{payout.reference}:returned",
            memo=f"Payout {payout.reference} failed ({fields['failure_code']}): back to the wallet",
        )
        fields["return_tx"] = tx.pk
    Payout.objects.filter(pk=payout.pk).update(**fields)
    for name, value in fields.items():
        setattr(payout, f"{name}_id" if name.endswith("_tx") else name, value)
    verb = "payments.payout.done" if payout.state == PayoutState.DONE else "payments.payout.failed"
    record_event(
        verb=verb,
        owner=payout.member,
        obj=payout,
        properties={
            "amount_fen": payout.amount_fen,
            "provider": payout.provider,
            "reason": payout.failure_code,
        },
        idempotency_key=f"payments:payout:{payout.reference}:{payout.state}",
    )
    if payout.member_id:
        _tell_member(payout, payout.state)
    return True


def _tell_member(payout: Payout, outcome: str) -> None:
    notify_after_commit(
        recipient_ids=[payout.member_id],
        kind=notices.PAYOUT,
        actor=None,
        url=payout.get_absolute_url(),
        params={
            "outcome": outcome,
            "amount": yuan_text(payout.amount_fen),
            "provider": payout.provider,
            "reason": payout.failure_code,
        },
        dedupe_key=f"payments:payout:{payout.reference}:{outcome}",
    )


def locked_payout(payout_id: int) -> Payout | None:
    return Payout.objects.select_for_update().filter(pk=payout_id).first()


def transfer_notice_apply(*, provider_code: str, transfer: base.TransferState) -> Payout | None:
    """A provider's signed notification about a transfer (inside the notification's
    transaction). None when no payout of ours has this reference."""
    found = Payout.objects.filter(reference=transfer.reference, provider=provider_code).values_list(
        "pk", flat=True
    )
    payout = locked_payout(found[0]) if found else None
    if payout is None:
        return None
    if transfer.amount_fen is not None and transfer.amount_fen != payout.amount_fen:
        log.error(
            "payout %s: notified of %s fen, not %s", payout.reference, transfer.amount_fen, payout.amount_fen
        )
        Payout.objects.filter(pk=payout.pk).update(problem="notified of another amount; asked again")
        return payout
    apply_transfer(payout, transfer)
    return payout


def payout_send(*, payout_id: int) -> Payout | None:
    """Hand a payout to its provider (again: the same reference is the same transfer) and
    apply the answer. Marked sent before the call, so that a payout whose answer is lost
    is known to be maybe at the provider, and asked about. Safe to run twice."""
    with transaction.atomic():
        payout = locked_payout(payout_id)
        if payout is None or not payout.in_flight:
            return payout
        now = timezone.now()
        Payout.objects.filter(pk=payout.pk).update(
            state=PayoutState.SENT, attempts=F("attempts") + 1, last_sent_at=now, checked_at=now
        )
    payout.refresh_from_db()
    try:
        answer = registry.provider(payout.provider).transfer(payout)
    except base.ProviderError as exc:
        log.warning("payout %s: no answer from the provider: %s", payout.reference, exc)
        Payout.objects.filter(pk=payout.pk).update(problem=str(exc)[:200])
        payout.problem = str(exc)[:200]
        return payout
    except Exception as exc:  # an answer the provider code could not read: asked again later
        log.exception("payout %s: unreadable answer", payout.reference)
        Payout.objects.filter(pk=payout.pk).update(problem=f"unreadable answer: {exc!r}"[:200])
        return payout
    with transaction.atomic():
        locked = locked_payout(payout.pk)
        apply_transfer(locked, answer)
    return locked


def payout_check(*, payout: Payout, resend: bool = True) -> Payout:
    """Ask the provider about a payout it has not settled and apply the answer; one it
    does not know (the send never arrived) is sent again under the same reference, up to
    PAYOUT_MAX_SENDS times in all (`resend`). Raises ProviderError when it cannot be
    asked."""
    if payout.state == PayoutState.REQUESTED:
        return payout_send(payout_id=payout.pk) or payout
    if payout.state != PayoutState.SENT:
        return payout
    state = registry.provider(payout.provider).query_transfer(payout)
    if state.state == base.TRANSFER_UNKNOWN:
        Payout.objects.filter(pk=payout.pk).update(checked_at=timezone.now())
        if resend and payout.attempts < settings.PAYOUT_MAX_SENDS:
            return payout_send(payout_id=payout.pk) or payout
        payout.refresh_from_db()
        return payout
    with transaction.atomic():
        locked = locked_payout(payout.pk)
        apply_transfer(locked, state)
        Payout.objects.filter(pk=locked.pk).update(checked_at=timezone.now())
    locked.refresh_from_db()
    if (
        locked.provider_state == "WAIT_USER_CONFIRM"
        and not locked.package_info
        and locked.attempts < settings.PAYOUT_MAX_SENDS
    ):
        # Waiting for the member, but the send's answer (which alone carries the package
        # their WeChat needs) was lost: the same transfer sent again answers with it.
        return payout_send(payout_id=locked.pk) or locked
    return locked


def payouts_check_due(*, now=None, limit: int = 200) -> dict:
    """Payouts the providers have not settled: the ones never sent (the task after the
    request was lost) are sent, the ones sent are asked about — a minute after they were
    last asked, then less often the more often they were sent. Run by the periodic task;
    a provider that is down is asked next time."""
    now = now or timezone.now()
    wait = datetime.timedelta(seconds=settings.PAYMENTS_QUERY_AFTER_SECONDS)
    counts = {"sent": 0, "checked": 0, "unreachable": 0}
    due = list(
        Payout.objects.filter(state__in=IN_FLIGHT)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - wait))
        .order_by(F("checked_at").asc(nulls_first=True), "created_at")[: limit * 2]
    )
    picked = []
    for payout in due:
        # Back off: a payout sent n times is asked about every n minutes (at most hourly).
        if payout.checked_at and payout.checked_at > now - wait * min(max(payout.attempts, 1), 60):
            continue
        picked.append(payout)
        if len(picked) == limit:
            break
    Payout.objects.filter(pk__in=[p.pk for p in picked]).update(checked_at=now)
    for payout in picked:
        try:
            if payout.state == PayoutState.REQUESTED:
                payout_send(payout_id=payout.pk)
                counts["sent"] += 1
            else:
                payout_check(payout=payout)
                counts["checked"] += 1
        except base.ProviderError as exc:
            counts["unreachable"] += 1
            Payout.objects.filter(pk=payout.pk).update(problem=str(exc)[:200])
            log.warning("payout %s: provider not reachable: %s", payout.reference, exc)
        except Exception:
            counts["unreachable"] += 1
            log.exception("payout %s could not be checked", payout.reference)
    return counts
