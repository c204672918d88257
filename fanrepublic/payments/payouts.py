"""Payouts: a member's yuan wallet paid out to their own WeChat Pay balance or Alipay
account, and the accounts they are paid to.

The money moves in the ledger with the payout's state, each step once (its ledger key is
the payout's reference):

    requested   wallet ──amount──▶ payouts in transit      (same transaction as the row)
    done        payouts in transit ──▶ paid out through the provider
    failed      the request's transaction reversed: back into the wallet

so the amount cannot be spent twice while it travels, and none appears or vanishes. A
payout goes to the provider after the request commits (a task), and is never sent
under another number: a transfer that was not answered is asked about and, if the
provider has none, sent again under the same reference — which both providers treat as
the same transfer. Whatever way the provider's word arrives (the answer to the send,
the periodic query, WeChat's notification), it is applied by
`payout_transfers.apply_transfer` under the payout's row lock, and calls to a provider
are never made while a row is locked.

The accounts: an Alipay login with the real name Alipay checks it against, or the
member's openid under the merchant's WeChat app id, which only WeChat's web sign-in can
give (a signed, single-use state bound to the member guards the round trip). A changed
account is recorded (event), its owner is told (notification, email by default), and it
receives nothing for PAYOUT_NEW_PAYEE_HOLD_HOURS — see `_payee_replace`."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import secrets
import time
import unicodedata
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.tasks import enqueue_on_commit
from fanrepublic.core.text import text_problem
from fanrepublic.points.enums import Currency
from fanrepublic.points.errors import InsufficientBalance
from fanrepublic.points.services import ledger_post, wallet_ref

from . import notices, tasks
from .enums import PayoutState, ProviderCode
from .errors import ProviderUnavailable
from .models import PayeeAccount, Payout, PayoutPolicy
from .money import fen_to_yuan
from .payout_transfers import (
    IN_FLIGHT,
    apply_transfer,
    in_transit_account,
    locked_payout,
    notify_after_commit,
    payout_check,
)
from .permissions import can_manage_payments
from .providers import base, registry
from .selectors import payout_policy, wallet_balance_fen

log = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
MAX_PAYOUT_FEN = 100_000_000_00  # a sanity bound before any setting is read
WECHAT_BIG_PAYOUT_FEN = 2_000_00  # WeChat Pay wants the payee's real name from 2,000 yuan
STAFF_RETURN_AFTER = datetime.timedelta(minutes=10)


def _yuan(fen: int) -> str:
    return f"¥{fen_to_yuan(fen):,.2f}"


def _provider_label(code: str) -> str:
    return str(ProviderCode(code).label) if code in ProviderCode.values else code


# Payee accounts ----------------------------------------------------------------------------

ALIPAY_PHONE = re.compile(r"1[3-9][0-9]{9}")
# A plain address (no quoted local part, which email allows and Alipay logins never use).
ALIPAY_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")
OPENID = re.compile(r"[A-Za-z0-9_-]{6,64}")
# Besides letters and combining marks, what real names carry: the middle dots of
# transliterated and minority names (阿卜杜拉·买买提, マリー・キュリー), hyphens,
# apostrophes, full stops and single spaces.
NAME_PUNCTUATION = set("·・‧.-' ")


def real_name_checked(value, *, required: bool) -> str:
    """A payee's real name as the provider will compare it with the account: one line of
    letters (any script), single spaces and the punctuation of names; refused with a
    clear reason otherwise — never quietly changed, since a name that does not match
    fails the transfer."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_("Enter your real name as text."), field="real_name")
    problem = text_problem(value, single_line=True)
    if problem:
        raise ValidationFailed(problem, field="real_name")
    name = unicodedata.normalize("NFC", value.strip())
    if not name:
        if required:
            raise ValidationFailed(_("Enter the real name of the account's owner."), field="real_name")
        return ""
    if len(name) > 50:
        raise ValidationFailed(_("A real name has at most %(n)d characters.") % {"n": 50}, field="real_name")
    if "  " in name:
        raise ValidationFailed(_("Use single spaces in the name."), field="real_name")
    for ch in name:
        category = unicodedata.category(ch)
        if category[0] in "LM" or ch in NAME_PUNCTUATION:
            continue
        if category in ("Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"):
            raise ValidationFailed(_("Remove the invisible formatting characters."), field="real_name")
        raise ValidationFailed(
            _("A real name has letters only (and the dots, hyphens and spaces of names): remove %(char)s.")
            % {"char": repr(ch)},
            field="real_name",
        )
    if not any(unicodedata.category(ch)[0] == "L" for ch in name):
        raise ValidationFailed(_("Enter the real name of the account's owner."), field="real_name")
    return name


