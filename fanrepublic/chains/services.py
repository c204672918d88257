"""Writes for chain sign-ups (接龙): one function per use case, one transaction, its event
recorded. A chain's counters (`entry_count`, `pledge_total`, `last_number`) change in the
same transaction as the line, under the chain row's lock, so numbers are never given
twice and the live count is always the sum of the visible lines."""

import secrets
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem

from . import permissions
from .enums import ChainStatus
from .models import MESSAGE_MAX, Chain, Entry

THEME_MAX = 120
DESCRIPTION_MAX = 2000
PLEDGE_LABEL_MAX = 80
REASON_MAX = 200

# Characters outside the format and space categories that draw nothing (Hangul and
# Braille fillers, Khmer inherent vowels, the grapheme joiner): used to fake a blank name.
_BLANK_LETTERS = frozenset("\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0\u034f")


def _visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, format characters (zero-width
    spaces and joiners, direction marks and overrides, BOM) and blank-looking fillers."""
    return any(
        ch not in _BLANK_LETTERS and unicodedata.category(ch) not in ("Cf", "Zs", "Zl", "Zp", "Cc")
        for ch in text
    )


def _single_line(
    errors: dict, field: str, value, *, required: bool, max_length: int, missing: str = ""
) -> str:
    text = " ".join(str(value or "").split()) if isinstance(value, str | None) else None
    if text is None:
        errors[field] = [_("Send text.")]
        return ""
    problem = text_problem(text, single_line=True)
    if problem:
        errors[field] = [problem]
    elif required and not text:
        errors[field] = [missing or _("Fill this in.")]
    elif len(text) > max_length:
        errors[field] = [_("At most %(n)d characters.") % {"n": max_length}]
    elif text and not _visible(text):
        # A theme, a pledge, a line or a reason that shows as blank (zero-width spaces, a
        # Hangul filler, direction marks): an invisible link, a label-less field, an
        # audit reason that says nothing.
        errors[field] = [_("Use visible characters: this text would show as blank.")]
    return text


def _new_slug() -> str:
    while True:
        slug = secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()
        if not Chain.objects.filter(slug=slug).exists():
            return slug


def chain_start(
    *,
    actor,
    theme: str,
    description: str = "",
    board=None,
    pledge_label: str = "",
    pledge_max: int = 1,
    closes_at=None,
) -> Chain:
    """Start a chain: operators anywhere; members on a board whose rule lets them."""
    if not permissions.can_start(actor, board):
        raise Forbidden(_("You may not start a chain here."))
    errors: dict = {}
    theme = _single_line(
        errors, "theme", theme, required=True, max_length=THEME_MAX, missing=_("Give the chain a theme.")
    )
    if not isinstance(description, str):
        errors["description"] = [_("Send text.")]
        description = ""
    description = description.strip()
    if "description" not in errors:
        problem = text_problem(description)
        if problem:
            errors["description"] = [problem]
        elif len(description) > DESCRIPTION_MAX:
            errors["description"] = [_("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}]
    pledge_label = _single_line(
        errors, "pledge_label", pledge_label, required=False, max_length=PLEDGE_LABEL_MAX
    )
    if isinstance(pledge_max, bool) or not isinstance(pledge_max, int) or not 1 <= pledge_max <= 100:
        errors["pledge_max"] = [_("A whole number from 1 to 100.")]
    now = timezone.now()
    if closes_at is not None and (not isinstance(closes_at, datetime) or timezone.is_naive(closes_at)):
        # A time without its offset is ambiguous (and cannot be compared with now).
        errors["closes_at"] = [_("Give a time zone offset, e.g. 2026-11-25T10:00:00+08:00.")]
    elif closes_at is not None and (closes_at <= now or closes_at > now + timedelta(days=366)):
        errors["closes_at"] = [_("Choose a time within the next year.")]
    if errors:
        raise ValidationFailed(errors)
    if not permissions.can_moderate_chains(actor):  # operators start the crisis's chains at will
        ratelimit.hit("chains-start", str(actor.pk), settings.CHAINS_START_RATE)
    with transaction.atomic():
        chain = Chain.objects.create(
            slug=_new_slug(),
            theme=theme,
            description=description,
            board=board,
            pledge_label=pledge_label,
            pledge_max=pledge_max,
            closes_at=closes_at,
            started_by=actor,
        )
        record_event(verb="chains.chain.started", actor=actor, obj=chain, owner=actor)
    return chain


def _clean_line(chain: Chain, message, pledge) -> tuple[str, int]:
    errors: dict = {}
    message = _single_line(errors, "message", message, required=False, max_length=MESSAGE_MAX)
    if pledge in (None, ""):
        pledge = 0
    if isinstance(pledge, str) and pledge.strip().isdecimal() and len(pledge.strip()) <= 6:
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        pledge = int(pledge)
    if isinstance(pledge, bool) or not isinstance(pledge, int):
        errors["pledge"] = [_("A whole number.")]
    elif not chain.pledge_label and pledge:
        errors["pledge"] = [_("This chain takes no pledges.")]
    elif not 0 <= pledge <= chain.pledge_max:
        errors["pledge"] = [_("From 0 to %(n)d.") % {"n": chain.pledge_max}]
    if errors:
        raise ValidationFailed(errors)
    return message, pledge


def _locked_open(chain: Chain) -> Chain:
    locked = Chain.objects.select_for_update().get(pk=chain.pk)
    if not permissions.is_open(locked):
        raise Conflict(_("This chain is closed."), code="chain_closed")
    return locked


def entry_sign(*, actor, chain: Chain, message: str = "", pledge=0) -> tuple[Entry, bool]:
    """Add the member's line to the chain, or change it if they already signed.
    Returns (line, created)."""
    permissions.access_chain(actor, chain)
    if not permissions.can_sign(actor, chain):
        if not (actor and actor.is_authenticated) or actor.is_suspended:
            raise Forbidden()
        raise Conflict(_("This chain is closed."), code="chain_closed")
    message, pledge = _clean_line(chain, message, pledge)
    ratelimit.hit("chains-sign", str(actor.pk), settings.CHAINS_SIGN_RATE)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                if Entry.objects.filter(chain=chain, member=actor).exists():
                    locked = _locked_open(chain)
                    entry = Entry.objects.filter(chain=locked, member=actor).first()
                    if entry is not None:
                        return _edit(locked, entry, actor, message, pledge), False
                return _entry_add(actor, chain, message, pledge), True
        except IntegrityError:
            # The member's own line came first (two requests at once): the second edits it.
            continue
    raise Conflict(_("You already signed this chain."), code="already_signed")


_NEXT_NUMBER = (
    "UPDATE chains_chain SET last_number = last_number + 1, entry_count = entry_count + 1, "
    "pledge_total = pledge_total + %s "
    "WHERE id = %s AND status = %s AND (closes_at IS NULL OR closes_at > %s) "
    "RETURNING last_number, entry_count, pledge_total"
)


def _entry_add(actor, chain: Chain, message: str, pledge: int) -> Entry:
    """A new line. The chain's row is locked by its first statement (the counters' UPDATE,
    which also checks the chain is open), so only the line's INSERT, its event and the
    COMMIT run while other members wait for the next number: one statement fewer under
    the lock than a SELECT … FOR UPDATE first, and the numbers stay 1, 2, 3, … with no gap
    (a transaction that fails gives its number back with its rollback)."""
    starter = chain.started_by  # read before the lock (the caller's copy may not have it)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER, [pledge, chain.pk, ChainStatus.OPEN, now])
        row = cursor.fetchone()
    if row is None:
        raise Conflict(_("This chain is closed."), code="chain_closed")
    chain.last_number, chain.entry_count, chain.pledge_total = row
    entry = Entry.objects.create(chain=chain, member=actor, number=row[0], message=message, pledge=pledge)
    record_event(
        verb="chains.entry.signed",
        actor=actor,
        obj=chain,
        owner=starter,
        properties={"number": entry.number, "pledge": pledge},
    )
    return entry


def _edit(locked: Chain, entry: Entry, actor, message: str, pledge: int) -> Entry:
    if entry.message == message and entry.pledge == pledge:
        return entry
    if entry.hidden_at is None:
        locked.pledge_total += pledge - entry.pledge
        locked.save(update_fields=["pledge_total"])
    entry.message, entry.pledge, entry.edited_at = message, pledge, timezone.now()
    entry.save(update_fields=["message", "pledge", "edited_at"])
    record_event(
        verb="chains.entry.edited",
        actor=actor,
        obj=locked,
        owner=locked.started_by,
        properties={"number": entry.number, "pledge": pledge},
    )
    return entry


def entry_withdraw(*, actor, chain: Chain) -> None:
    """Take one's line back while the chain is open; its number stays unused."""
    permissions.access_chain(actor, chain)
    if not (actor and actor.is_authenticated):
        raise Forbidden()
    if actor.is_suspended:
        # The rulebook: a suspended member neither adds, edits nor withdraws lines.
        raise Forbidden(_("Your account cannot sign chains right now."))
    with transaction.atomic():
        locked = _locked_open(chain)
        entry = Entry.objects.filter(chain=locked, member=actor).first()
        if entry is None:
            raise NotFound(_("You have not signed this chain."))
        if entry.hidden_at is not None:
            # Withdrawing a hidden line and signing again would give a fresh, visible line:
            # the moderator's decision undone in two clicks. The member may still edit it.
            raise Conflict(_("A moderator hid your line: it cannot be withdrawn."), code="line_hidden")
        locked.entry_count -= 1
        locked.pledge_total -= entry.pledge
        locked.save(update_fields=["entry_count", "pledge_total"])
        number = entry.number
        entry.delete()
        record_event(
            verb="chains.entry.withdrawn",
            actor=actor,
            obj=locked,
            owner=locked.started_by,
            properties={"number": number},
        )


