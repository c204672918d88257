"""Campaign services: making and opening campaigns, backing, cancelling, the team's
updates, and settling each campaign once at its deadline.

Lock order, the same for every writer: a payment (payments locks it before telling us it
was paid), then the campaign row, then its backings — settlement locks the campaign and
then changes backings, so a deposit arriving or a backer cancelling waits for it (and
then finds the campaign settled) instead of deadlocking with it. Refunds are requested with one key per
backing ("campaigns:backing:<id>:refund"), whoever asks — the backer cancelling, the
campaign failing, a deposit paid too late — so a deposit is refunded at most once."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.images import check_image
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.notifications.services import notify
from fanrepublic.payments import services as payments
from fanrepublic.payments.enums import PaymentStatus
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.services import AccountRef, ledger_post

from .enums import BackingStatus, CampaignStatus
from .models import Backing, Campaign, CampaignUpdate
from .permissions import can_run_campaigns, eligibility_problems
from .refunding import send_refunds

log = logging.getLogger(__name__)
NOTICE = "campaign"
FIXED_ONCE_OPEN = (
    "unit_price_fen",
    "deposit_fen",
    "goal_fen",
    "goal_units",
    "per_member_limit",
    "opens_at",
    "closes_at",
    "min_trust_level",
    "owners_only",
    "min_member_days",
    "product_line",
)
LIMITS = {  # upper bounds of the staff's numbers (the forms leave them to the service)
    "goal_units": 10_000_000,
    "per_member_limit": 1000,
    "min_trust_level": 4,
    "min_member_days": 3650,
}
MAX_FEN = 10**12


def escrow_account(campaign: Campaign) -> AccountRef:
    return AccountRef(
        code=f"campaign:{campaign.pk}:escrow:CNY", kind=AccountKind.ESCROW, currency=Currency.CNY
    )


def revenue_account() -> AccountRef:
    return AccountRef(code="system:campaign-revenue:CNY", kind=AccountKind.REVENUE, currency=Currency.CNY)


def refund_key(backing: Backing) -> str:
    return f"campaigns:backing:{backing.pk}:refund"


def _require_runner(actor) -> None:
    if not can_run_campaigns(actor):
        raise NotFound()


# Making a campaign --------------------------------------------------------------------


def _check_fields(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("title", "title_zh", "product", "product_zh"):
        value = data.get(name, "")
        problem = text_problem(value, single_line=True) if value else None
        if problem:
            errors[name] = [problem]
    for name in ("description", "description_zh"):
        problem = text_problem(data.get(name, "") or "")
        if problem:
            errors[name] = [problem]
    for name in ("title", "product", "description"):
        if not (data.get(name) or "").strip():
            errors.setdefault(name, []).append(_("This is needed."))
    price, deposit = data.get("unit_price_fen"), data.get("deposit_fen")
    for name in ("unit_price_fen", "deposit_fen", "goal_fen"):
        value = data.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_FEN
        ):
            errors.setdefault(name, []).append(_("Give an amount above zero."))
    if isinstance(price, int) and isinstance(deposit, int) and deposit > price:
        errors.setdefault("deposit_fen", []).append(_("The deposit cannot be more than the price."))
    if data.get("goal_fen") is None and not data.get("goal_units"):
        errors.setdefault("goal_fen", []).append(_("Set a goal in yuan, in units, or both."))
    if not data.get("per_member_limit"):
        errors.setdefault("per_member_limit", []).append(_("Allow each member at least one unit."))
    for name, most in LIMITS.items():
        value = data.get(name)
        if value is not None and not 0 <= value <= most:
            errors.setdefault(name, []).append(_("At most %(n)d.") % {"n": most})
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("closes_at", []).append(_("The deadline must come after the opening."))
    return errors


def _check_uploads(fields: dict) -> None:
    """Uploaded images must be images (core.images) and get names of our making."""
    for name in ("image", "image_zh"):
        upload = fields.get(name)
        if isinstance(upload, UploadedFile):
            try:
                ext, _type = check_image(upload)
            except ValidationFailed as exc:
                raise ValidationFailed(exc.message, field=name) from None
            upload.name = f"{uuid.uuid4().hex}.{ext}"


def campaign_create(*, actor, **fields) -> Campaign:
    _require_runner(actor)
    _check_uploads(fields)
    errors = _check_fields(fields)
    if errors:
        raise ValidationFailed(errors)
    base = slugify(fields.get("slug") or fields["title"])[:40] or "campaign"
    slug, n = base, 1
    while Campaign.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    fields.pop("slug", None)
    with transaction.atomic():
        campaign = Campaign.objects.create(slug=slug, created_by=actor, **fields)
        audit_record(actor=actor, action="campaigns.campaign.created", target=campaign)
    return campaign


def campaign_edit(*, actor, campaign: Campaign, **fields) -> Campaign:
    """Change a campaign. Once open, its money and its rules stay as backers saw them:
    only the texts and images change. Only the fields edited are written, on the locked
    row, so deposits counted meanwhile and a status changed meanwhile are kept."""
    _require_runner(actor)
    _check_uploads(fields)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
            raise Conflict(_("This campaign is already settled."))
        changed = {name: value for name, value in fields.items() if value != getattr(locked, name)}
        if locked.status != CampaignStatus.DRAFT:
            fixed = [name for name in FIXED_ONCE_OPEN if name in changed]
            if fixed:
                raise ValidationFailed(
                    {name: [_("This cannot change once the campaign is open.")] for name in fixed}
                )
        merged = {**{f.name: getattr(locked, f.name) for f in Campaign._meta.fields}, **fields}
        errors = _check_fields(merged)
        if errors:
            raise ValidationFailed(errors)
        for name, value in changed.items():
            setattr(locked, name, value)
        if changed:
            locked.save(update_fields=sorted(changed))
        audit_record(
            actor=actor, action="campaigns.campaign.edited", target=locked, data={"fields": sorted(changed)}
        )
    return locked


def campaign_open(*, actor, campaign: Campaign) -> Campaign:
    _require_runner(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            raise Conflict(_("Only a draft can be opened."))
        if locked.closes_at <= timezone.now():
            raise ValidationFailed(_("The deadline has passed: move it before opening."), field="closes_at")
        locked.status = CampaignStatus.OPEN
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="campaigns.campaign.opened", target=locked)
    return locked


# Backing ------------------------------------------------------------------------------


def accepting(campaign: Campaign, now=None) -> bool:
    now = now or timezone.now()
    return campaign.status == CampaignStatus.OPEN and campaign.opens_at <= now < campaign.closes_at


def backing_start(*, actor, campaign: Campaign, units: int, provider_code: str) -> Backing:
    """Back a campaign with `units` units: a backing waiting for its deposit, and the
    payment the member now makes. One live backing per member (cancel it to change)."""
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        raise ValidationFailed(_("Choose at least one unit."), field="units")
    if units > campaign.per_member_limit:
        raise ValidationFailed(
            _("At most %(n)d units per member.") % {"n": campaign.per_member_limit}, field="units"
        )
    if not accepting(campaign):
        raise Conflict(_("This campaign is not taking backers."), code="campaign_closed")
    problems = eligibility_problems(actor, campaign)
    if problems:
        raise Forbidden(" ".join(problems), code="not_eligible")
    ratelimit.hit("campaigns-back", str(actor.pk), settings.CAMPAIGNS_BACK_RATE)
    deposit = units * campaign.deposit_fen
    with transaction.atomic():
        if (
            Backing.objects.select_for_update()
            .filter(campaign=campaign, member=actor, status__in=(BackingStatus.PENDING, BackingStatus.HELD))
            .exists()
        ):
            raise Conflict(
                _("You already back this campaign: cancel that backing to change it."), code="already_backing"
            )
        try:
            with transaction.atomic():
                backing = Backing.objects.create(
                    campaign=campaign, member=actor, units=units, deposit_fen=deposit
                )
        except IntegrityError:  # the same member's other request won the race
            raise Conflict(
                _("You already back this campaign: cancel that backing to change it."), code="already_backing"
            ) from None
    description = _("Deposit: %(product)s × %(units)d") % {
        "product": campaign.localized("product"),
        "units": units,
    }
    try:
        payment = payments.payment_start(
            member=actor,
            provider_code=provider_code,
            amount_fen=deposit,
            description=payments.payment_description(description),
            purpose=backing,
            ledger_account=escrow_account(campaign),
        )
    except Exception:
        Backing.objects.filter(pk=backing.pk).update(status=BackingStatus.LAPSED, ended_at=timezone.now())
        raise
    Backing.objects.filter(pk=backing.pk).update(payment=payment)
    backing.payment = payment
    return backing


def _count(campaign_id: int, backing: Backing, sign: int) -> None:
    Campaign.objects.filter(pk=campaign_id).update(
        backer_count=F("backer_count") + sign,
        units_held=F("units_held") + sign * backing.units,
        deposits_held_fen=F("deposits_held_fen") + sign * backing.deposit_fen,
    )


def _backing_of(payment) -> Backing | None:
    """The backing a payment is for, by the payment's purpose (set when it was started,
    before the backing's link to it is written)."""
    if not payment.purpose_id.isdecimal():
        return None
    return Backing.objects.filter(pk=int(payment.purpose_id)).first()