def alipay_login_checked(value) -> str:
    """The Alipay login a transfer goes to (ALIPAY_LOGON_ID): a mainland mobile number or
    an email address."""
    if not isinstance(value, str):
        raise ValidationFailed(_("Enter your Alipay login."), field="login")
    problem = text_problem(value, single_line=True)
    if problem:
        raise ValidationFailed(problem, field="login")
    login = value.strip().replace(" ", "")
    if ALIPAY_PHONE.fullmatch(login):
        return login
    if len(login) <= 100 and ALIPAY_EMAIL.fullmatch(login):
        try:
            validate_email(login)
        except ValidationError:
            pass
        else:
            return login.lower()
    raise ValidationFailed(
        _("Enter the mobile number (11 digits) or the email address you sign in to Alipay with."),
        field="login",
    )


def _payee_replace(*, member, provider: str, identifier: str, real_name: str, verified: bool) -> PayeeAccount:
    """Make this the member's account at the provider. A change — a new account, or the
    same one under another name — is a new row: the old one is marked removed, the
    change is recorded and the member is told by notification (and email, unless they
    turned it off), and the new account receives nothing for
    PAYOUT_NEW_PAYEE_HOLD_HOURS. Whoever takes over a session (a stolen cookie, a phone
    left unlocked) could otherwise link their own account and empty the wallet in a
    minute; the wait gives the owner the time to read the email and remove it."""
    now = timezone.now()
    with transaction.atomic():
        current = (
            PayeeAccount.objects.select_for_update()
            .filter(member=member, provider=provider, removed_at__isnull=True)
            .first()
        )
        if current is not None and current.identifier == identifier and current.real_name == real_name:
            if verified and current.verified_at is None:
                PayeeAccount.objects.filter(pk=current.pk).update(verified_at=now)
                current.verified_at = now
            return current  # nothing changed: no new wait, no alarm
        if current is not None:
            PayeeAccount.objects.filter(pk=current.pk).update(removed_at=now)
        try:
            with transaction.atomic():
                payee = PayeeAccount.objects.create(
                    member=member,
                    provider=provider,
                    identifier=identifier,
                    real_name=real_name,
                    verified_at=now if verified else None,
                )
        except IntegrityError:  # linked at the same moment in another request
            raise Conflict(
                _("Your payout account was changed at the same time elsewhere; reload the page.")
            ) from None
        record_event(
            verb="payments.payee.changed",
            actor=member,
            owner=member,
            obj=payee,
            properties={"provider": provider, "change": "replaced" if current else "linked"},
            idempotency_key=f"payments:payee:{payee.pk}:linked",
        )
        notify_after_commit(
            recipient_ids=[member.pk],
            kind=notices.PAYEE_CHANGED,
            actor=None,  # the member did it, and is told all the same: that is the point
            url=reverse("payments:payouts"),
            params={"provider": provider, "account": payee.masked, "change": "linked"},
            dedupe_key=f"payments:payee:{payee.pk}:linked",
        )
    return payee


def _payee_rate(member) -> None:
    ratelimit.hit("payments-payee", str(member.pk), settings.PAYOUT_PAYEE_CHANGE_RATE)


def _require_payout_provider(code: str) -> None:
    if code not in registry.payout_codes():
        raise ValidationFailed(_("Choose one of the payout methods offered."), field="provider")


def payee_alipay_link(*, member, login, real_name) -> PayeeAccount:
    """The member's Alipay account for payouts: their login and the real name Alipay
    checks it against (a transfer to a login under another name fails there)."""
    if not (member and member.is_authenticated):
        raise NotFound()
    _require_payout_provider("alipay")
    identifier = alipay_login_checked(login)
    name = real_name_checked(real_name, required=True)
    _payee_rate(member)
    return _payee_replace(
        member=member, provider="alipay", identifier=identifier, real_name=name, verified=False
    )