def _reason(reason) -> str:
    errors: dict = {}
    text = _single_line(
        errors, "reason", reason, required=True, max_length=REASON_MAX, missing=_("Give a reason.")
    )
    if errors:
        raise ValidationFailed(errors)
    return text


def entry_hide(*, actor, entry: Entry, reason: str) -> Entry:
    """A moderator hides a line (it stops counting); the member sees why."""
    if not permissions.can_moderate_chains(actor):
        raise NotFound()
    reason = _reason(reason)
    with transaction.atomic():
        locked = Chain.objects.select_for_update().get(pk=entry.chain_id)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.hidden_at is not None:
            return entry
        entry.hidden_at, entry.hidden_reason = timezone.now(), reason
        entry.save(update_fields=["hidden_at", "hidden_reason"])
        locked.entry_count -= 1
        locked.pledge_total -= entry.pledge
        locked.save(update_fields=["entry_count", "pledge_total"])
        audit_record(
            actor=actor,
            action="chains.entry.hidden",
            target=locked,
            data={"number": entry.number, "reason": reason},
        )
    return entry


def entry_restore(*, actor, entry: Entry) -> Entry:
    if not permissions.can_moderate_chains(actor):
        raise NotFound()
    with transaction.atomic():
        locked = Chain.objects.select_for_update().get(pk=entry.chain_id)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.hidden_at is None:
            return entry
        entry.hidden_at, entry.hidden_reason = None, ""
        entry.save(update_fields=["hidden_at", "hidden_reason"])
        locked.entry_count += 1
        locked.pledge_total += entry.pledge
        locked.save(update_fields=["entry_count", "pledge_total"])
        audit_record(
            actor=actor, action="chains.entry.restored", target=locked, data={"number": entry.number}
        )
    return entry