def deposit_paid(*, payment) -> None:
    """A backing's deposit arrived (called inside payments' transaction, the payment
    locked). It counts if the campaign is still open and it was paid before the deadline;
    otherwise — a cancelled or lapsed backing, a settled campaign — it is refunded."""
    found = _backing_of(payment)
    if found is None:
        return
    campaign = Campaign.objects.select_for_update().get(pk=found.campaign_id)
    backing = Backing.objects.select_for_update().get(pk=found.pk)
    if backing.payment_id is None:  # paid before the link was written: link it now
        backing.payment = payment
        backing.save(update_fields=["payment"])
    paid_at = payment.paid_at or timezone.now()
    if (
        backing.status == BackingStatus.PENDING
        and campaign.status == CampaignStatus.OPEN
        and paid_at < campaign.closes_at
    ):
        backing.status = BackingStatus.HELD
        backing.held_at = paid_at
        backing.save(update_fields=["status", "held_at"])
        _count(campaign.pk, backing, +1)
        record_event(
            verb="campaigns.backing.held",
            actor=backing.member,
            obj=backing,
            properties={"units": backing.units, "deposit_fen": backing.deposit_fen},
            idempotency_key=f"campaigns:backing:{backing.pk}:held",
        )
        return
    if backing.status == BackingStatus.PENDING:
        backing.status = BackingStatus.LAPSED
        backing.ended_at = timezone.now()
        backing.save(update_fields=["status", "ended_at"])
    payments.refund_request(
        payment=payment,
        amount_fen=payment.amount_fen,
        reason="Deposit arrived after the backing ended",
        key=refund_key(backing),
        send_now=False,
    )