def payee_demo_link(*, member) -> PayeeAccount:
    """The demo provider's stand-in account: it receives nothing, so it needs no proof."""
    if not (member and member.is_authenticated):
        raise NotFound()
    _require_payout_provider("offline")
    _payee_rate(member)
    return _payee_replace(
        member=member, provider="offline", identifier=f"demo-{member.pk}", real_name="", verified=True
    )


def payee_remove(*, member, payee_id) -> PayeeAccount:
    """Unlink one of the member's own payout accounts (payouts on their way still go
    where they were sent)."""
    if not (member and member.is_authenticated) or not isinstance(payee_id, int):
        raise NotFound()
    with transaction.atomic():
        payee = (
            PayeeAccount.objects.select_for_update()
            .filter(pk=payee_id, member=member, removed_at__isnull=True)
            .first()
        )
        if payee is None:
            raise NotFound()
        payee.removed_at = timezone.now()
        payee.save(update_fields=["removed_at"])
        record_event(
            verb="payments.payee.changed",
            actor=member,
            owner=member,
            obj=payee,
            properties={"provider": payee.provider, "change": "removed"},
            idempotency_key=f"payments:payee:{payee.pk}:removed",
        )
        notify_after_commit(
            recipient_ids=[member.pk],
            kind=notices.PAYEE_CHANGED,
            actor=None,
            url=reverse("payments:payouts"),
            params={"provider": payee.provider, "account": payee.masked, "change": "removed"},
            dedupe_key=f"payments:payee:{payee.pk}:removed",
        )
    return payee


# WeChat's web sign-in (snsapi_base) -----------------------------------------------------------
#
# The state WeChat carries through its sign-in and back may hold only letters and digits
# (at most 128 bytes), so it is hex: a nonce, the time, and an HMAC of both with the
# member's id under the site's secret. It is refused unless the MAC is the member's, it
# is fresh, it is the one this member's session was given, and it was not used before.

_STATE = re.compile(r"([0-9a-f]{24})([0-9a-f]{8})([0-9a-f]{40})")


def _state_mac(member_id: int, nonce: str, stamp: str) -> str:
    return salted_hmac(
        "payments.wechat-oauth-state", f"{member_id}:{nonce}:{stamp}", algorithm="sha1"
    ).hexdigest()