def chain_close(*, actor, chain: Chain) -> Chain:
    """Its starter or a moderator closes the chain: the lines stay, no more are added."""
    permissions.access_chain(actor, chain)
    if not permissions.can_run(actor, chain):
        raise NotFound()
    with transaction.atomic():
        locked = Chain.objects.select_for_update().get(pk=chain.pk)
        if locked.status != ChainStatus.OPEN:
            return locked
        locked.status = ChainStatus.CLOSED
        locked.save(update_fields=["status"])
        record_event(verb="chains.chain.closed", actor=actor, obj=locked, owner=locked.started_by)
        if actor.pk != locked.started_by_id:
            audit_record(actor=actor, action="chains.chain.closed", target=locked)
    return locked


def chain_hide(*, actor, chain: Chain, reason: str) -> Chain:
    if not permissions.can_moderate_chains(actor):
        raise NotFound()
    reason = _reason(reason)
    with transaction.atomic():
        locked = Chain.objects.select_for_update().get(pk=chain.pk)
        locked.status = ChainStatus.HIDDEN
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="chains.chain.hidden", target=locked, data={"reason": reason})
    return locked


def chain_recount(*, chain_id: int) -> None:
    """Set the chain's counters from its lines, under the chain row's lock. For lines that
    leave without a service (a member's account deleted, an admin's delete): the
    services keep the counters themselves, and this gives the same numbers after them."""
    with transaction.atomic():
        locked = Chain.objects.select_for_update().filter(pk=chain_id).first()
        if locked is None:  # the chain itself is being deleted
            return
        # A statement after the lock: it sees every line committed before it.
        visible = Entry.objects.filter(chain_id=chain_id, hidden_at__isnull=True).aggregate(
            n=Count("pk"), units=Sum("pledge")
        )
        counts = (visible["n"], visible["units"] or 0)
        if (locked.entry_count, locked.pledge_total) != counts:
            locked.entry_count, locked.pledge_total = counts
            locked.save(update_fields=["entry_count", "pledge_total"])