def deposit_not_paid(*, payment) -> None:
    backing = _backing_of(payment)
    if backing is not None:
        Backing.objects.filter(pk=backing.pk, status=BackingStatus.PENDING).update(
            status=BackingStatus.LAPSED, ended_at=timezone.now()
        )


def deposits_refunded(*, payments) -> None:
    """Deposits came back to their backers (inside payments' transaction, however many
    at once): their backings are refunded."""
    ids = [int(payment.purpose_id) for payment in payments if payment.purpose_id.isdecimal()]
    now = timezone.now()
    Backing.objects.filter(pk__in=ids, status=BackingStatus.REFUNDING).update(
        status=BackingStatus.REFUNDED, refunded_at=now
    )
    Backing.objects.filter(pk__in=ids, refunded_at__isnull=True).update(refunded_at=now)


def backing_cancel(*, actor, campaign: Campaign) -> Backing:
    """The backer cancels before the deadline: a held deposit is refunded in full, a
    deposit not yet paid is not taken."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        backing = (
            Backing.objects.select_for_update()
            .filter(campaign=campaign, member=actor, status__in=(BackingStatus.PENDING, BackingStatus.HELD))
            .first()
        )
        if backing is None:
            raise NotFound(_("You do not back this campaign."))
        if not accepting(locked):
            raise Conflict(
                _("The deadline has passed: backings can no longer be cancelled."), code="campaign_closed"
            )
        was_held = backing.status == BackingStatus.HELD
        backing.status = BackingStatus.CANCELLED
        backing.ended_at = timezone.now()
        backing.save(update_fields=["status", "ended_at"])
        if was_held:
            _count(locked.pk, backing, -1)
        record_event(
            verb="campaigns.backing.cancelled",
            actor=actor,
            obj=backing,
            properties={"units": backing.units},
            idempotency_key=f"campaigns:backing:{backing.pk}:cancelled",
        )
    if was_held:
        payments.refund_request(
            payment=backing.payment,
            amount_fen=backing.deposit_fen,
            reason="Backer cancelled",
            key=refund_key(backing),
        )
    elif backing.payment is not None and backing.payment.status == PaymentStatus.PENDING:
        payments.payment_close_quietly(payment=backing.payment)
    return backing


# The team's updates -------------------------------------------------------------------


def update_post(
    *, actor, campaign: Campaign, title: str, body: str, title_zh: str = "", body_zh: str = ""
) -> CampaignUpdate:
    _require_runner(actor)
    errors = _check_fields(
        {
            "title": title,
            "title_zh": title_zh,
            "product": "-",
            "description": body,
            "description_zh": body_zh,
            "unit_price_fen": 1,
            "deposit_fen": 1,
            "goal_units": 1,
            "per_member_limit": 1,
        }
    )
    errors = {
        ("body" if k == "description" else "body_zh" if k == "description_zh" else k): v
        for k, v in errors.items()
    }
    if errors:
        raise ValidationFailed(errors)
    if campaign.status == CampaignStatus.DRAFT:
        raise Conflict(_("Open the campaign before posting updates."))
    with transaction.atomic():
        update = CampaignUpdate.objects.create(
            campaign=campaign, title=title, title_zh=title_zh, body=body, body_zh=body_zh, posted_by=actor
        )
        audit_record(actor=actor, action="campaigns.update.posted", target=update)
        _tell_backers(
            campaign,
            what="update",
            actor=actor,
            dedupe=f"campaigns:update:{update.pk}",
            extra={"update": title, "update_zh": title_zh},
        )
    return update


def _tell_backers(
    campaign: Campaign,
    *,
    what: str,
    actor=None,
    dedupe: str,
    extra: dict | None = None,
    statuses=(BackingStatus.HELD, BackingStatus.CAPTURED, BackingStatus.REFUNDING, BackingStatus.REFUNDED),
) -> None:
    ids = Backing.objects.filter(campaign=campaign, status__in=statuses).values_list("member_id", flat=True)
    notify(
        recipient_ids=ids,
        kind=NOTICE,
        actor=actor,
        url=campaign.get_absolute_url(),
        params={"campaign": campaign.title, "campaign_zh": campaign.title_zh, "what": what, **(extra or {})},
        dedupe_key=dedupe,
    )


# Settlement ---------------------------------------------------------------------------


def settle_due_at(campaign: Campaign):
    """When a campaign is settled: after its deadline and the time a deposit started
    just before it has to be paid (so every such payment is paid or closed by then)."""
    return campaign.closes_at + timedelta(
        minutes=settings.PAYMENTS_EXPIRE_MINUTES + settings.CAMPAIGNS_SETTLE_GRACE_MINUTES
    )


def campaign_settle(*, campaign: Campaign, now=None) -> Campaign:
    """Decide a campaign once: the goal met by the deadline, every held deposit is
    captured; not met, every one is refunded. A second call changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.OPEN or now < settle_due_at(locked):
            return locked
        locked.status = CampaignStatus.SUCCEEDED if locked.goal_met else CampaignStatus.FAILED
        locked.settled_at = now
        locked.save(update_fields=["status", "settled_at"])
        Backing.objects.filter(campaign=locked, status=BackingStatus.PENDING).update(
            status=BackingStatus.LAPSED, ended_at=now
        )
        if locked.status == CampaignStatus.SUCCEEDED:
            held = Backing.objects.filter(campaign=locked, status=BackingStatus.HELD)
            total = sum(held.values_list("deposit_fen", flat=True))
            if total != locked.deposits_held_fen:
                raise RuntimeError(
                    f"campaign {locked.pk}: counters {locked.deposits_held_fen} != backings {total}"
                )
            held.update(status=BackingStatus.CAPTURED, ended_at=now)
            if total:
                ledger_post(
                    key=f"campaigns:{locked.pk}:capture",
                    kind="campaign_capture",
                    memo=f"Campaign {locked.slug}: goal met, deposits captured",
                    entries=[(escrow_account(locked), total), (revenue_account(), -total)],
                    obj=locked,
                )
            _tell_backers(locked, what="succeeded", dedupe=f"campaigns:{locked.pk}:settled")
        else:
            Backing.objects.filter(campaign=locked, status=BackingStatus.HELD).update(
                status=BackingStatus.REFUNDING, ended_at=now
            )
            _tell_backers(locked, what="failed", dedupe=f"campaigns:{locked.pk}:settled")
        record_event(
            verb="campaigns.campaign.settled",
            obj=locked,
            properties={
                "outcome": locked.status,
                "backers": locked.backer_count,
                "deposits_fen": locked.deposits_held_fen,
            },
            idempotency_key=f"campaigns:{locked.pk}:settled",
        )
    if locked.status == CampaignStatus.FAILED:
        refunds_request(campaign=locked)
    return locked