def payee_wechat_start(*, member, real_name="") -> tuple[str, str]:
    """Where to send the member to sign in with WeChat, and the state the view keeps in
    their session for the way back. `real_name` (optional; required for payouts from
    2,000 yuan) is checked now and kept with the state by the view."""
    if not (member and member.is_authenticated):
        raise NotFound()
    _require_payout_provider("wechat")
    real_name_checked(real_name, required=False)
    _payee_rate(member)
    nonce = secrets.token_hex(12)
    stamp = f"{int(time.time()):08x}"
    state = nonce + stamp + _state_mac(member.pk, nonce, stamp)
    query = urlencode(
        {
            "appid": settings.WECHATPAY_APPID,
            "redirect_uri": settings.SITE_URL.rstrip("/") + reverse("payments:payee_wechat_return"),
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{settings.WECHAT_OAUTH_AUTHORIZE_URL}?{query}#wechat_redirect", state


def _state_checked(*, member, state, expected: str) -> None:
    refused = ValidationFailed(
        _("This WeChat sign-in is not the one this page started, or it has expired. Link your WeChat again."),
        field="state",
    )
    if not isinstance(state, str) or not expected or not constant_time_compare(state, expected):
        raise refused
    found = _STATE.fullmatch(state)
    if found is None:
        raise refused
    nonce, stamp, mac = found.groups()
    if not constant_time_compare(mac, _state_mac(member.pk, nonce, stamp)):
        raise refused
    age = time.time() - int(stamp, 16)
    if not -60 <= age <= settings.WECHAT_OAUTH_STATE_MAX_AGE:
        raise refused
    # Single use also beyond the session (a state copied out of it and sent again).
    if not cache.add(f"payments:wechat-oauth:{nonce}", 1, timeout=settings.WECHAT_OAUTH_STATE_MAX_AGE + 60):
        raise refused


def _openid_for(code: str) -> str:
    try:
        answer = requests.get(
            settings.WECHAT_OAUTH_API_BASE.rstrip("/") + "/sns/oauth2/access_token",
            params={
                "appid": settings.WECHATPAY_APPID,
                "secret": settings.WECHAT_OAUTH_APP_SECRET,
                "code": code,
                "grant_type": "authorization_code",
            },
            timeout=settings.PAYMENTS_HTTP_TIMEOUT,
        )
        data = answer.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("WeChat sign-in: the code could not be exchanged: %s", exc.__class__.__name__)
        raise ProviderUnavailable(_("WeChat could not be reached; try linking again in a moment.")) from exc
    if not isinstance(data, dict):
        data = {"errcode": "not an object"}
    openid = data.get("openid")
    if (
        answer.status_code != 200
        or data.get("errcode")
        or not isinstance(openid, str)
        or not OPENID.fullmatch(openid)
    ):
        # errcode 40029: the code is invalid, used before or older than five minutes.
        log.warning("WeChat sign-in refused: %s", str(data.get("errcode", ""))[:40])
        raise ValidationFailed(
            _("WeChat did not confirm your account. Link your WeChat again."), field="code"
        )
    return openid


def payee_wechat_finish(*, member, state, code, expected_state: str, real_name: str = "") -> PayeeAccount:
    """Back from WeChat's sign-in: check the state, exchange the code for the member's
    openid under the merchant's app id, and make it their WeChat payout account."""
    if not (member and member.is_authenticated):
        raise NotFound()
    _require_payout_provider("wechat")
    _state_checked(member=member, state=state, expected=expected_state)
    if not isinstance(code, str) or not 1 <= len(code) <= 128 or not code.isascii() or not code.isprintable():
        raise ValidationFailed(
            _("WeChat did not confirm your account. Link your WeChat again."), field="code"
        )
    name = real_name_checked(real_name, required=False)
    openid = _openid_for(code)
    return _payee_replace(member=member, provider="wechat", identifier=openid, real_name=name, verified=True)


# Requesting ----------------------------------------------------------------------------


def payout_reference(member, key: str) -> str:
    """The payout number for a member's request key: the same key, the same payout (and
    the same out_bill_no / out_biz_no at the provider). 32 letters and digits: WeChat's
    limit."""
    return "PO" + hashlib.sha256(f"payout:{member.pk}:{key}".encode()).hexdigest()[:30].upper()


def _key_checked(key) -> str:
    if key is None:
        return secrets.token_hex(16)
    if not isinstance(key, str) or not 1 <= len(key) <= 100 or not key.isascii() or not key.isprintable():
        raise ValidationFailed(_("Reload the page and try again."), field="key")
    return key


def _replayed(found: Payout, *, member, provider: str, amount: int) -> Payout:
    if found.member_id != member.pk or found.provider != provider or found.amount_fen != amount:
        raise ValidationFailed(
            _("This request was already used for another payout; reload the page."), field="amount"
        )
    found.replayed = True
    return found


def _china_day_start(now) -> datetime.datetime:
    local = now.astimezone(CHINA)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def payout_request(*, member, provider: str, amount, key: str | None = None) -> Payout:
    """Pay `amount` fen (an int) of the member's yuan wallet out to their account at
    `provider`. Checked first: a provider offered, the operator's minimum and the
    maximums per payout and per day, an account linked long enough ago, the balance,
    and no payout of theirs on its way. Then, in one transaction, the payout is recorded
    and the amount moves from the wallet to payouts in transit; it is sent after the
    commit. The same `key` again is the same payout (answered with `replayed = True`)."""
    if not (member and member.is_authenticated):
        raise NotFound()
    _require_payout_provider(provider)
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_PAYOUT_FEN:
        raise ValidationFailed(_("Enter an amount above zero, to the fen."), field="amount")
    reference = payout_reference(member, _key_checked(key))
    found = Payout.objects.filter(reference=reference).first()
    if found is not None:
        return _replayed(found, member=member, provider=provider, amount=amount)
    ratelimit.hit("payments-payout", str(member.pk), settings.PAYOUT_REQUEST_RATE)
    minimum = max(payout_policy().minimum_fen, registry.minimum_transfer_fen(provider))
    if amount < minimum:
        raise ValidationFailed(
            _("The smallest payout is %(yuan)s.") % {"yuan": _yuan(minimum)}, field="amount"
        )
    if amount > settings.PAYOUT_MAXIMUM_FEN:
        raise ValidationFailed(
            _("At most %(yuan)s can be paid out at once.") % {"yuan": _yuan(settings.PAYOUT_MAXIMUM_FEN)},
            field="amount",
        )
    payee = PayeeAccount.objects.filter(member=member, provider=provider, removed_at__isnull=True).first()
    if payee is None:
        raise ValidationFailed(
            _("Link your %(provider)s account first.") % {"provider": _provider_label(provider)},
            field="provider",
        )
    now = timezone.now()
    if payee.usable_from > now:
        raise ValidationFailed(
            _(
                "Your %(provider)s account was linked recently: payouts to it start on %(when)s (a new "
                "account waits, in case someone else linked it)."
            )
            % {
                "provider": _provider_label(provider),
                "when": timezone.localtime(payee.usable_from).strftime("%Y-%m-%d %H:%M"),
            },
            field="provider",
        )
    if provider == "wechat" and amount >= WECHAT_BIG_PAYOUT_FEN and not payee.real_name:
        raise ValidationFailed(
            _(
                "WeChat Pay needs your real name for a payout of ¥2,000 or more: link your WeChat "
                "again with your name."
            ),
            field="amount",
        )
    balance = wallet_balance_fen(member)
    if amount > balance:
        raise ValidationFailed(
            _("Your wallet holds %(yuan)s: ask for at most that.") % {"yuan": _yuan(balance)}, field="amount"
        )
    with transaction.atomic():
        if Payout.objects.filter(member=member, state__in=IN_FLIGHT).exists():
            raise Conflict(_("A payout of yours is on its way: wait until it is paid out or returned."))
        today = (
            Payout.objects.filter(member=member, created_at__gte=_china_day_start(now))
            .exclude(state=PayoutState.FAILED)
            .aggregate(total=Sum("amount_fen", default=0))["total"]
        )
        if today + amount > settings.PAYOUT_DAILY_MAXIMUM_FEN:
            raise ValidationFailed(
                _("At most %(limit)s can be paid out a day; %(left)s is left today.")
                % {
                    "limit": _yuan(settings.PAYOUT_DAILY_MAXIMUM_FEN),
                    "left": _yuan(max(0, settings.PAYOUT_DAILY_MAXIMUM_FEN - today)),
                },
                field="amount",
            )
        try:
            with transaction.atomic():
                payout = Payout.objects.create(
                    reference=reference,
                    member=member,
                    provider=provider,
                    payee=payee,
                    payee_identifier=payee.identifier,
                    payee_name=payee.real_name,
                    amount_fen=amount,
                )
        except IntegrityError:
            # The same key at the same moment (the same payout), or another request of
            # this member that got there first (one payout on its way at a time).
            found = Payout.objects.filter(reference=reference).first()
            if found is not None:
                return _replayed(found, member=member, provider=provider, amount=amount)
            raise Conflict(
                _("A payout of yours is on its way: wait until it is paid out or returned.")
            ) from None
        try:
            tx = ledger_post(
                key=f"payments:payout:{reference}:requested",
                kind="payout",
                memo=f"Payout {reference} ({provider})",
                entries=[(wallet_ref(member, Currency.CNY), -amount), (in_transit_account(), amount)],
                actor=member,
                obj=payout,
            )
        except InsufficientBalance:
            # Spent meanwhile (the wallet's balance is checked again as it is changed).
            raise ValidationFailed(
                _("Your wallet holds %(yuan)s: ask for at most that.")
                % {"yuan": _yuan(wallet_balance_fen(member))},
                field="amount",
            ) from None
        Payout.objects.filter(pk=payout.pk).update(request_tx=tx.pk)
        payout.request_tx_id = tx.pk
        record_event(
            verb="payments.payout.requested",
            actor=member,
            owner=member,
            obj=payout,
            properties={"amount_fen": amount, "provider": provider},
            idempotency_key=f"payments:payout:{reference}:requested",
        )
        enqueue_on_commit(tasks.send_payout, payout.pk)
    payout.replayed = False
    return payout


# Staff ---------------------------------------------------------------------------------


def payout_check_by_staff(*, actor, payout: Payout) -> Payout:
    """Staff ask the provider now (and send it again if the provider has none)."""
    if not can_manage_payments(actor):
        raise NotFound()
    try:
        checked = payout_check(payout=payout, resend=True)
    except base.ProviderError as exc:
        raise ProviderUnavailable(_("The payment service could not be reached; try again later.")) from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="payments.payout.checked",
            target=checked,
            data={"state": checked.state, "provider_state": checked.provider_state},
        )
    return checked


def payout_return_by_staff(*, actor, payout: Payout, reason: str) -> Payout:
    """Return a payout the provider never took to the member's wallet. Only when the
    provider says now that it has no such transfer, the automatic sends are used up,
    and the last one was a while ago: returning one the provider has, or may still
    create, would pay the member twice."""
    if not can_manage_payments(actor):
        raise NotFound()
    problem = text_problem(reason or "", single_line=True)
    if problem or not (reason or "").strip() or len(reason) > 200:
        raise ValidationFailed(
            problem or _("Give the reason, in one line of at most 200 characters."), field="reason"
        )
    if not payout.in_flight:
        raise Conflict(_("Only a payout on its way can be returned."))
    if payout.attempts < settings.PAYOUT_MAX_SENDS or (
        payout.last_sent_at and payout.last_sent_at > timezone.now() - STAFF_RETURN_AFTER
    ):
        raise Conflict(_("This payout is still being sent by the platform: ask the provider again later."))
    try:
        state = registry.provider(payout.provider).query_transfer(payout)
    except base.ProviderError as exc:
        raise ProviderUnavailable(_("The payment service could not be reached; try again later.")) from exc
    if state.state != base.TRANSFER_UNKNOWN:
        with transaction.atomic():
            locked = locked_payout(payout.pk)
            apply_transfer(locked, state)
        raise Conflict(_("The provider has this transfer: its state is now recorded instead."))
    with transaction.atomic():
        locked = locked_payout(payout.pk)
        if locked.state != PayoutState.SENT or locked.attempts != payout.attempts:
            raise Conflict(_("This payout changed meanwhile; reload the page."))
        apply_transfer(
            locked,
            base.TransferState(
                reference=locked.reference, state=base.TRANSFER_FAILED, reason="RETURNED_BY_STAFF"
            ),
        )
        audit_record(
            actor=actor,
            action="payments.payout.returned",
            target=locked,
            reason=reason.strip(),
            data={"amount_fen": locked.amount_fen, "attempts": locked.attempts},
        )
    return locked


def _rate_checked(value) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a rate such as 0.2 for 20 %."), field="tax_rate") from None
    if not rate.is_finite() or not (0 <= rate < 1) or rate != rate.quantize(Decimal("0.0001")):
        raise ValidationFailed(
            _("Enter a rate from 0 up to (not including) 1, to four decimals."), field="tax_rate"
        )
    if rate > MAX_TAX_RATE:
        # A slip (0.9 for 0.09) would take nine tenths of every author's royalties.
        raise ValidationFailed(
            _("Withholding above 0.45 (the top income-tax band) is refused: check the rate."),
            field="tax_rate",
        )
    return rate


MAX_TAX_RATE = Decimal("0.45")


def payout_policy_set(*, actor, minimum_fen, tax_rate, reason: str = "") -> PayoutPolicy:
    """A new version of the payout rules (the minimum payout, the tax withheld from
    royalties), in force from now; audited."""
    if not can_manage_payments(actor):
        raise NotFound()
    if (
        not isinstance(minimum_fen, int)
        or isinstance(minimum_fen, bool)
        or not 1 <= minimum_fen <= settings.PAYOUT_MAXIMUM_FEN
    ):
        raise ValidationFailed(
            _("The minimum must be more than zero and at most the maximum payout (%(yuan)s).")
            % {"yuan": _yuan(settings.PAYOUT_MAXIMUM_FEN)},
            field="minimum",
        )
    rate = _rate_checked(tax_rate)
    reason = (reason or "").strip()
    problem = text_problem(reason, single_line=True)
    if problem or len(reason) > 200:
        raise ValidationFailed(problem or _("At most %(n)d characters.") % {"n": 200}, field="reason")
    with transaction.atomic():
        latest = PayoutPolicy.objects.select_for_update().order_by("-version").first()
        policy = PayoutPolicy.objects.create(
            version=(latest.version if latest else 0) + 1,
            minimum_fen=minimum_fen,
            tax_rate=rate,
            reason=reason,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="payments.payout_policy.changed",
            target=policy,
            reason=reason,
            data={"minimum_fen": minimum_fen, "tax_rate": str(rate), "version": policy.version},
        )
    return policy