def campaign_cancel(*, actor, campaign: Campaign, reason: str) -> Campaign:
    """Staff call a campaign off before its deadline: every deposit is refunded."""
    _require_runner(actor)
    problem = text_problem(reason, single_line=True)
    if problem or not reason.strip():
        raise ValidationFailed(problem or _("Give a reason."), field="reason")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
            raise Conflict(_("This campaign is already settled."))
        now = timezone.now()
        locked.status = CampaignStatus.CANCELLED
        locked.settled_at = now
        locked.save(update_fields=["status", "settled_at"])
        Backing.objects.filter(campaign=locked, status=BackingStatus.PENDING).update(
            status=BackingStatus.LAPSED, ended_at=now
        )
        Backing.objects.filter(campaign=locked, status=BackingStatus.HELD).update(
            status=BackingStatus.REFUNDING, ended_at=now
        )
        audit_record(actor=actor, action="campaigns.campaign.cancelled", target=locked, reason=reason)
        _tell_backers(locked, what="cancelled", actor=actor, dedupe=f"campaigns:{locked.pk}:settled")
    refunds_request(campaign=locked)
    return locked


REFUND_REASON = "Campaign did not go ahead"


def refunds_request(*, campaign: Campaign, batch: int = 500) -> int:
    """Record the refund of every deposit a failed or called-off campaign holds — each
    once: its key — a batch per transaction, and leave the sending to a task
    (campaigns.refunding.send_refunds, queued here) and to the periodic check, so deciding
    a campaign of 100,000 backers never waits for a provider. A batch that cannot be
    recorded is retried a backing at a time; a backing whose refund still cannot be
    recorded is logged and left in "refunding" for the periodic sweep (settle_due) to ask
    again. Safe to run again."""
    requested = 0
    last = 0
    while True:
        rows = list(
            Backing.objects.filter(campaign=campaign, status=BackingStatus.REFUNDING, pk__gt=last)
            .select_related("payment")
            .order_by("pk")[:batch]
        )
        if not rows:
            break
        last = rows[-1].pk
        try:
            payments.refunds_request_many(
                asks=[_refund_ask(backing) for backing in rows], reason=REFUND_REASON
            )
            requested += len(rows)
            continue
        except Exception:
            log.exception("campaign %s: a batch of refunds could not be recorded; one at a time", campaign.pk)
        for backing in rows:
            try:
                payments.refunds_request_many(asks=[_refund_ask(backing)], reason=REFUND_REASON)
                requested += 1
            except Exception:
                log.exception(
                    "campaign %s: the refund of backing %s could not be recorded", campaign.pk, backing.pk
                )
    send_refunds.delay(campaign.pk)
    return requested


def _refund_ask(backing: Backing) -> payments.RefundAsk:
    return payments.RefundAsk(
        payment=backing.payment, amount_fen=backing.deposit_fen, key=refund_key(backing)
    )


def settle_due(*, now=None) -> int:
    """Settle every campaign that is due, and record the refunds any failed or called-off
    campaign still owes (a settlement cut short). One campaign's failure is logged and
    does not hold up the others."""
    now = now or timezone.now()
    settled = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=now):
        try:
            if campaign_settle(campaign=campaign, now=now).status != CampaignStatus.OPEN:
                settled += 1
        except Exception:
            log.exception("campaign %s could not be settled", campaign.pk)
    owing = (
        Backing.objects.filter(status=BackingStatus.REFUNDING, payment__refunds__isnull=True)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    for campaign in Campaign.objects.filter(pk__in=list(owing)):
        refunds_request(campaign=campaign)
    return settled
