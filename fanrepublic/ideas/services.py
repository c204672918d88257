"""Writes for the idea marketplace: one function per use case, keyword-only, one
transaction, its event recorded; notifications after commit.

The path of a proposal: gathering support (until IDEAS_SUPPORT_DAYS after it was
proposed) → in review once IDEAS_SUPPORT_THRESHOLD members support it → taken into the
next review round (IDEAS_ROUNDS_PER_YEAR, on fixed dates; a round reviews until the
next one opens) → reviewers recommend, product staff decide (adopted or not, with
reasons the author and the supporters read). A proposal that does not reach the
threshold in time expires; its author may withdraw it while it gathers support.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import NewEvent, record_event, record_events
from fanrepublic.core import ratelimit
from fanrepublic.core.bulk import bulk_insert
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.images import check_images
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.notifications.services import Notice, notify, notify_many
from fanrepublic.payments.selectors import royalty_tax_rate
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.selectors import transaction_ids
from fanrepublic.points.services import (
    AccountRef,
    LedgerPost,
    ledger_credit_many,
    ledger_post_many,
    wallet_ref,
)
from fanrepublic.stores.enums import OrderKind
from fanrepublic.stores.models import Order, OrderLine
from fanrepublic.stores.purchases import order_lines_settled_through

from . import permissions, royalties
from .enums import Decision, ProposalLanguage, ProposalStatus, RoundStatus
from .models import (
    Adoption,
    AdoptionSku,
    AgreementText,
    Comment,
    Proposal,
    ProposalImage,
    ProposalRevision,
    Review,
    ReviewRound,
    RoyaltyStatement,
    Support,
)

MAX_PRICE = Decimal("1000000")
MAX_IMAGES = 4
# Supporter counts at which the author hears how far their idea has come.
MILESTONES = (10, 100, 1000, 5000)


@dataclass(frozen=True)
class ProposalText:
    title: str
    pitch: str
    specs: str = ""
    title_translated: str = ""
    pitch_translated: str = ""
    specs_translated: str = ""


LIMITS = {
    "title": 120,
    "pitch": 4000,
    "specs": 8000,
    "title_translated": 120,
    "pitch_translated": 4000,
    "specs_translated": 8000,
}


def threshold() -> int:
    return settings.IDEAS_SUPPORT_THRESHOLD


def _text_checked(text: ProposalText) -> ProposalText:
    cleaned = {}
    for name, limit in LIMITS.items():
        value = (getattr(text, name) or "").strip()
        if name.startswith("title"):
            value = " ".join(value.split())
        problem = text_problem(value, single_line=name.startswith("title"))
        if problem:
            raise ValidationFailed(problem, field=name)
        if len(value) > limit:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=name)
        cleaned[name] = value
    if not cleaned["title"]:
        raise ValidationFailed(_("Give your idea a title."), field="title")
    if len(cleaned["pitch"]) < 20:
        raise ValidationFailed(_("Tell us a little more: at least 20 characters."), field="pitch")
    if bool(cleaned["title_translated"]) != bool(cleaned["pitch_translated"]):
        raise ValidationFailed(
            _("A translation needs both its title and its pitch."), field="title_translated"
        )
    return ProposalText(**cleaned)


def _price_checked(value) -> Decimal:
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Enter the price in yuan, such as 299 or 299.50."), field="target_price"
        ) from None
    if not price.is_finite() or price <= 0 or price >= MAX_PRICE or price != price.quantize(Decimal("0.01")):
        raise ValidationFailed(
            _("Enter a price above 0 and below ¥1,000,000, to the fen."), field="target_price"
        )
    return price


def proposal_create(
    *, author, product_line, language: str, text: ProposalText, target_price, images=()
) -> Proposal:
    if not permissions.can_propose(author):
        raise Forbidden()
    if language not in ProposalLanguage.values:
        raise ValidationFailed(_("Choose the language you wrote in."), field="language")
    text = _text_checked(text)
    price = _price_checked(target_price)
    checked = check_images(images)
    if len(checked) > MAX_IMAGES:
        raise ValidationFailed(_("At most 4 images."), field="images")
    ratelimit.hit("ideas-propose", str(author.pk), settings.IDEAS_PROPOSE_RATE)
    now = timezone.now()
    with transaction.atomic():
        proposal = Proposal.objects.create(
            author=author,
            product_line=product_line,
            language=language,
            target_price=price,
            created_at=now,
            updated_at=now,
            expires_at=now + timedelta(days=settings.IDEAS_SUPPORT_DAYS),
            **text.__dict__,
        )
        for position, (upload, _ext, _type) in enumerate(checked):
            ProposalImage.objects.create(proposal=proposal, image=upload, position=position)
        record_event(verb="ideas.proposal.created", actor=author, obj=proposal, owner=author)
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def proposal_edit(*, actor, proposal: Proposal, text: ProposalText, target_price) -> Proposal:
    """The author (or product staff) edits an open proposal; what it said before is kept
    as a revision everyone can read."""
    if not permissions.may_see(actor, proposal):
        raise NotFound()
    text = _text_checked(text)
    price = _price_checked(target_price)
    with transaction.atomic():
        locked = _locked(proposal)
        if not permissions.can_edit(actor, locked):
            raise Forbidden()
        if text == _text_of(locked) and price == locked.target_price:
            return locked
        number = locked.revisions.count() + 1
        ProposalRevision.objects.create(
            proposal=locked,
            number=number,
            target_price=locked.target_price,
            edited_by=actor,
            edited_at=timezone.now(),
            **_text_of(locked).__dict__,
        )
        for name, value in text.__dict__.items():
            setattr(locked, name, value)
        locked.target_price = price
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*LIMITS, "target_price", "updated_at"])
        if actor.pk != locked.author_id:
            audit_record(
                actor=actor, action="ideas.proposal.edited", target=locked, data={"revision": number}
            )
        record_event(
            verb="ideas.proposal.edited",
            actor=actor,
            obj=locked,
            owner=locked.author,
            properties={"revision": number},
        )
    return locked


def _text_of(proposal) -> ProposalText:
    return ProposalText(**{name: getattr(proposal, name) for name in LIMITS})


def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    if not permissions.may_see(actor, proposal):
        raise NotFound()
    with transaction.atomic():
        locked = _locked(proposal)
        if not permissions.can_withdraw(actor, locked):
            raise Conflict(_("Only an idea that is still gathering support can be withdrawn, by its author."))
        locked.status = ProposalStatus.WITHDRAWN
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        record_event(verb="ideas.proposal.withdrawn", actor=actor, obj=locked, owner=locked.author)
    return locked


SUPPORT_PROBLEMS = {
    "member": lambda: _("Sign in with an account in good standing to support ideas."),
    "own": lambda: _("You cannot support your own idea."),
    "closed": lambda: _("This idea no longer gathers support."),
}


def proposal_support(*, member, proposal: Proposal) -> Proposal:
    """One member's support, once. The count moves in the database (no lost updates);
    the supporter who reaches the threshold sends the idea to review."""
    if not permissions.may_see(member, proposal):
        raise NotFound()
    problem = permissions.support_problem(member, proposal)
    if problem:
        raise Conflict(SUPPORT_PROBLEMS[problem]())
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = _locked(proposal)
            problem = permissions.support_problem(member, locked, now=now)
            if problem:
                raise Conflict(SUPPORT_PROBLEMS[problem]())
            Support.objects.create(proposal=locked, member=member, created_at=now)
            Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
            locked.refresh_from_db(fields=["support_count"])
            record_event(verb="ideas.proposal.supported", actor=member, obj=locked, owner=locked.author)
            if locked.support_count >= threshold():
                locked.status = ProposalStatus.IN_REVIEW
                locked.qualified_at = now
                locked.save(update_fields=["status", "qualified_at"])
                record_event(
                    verb="ideas.proposal.qualified",
                    obj=locked,
                    owner=locked.author,
                    properties={"supporters": locked.support_count},
                )
                _tell_author(locked, "qualified", count=locked.support_count)
            elif locked.support_count in MILESTONES:
                _tell_author(locked, "milestone", count=locked.support_count)
    except IntegrityError:
        raise Conflict(_("You already support this idea.")) from None
    return locked


def _params(proposal, **extra) -> dict:
    return {
        "proposal": proposal.title,
        "proposal_translated": proposal.title_translated,
        "language": proposal.language,
        **extra,
    }


def _tell_author(proposal, what: str, *, count: int) -> None:
    notify(
        recipient_ids=[proposal.author_id],
        kind="ideas",
        actor=None,
        url=proposal.get_absolute_url(),
        params=_params(proposal, what=what, count=count),
        dedupe_key=f"ideas:{proposal.pk}:{what}:{count}",
    )


def _tell_supporters(proposal, what: str, *, actor, key: str, **extra) -> None:
    ids = list(Support.objects.filter(proposal=proposal).values_list("member_id", flat=True))
    notify(
        recipient_ids=[*ids, proposal.author_id],
        kind="ideas",
        actor=actor,
        url=proposal.get_absolute_url(),
        params=_params(proposal, what=what, **extra),
        dedupe_key=key,
    )


def comment_add(*, author, proposal: Proposal, body: str) -> Comment:
    """A comment; the proposal's author's comments are updates, sent to the supporters."""
    if not permissions.may_see(author, proposal):
        raise NotFound()
    if not permissions.can_comment(author, proposal):
        raise Forbidden()
    body = (body or "").strip()
    problem = text_problem(body)
    if problem or not body:
        raise ValidationFailed(problem or _("Write something first."), field="body")
    if len(body) > 4000:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 4000}, field="body")
    ratelimit.hit("ideas-comment", str(author.pk), settings.FORUM_POST_RATE)
    with transaction.atomic():
        comment = Comment.objects.create(
            proposal=proposal,
            author=author,
            body=body,
            is_update=author.pk == proposal.author_id,
            created_at=timezone.now(),
        )
        record_event(verb="ideas.comment.added", actor=author, obj=comment, owner=proposal.author)
        if comment.is_update:
            _tell_supporters(proposal, "update", actor=author, key=f"ideas:{proposal.pk}:update:{comment.pk}")
    return comment


# ---- Review rounds ------------------------------------------------------------------


def round_cutoffs(year: int) -> list[datetime]:
    """The year's cutoffs: IDEAS_ROUNDS_PER_YEAR evenly spaced from 1 January (three a
    year: 1 January, 1 May, 1 September), at local midnight."""
    per_year = settings.IDEAS_ROUNDS_PER_YEAR
    zone = timezone.get_current_timezone()
    months = [1 + i * 12 // per_year for i in range(per_year)]
    return [datetime(year, month, 1, tzinfo=zone) for month in months]


def _next_cutoff(cutoff: datetime) -> datetime:
    return min(c for c in round_cutoffs(cutoff.year) + round_cutoffs(cutoff.year + 1) if c > cutoff)


def rounds_open_due(*, now=None) -> ReviewRound | None:
    """At a cutoff, the round opens with every idea that qualified before it and is in no
    round yet; it reviews them until the next cutoff (the schedule's task; safe to run
    again). No idea waiting: no round."""
    now = now or timezone.now()
    year = timezone.localtime(now).year
    cutoff = max(c for c in round_cutoffs(year) + round_cutoffs(year - 1) if c <= now)
    with transaction.atomic():
        # Ideas that qualified before the cutoff and are in no round, and ideas a past
        # round did not decide by its end: this round reviews them.
        waiting = list(
            # Only the ideas' rows are locked (the round is joined, possibly to nothing).
            Proposal.objects.select_for_update(of=("self",))
            .filter(status=ProposalStatus.IN_REVIEW)
            .filter(
                Q(review_round__isnull=True, qualified_at__lt=cutoff)
                | Q(review_round__decide_by__lte=cutoff, review_round__cutoff__lt=cutoff)
            )
            .order_by("pk")
        )
        if not waiting:
            return None
        index = round_cutoffs(cutoff.year).index(cutoff) + 1
        found, _created = ReviewRound.objects.get_or_create(
            cutoff=cutoff, defaults={"name": f"{cutoff.year}-{index}", "decide_by": _next_cutoff(cutoff)}
        )
        if found.status == RoundStatus.CLOSED:
            ReviewRound.objects.filter(pk=found.pk).update(status=RoundStatus.REVIEWING, closed_at=None)
        Proposal.objects.filter(pk__in=[p.pk for p in waiting]).update(review_round=found)
        for proposal in waiting:
            record_event(
                verb="ideas.proposal.in_round",
                obj=proposal,
                owner=proposal.author,
                properties={"round": found.name},
            )
            _tell_author(proposal, "in_round", count=proposal.support_count)
    return found


def review_record(*, reviewer, proposal: Proposal, recommendation: str, reasons: str) -> Review:
    if not permissions.may_see(reviewer, proposal):
        raise NotFound()
    role = permissions.reviewer_role(reviewer, proposal)
    if role is None:
        raise Forbidden()
    if recommendation not in Decision.values:
        raise ValidationFailed(_("Choose adopt or decline."), field="recommendation")
    reasons = _reasons_checked(reasons)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.IN_REVIEW or locked.review_round_id is None:
            raise Conflict(_("Only an idea in a review round can be reviewed."))
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    proposal=locked,
                    review_round_id=locked.review_round_id,
                    reviewer=reviewer,
                    role=role,
                    recommendation=recommendation,
                    reasons=reasons,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("You have already reviewed this idea in this round.")) from None
        record_event(
            verb="ideas.proposal.reviewed",
            actor=reviewer,
            obj=locked,
            owner=locked.author,
            properties={"recommendation": recommendation, "role": role},
        )
    return review


def _reasons_checked(reasons: str) -> str:
    reasons = (reasons or "").strip()
    problem = text_problem(reasons)
    if problem:
        raise ValidationFailed(problem, field="reasons")
    if len(reasons) < 4:  # Chinese says much in four characters
        raise ValidationFailed(
            _("Give your reasons: the author and the supporters read them."), field="reasons"
        )
    if len(reasons) > 4000:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 4000}, field="reasons")
    return reasons


def proposal_decide(*, actor, proposal: Proposal, decision: str, reasons: str) -> Proposal:
    """Product staff decide an idea in review, after at least one review in its round;
    the author and every supporter are told, with the reasons."""
    if not permissions.may_see(actor, proposal):
        raise NotFound()
    if not permissions.can_decide(actor, proposal):
        raise Forbidden()
    if decision not in Decision.values:
        raise ValidationFailed(_("Choose adopt or decline."), field="decision")
    reasons = _reasons_checked(reasons)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.IN_REVIEW or locked.review_round_id is None:
            raise Conflict(_("Only an idea in a review round can be decided."))
        if not locked.reviews.filter(review_round_id=locked.review_round_id).exists():
            raise Conflict(_("Record at least one review in this round before deciding."))
        locked.status = ProposalStatus.ADOPTED if decision == Decision.ADOPT else ProposalStatus.DECLINED
        locked.decided_at, locked.decided_by, locked.decision_reason = now, actor, reasons
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        audit_record(
            actor=actor,
            action="ideas.proposal.decided",
            target=locked,
            reason=reasons,
            data={"decision": decision},
        )
        record_event(
            verb="ideas.proposal.decided",
            actor=actor,
            obj=locked,
            owner=locked.author,
            properties={"decision": decision},
        )
        round_ = locked.review_round
        if not round_.proposals.filter(status=ProposalStatus.IN_REVIEW).exists():
            ReviewRound.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED, closed_at=now)
        _tell_supporters(locked, locked.status, actor=actor, key=f"ideas:{locked.pk}:decided")
    return locked


def proposals_expire_due(*, now=None) -> int:
    """Ideas still gathering support when their time is up expire (the schedule's task)."""
    now = now or timezone.now()
    due = list(
        Proposal.objects.filter(status=ProposalStatus.SUPPORTING, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            locked = (
                Proposal.objects.select_for_update().filter(pk=pk, status=ProposalStatus.SUPPORTING).first()
            )
            if locked is None or locked.expires_at > now:
                continue
            locked.status = ProposalStatus.EXPIRED
            locked.save(update_fields=["status"])
            record_event(verb="ideas.proposal.expired", obj=locked, owner=locked.author)
            _tell_author(locked, "expired", count=locked.support_count)
            expired += 1
    return expired


# ---- Adoption agreements and royalties -----------------------------------------------


def _royalty_accounts():
    """Where royalties come from (an expense of the brand, may run negative), and where
    withheld tax waits for the tax office."""
    expense = AccountRef(code="system:idea-royalties:CNY", kind=AccountKind.SETTLEMENT, currency=Currency.CNY)
    tax = AccountRef(
        code="system:royalty-tax-withheld:CNY", kind=AccountKind.SETTLEMENT, currency=Currency.CNY
    )
    return expense, tax


def _rate_checked(rate, field: str = "rate") -> Decimal:
    try:
        value = Decimal(str(rate).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a rate such as 0.01 for 1 %."), field=field) from None
    if not value.is_finite() or not (0 < value < 1) or value != value.quantize(Decimal("0.0001")):
        raise ValidationFailed(
            _("Enter a rate above 0 and below 1, to four decimals (0.01 is 1 %)."), field=field
        )
    return value


def agreement_publish(*, actor, body: str, body_zh: str, rate) -> AgreementText:
    """A new version of the adoption agreement; earlier ones stay as their authors
    accepted them."""
    if not permissions.can_decide(actor):
        raise Forbidden()
    texts = {}
    for name, value in (("body", body), ("body_zh", body_zh)):
        value = (value or "").strip()
        problem = text_problem(value)
        if problem or len(value) < 20:
            raise ValidationFailed(problem or _("Write the agreement in full."), field=name)
        if len(value) > 20000:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": 20000}, field=name)
        texts[name] = value
    rate = _rate_checked(rate)
    with transaction.atomic():
        latest = AgreementText.objects.select_for_update().order_by("-version").first()
        agreement = AgreementText.objects.create(
            version=(latest.version if latest else 0) + 1,
            rate=rate,
            created_by=actor,
            created_at=timezone.now(),
            **texts,
        )
        audit_record(
            actor=actor, action="ideas.agreement.published", target=agreement, data={"rate": str(rate)}
        )
    return agreement


def _skus_checked(skus) -> list[str]:
    """The product's SKUs as the shops send them: a list, or one per line."""
    cleaned = []
    for raw in skus if isinstance(skus, list | tuple) else str(skus or "").splitlines():
        sku = str(raw).strip()
        if not sku:
            continue
        problem = text_problem(sku, single_line=True)
        if problem or len(sku) > 64:
            raise ValidationFailed(problem or _("A SKU has at most 64 characters."), field="skus")
        if sku not in cleaned:
            cleaned.append(sku)
    if not cleaned:
        raise ValidationFailed(_("Name at least one SKU whose sales pay the royalty."), field="skus")
    if len(cleaned) > 50:
        raise ValidationFailed(_("At most 50 SKUs."), field="skus")
    return cleaned


def _skus_of_other_adoptions(proposal, skus: list[str]) -> set[str]:
    return set(
        AdoptionSku.objects.filter(sku__in=skus)
        .exclude(adoption__proposal=proposal)
        .values_list("sku", flat=True)
    )


def _sku_rows_set(adoption: Adoption, skus: list[str]) -> None:
    """The offer's SKUs as rows; unique, so two offers racing for one SKU get one."""
    taken_message = _("Already the product of another adopted idea: %(skus)s")
    AdoptionSku.objects.filter(adoption=adoption).exclude(sku__in=skus).delete()
    have = set(AdoptionSku.objects.filter(adoption=adoption).values_list("sku", flat=True))
    try:
        with transaction.atomic():
            AdoptionSku.objects.bulk_create(
                [AdoptionSku(adoption=adoption, sku=sku) for sku in skus if sku not in have]
            )
    except IntegrityError:
        raise ValidationFailed(taken_message % {"skus": ", ".join(skus)}, field="skus") from None


def adoption_offer(*, actor, proposal: Proposal, product_name: str, skus, rate=None) -> Adoption:
    """Product staff offer the author the current agreement for an adopted idea: the
    product it became (its SKUs in the shops' sales) and the rate (the agreement's unless
    given)."""
    if not permissions.can_decide(actor, proposal):
        raise Forbidden()
    product_name = " ".join((product_name or "").split())
    problem = text_problem(product_name, single_line=True)
    if problem or not product_name or len(product_name) > 120:
        raise ValidationFailed(
            problem or _("Name the product (at most 120 characters)."), field="product_name"
        )
    skus = _skus_checked(skus)
    agreement = AgreementText.objects.order_by("-version").first()
    if agreement is None:
        raise Conflict(_("Publish the adoption agreement first."))
    rate = _rate_checked(rate) if rate not in (None, "") else agreement.rate
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.ADOPTED:
            raise Conflict(_("Only an adopted idea gets an adoption agreement."))
        found = Adoption.objects.select_for_update().filter(proposal=locked).first()
        if found is not None and found.accepted_at is not None:
            raise Conflict(_("The author has accepted the agreement; it is no longer changed."))
        taken = _skus_of_other_adoptions(locked, skus)
        if taken:
            # One sale pays one author: a SKU belongs to one adopted idea.
            raise ValidationFailed(
                _("Already the product of another adopted idea: %(skus)s")
                % {"skus": ", ".join(sorted(taken))},
                field="skus",
            )
        fields = {
            "agreement": agreement,
            "product_name": product_name,
            "skus": skus,
            "rate": rate,
            "offered_by": actor,
            "offered_at": timezone.now(),
        }
        if found is None:
            found = Adoption.objects.create(proposal=locked, **fields)
        else:
            for name, value in fields.items():
                setattr(found, name, value)
            found.save(update_fields=list(fields))
        _sku_rows_set(found, skus)
        audit_record(
            actor=actor,
            action="ideas.adoption.offered",
            target=locked,
            data={"skus": skus, "rate": str(rate), "version": agreement.version},
        )
        record_event(verb="ideas.adoption.offered", actor=actor, obj=locked, owner=locked.author)
        notify(
            recipient_ids=[locked.author_id],
            kind="ideas",
            actor=actor,
            url=locked.get_absolute_url(),
            params=_params(locked, what="offered"),
            dedupe_key=f"ideas:{locked.pk}:offered:{agreement.version}:{found.offered_at.timestamp()}",
        )
    return found


def adoption_accept(*, actor, adoption: Adoption, version: int, terms: str | None = None) -> Adoption:
    """The author accepts the agreement they were shown (`version`) on the terms they were
    shown (`terms`: the offer's digest, as the page gave it); royalties count the
    product's sales from this moment."""
    with transaction.atomic():
        locked = (
            Adoption.objects.select_for_update().select_related("proposal", "agreement").get(pk=adoption.pk)
        )
        if actor is None or actor.pk != locked.proposal.author_id:
            raise NotFound()
        if locked.accepted_at is not None:
            raise Conflict(_("You have already accepted this agreement."))
        if locked.agreement.version != version or (terms is not None and terms != locked.terms_digest):
            raise Conflict(_("The agreement changed while you read it: read the new version."))
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        audit_record(
            actor=actor,
            action="ideas.adoption.accepted",
            target=locked.proposal,
            data={"version": version, "rate": str(locked.rate)},
        )
        record_event(
            verb="ideas.adoption.accepted",
            actor=actor,
            obj=locked.proposal,
            owner=actor,
            properties={"version": version},
        )
    return locked


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_after(period: date) -> date:
    """The first day of the month after `period`'s."""
    return (period.replace(day=28) + timedelta(days=4)).replace(day=1)


def _after_month(period: date) -> datetime:
    return datetime.combine(month_after(period), time.min, tzinfo=timezone.get_current_timezone())


def statement_issue(*, adoption: Adoption, period: date, now=None) -> RoyaltyStatement:
    """The month's statement of one adoption, once (a second call returns it): lines
    counted by the rule in royalties.py, the author's wallet credited in the ledger."""
    now = now or timezone.now()
    _period_checked(period, now)
    found = RoyaltyStatement.objects.filter(adoption=adoption, period=period).first()
    if found is not None:
        return found
    accepted_at = Adoption.objects.filter(pk=adoption.pk).values_list("accepted_at", flat=True).first()
    if accepted_at is None:
        raise Conflict(_("The author has not accepted the agreement yet."))
    if period < month_start(timezone.localtime(accepted_at).date()):
        raise Conflict(_("The agreement was accepted after that month."))
    if RoyaltyStatement.objects.filter(adoption=adoption, period__gt=period).exists():
        raise Conflict(_("A later month has its statement already: statements are issued in order."))
    statements_issue_for_month(period=period, adoption_ids=[adoption.pk], now=now)
    return RoyaltyStatement.objects.get(adoption=adoption, period=period)


def _period_checked(period: date, now) -> None:
    if period.day != 1:
        raise ValidationFailed(_("A statement is for a whole month."), field="period")
    if _after_month(period) > now:
        raise Conflict(_("The month is not over yet."))


# What each adoption due for the month counts (royalties.py, rule 1), summed in one pass
# over the sales lines: the lines up to the cut-off, before the month's end, not counted
# by the adoption's previous statement (at most its cut-off and before its end), of the
# adopted SKUs, sold after the author accepted. A refund counts by the sale line it gives
# back: that line's SKU and sale time. Each line meets one small row, its SKU's, which
# carries the adoption's figures (refreshed first by _REFRESH_SQL): no CTE and no
# correlated subquery, so PostgreSQL scans the lines with parallel workers.
_LINES_SQL = """
SELECT s.adoption_id, {is_refund} AS is_refund,
       CAST(ROUND(l.unit_price * 100) AS BIGINT) * l.quantity AS amount
FROM {line} AS l
JOIN {order} AS o ON o.id = l.order_id{refund_joins}
JOIN {sku} AS s ON s.sku = {sku_of}
WHERE s.adoption_id IN ({ids}) AND o.kind = %(kind_{n})s AND o.currency = %(currency)s
  AND l.id <= %(through)s AND o.occurred_at < %(until)s AND {sold_at} >= s.sold_from
  AND (l.id > s.counted_through OR s.counted_until IS NULL OR o.occurred_at >= s.counted_until)
"""
_MONTH_SQL = """
SELECT adoption_id,
       COALESCE(SUM(CASE WHEN is_refund = 0 THEN amount ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN is_refund = 1 THEN amount ELSE 0 END), 0),
       COUNT(*)
FROM ({sales} UNION ALL {refunds}) AS counted
GROUP BY adoption_id
"""
# The SKU rows' copy of what the pass needs, from the adoption and its latest statement.
_REFRESH_SQL = """
UPDATE {sku} SET
    sold_from = (SELECT a.accepted_at FROM {adoption} AS a WHERE a.id = {sku}.adoption_id),
    counted_through = COALESCE((
        SELECT p.lines_through FROM {statement} AS p WHERE p.adoption_id = {sku}.adoption_id
        ORDER BY p.period DESC LIMIT 1), 0),
    counted_until = (
        SELECT p.counted_until FROM {statement} AS p WHERE p.adoption_id = {sku}.adoption_id
        ORDER BY p.period DESC LIMIT 1)
WHERE adoption_id IN ({ids})
"""


def _tables(ids_placeholders: str) -> dict:
    return {
        "adoption": Adoption._meta.db_table,
        "statement": RoyaltyStatement._meta.db_table,
        "line": OrderLine._meta.db_table,
        "order": Order._meta.db_table,
        "sku": AdoptionSku._meta.db_table,
        "ids": ids_placeholders,
    }


def _month_sql(ids_placeholders: str) -> str:
    tables = _tables(ids_placeholders)
    sales = _LINES_SQL.format(
        is_refund=0, refund_joins="", sku_of="l.sku", sold_at="o.occurred_at", n=0, **tables
    )
    refunds = _LINES_SQL.format(
        is_refund=1,
        refund_joins=(
            f"\nJOIN {tables['line']} AS sold ON sold.id = l.refunds_line_id"
            f"\nJOIN {tables['order']} AS sale ON sale.id = sold.order_id"
        ),
        sku_of="sold.sku",
        sold_at="sale.occurred_at",
        n=1,
        **tables,
    )
    return _MONTH_SQL.format(sales=sales, refunds=refunds)


def _due_for_month(period: date, adoption_ids) -> list[Adoption]:
    """Accepted adoptions whose next statement is `period`'s: accepted before its end,
    no statement for it or a later month yet."""
    end = _after_month(period)
    adoptions = (
        Adoption.objects.filter(accepted_at__lt=end)
        .exclude(statements__period__gte=period)
        .select_related("proposal__author")
        .order_by("pk")
    )
    if adoption_ids is not None:
        adoptions = adoptions.filter(pk__in=adoption_ids)
    return list(adoptions)


def statements_issue_for_month(*, period: date, adoption_ids=None, now=None) -> int:
    """Every due adoption's statement for `period` (or those of `adoption_ids`) in one
    transaction: the sales lines summed in one pass, the statements inserted in bulk and
    the authors' wallets credited in one ledger batch, their events and notifications
    likewise. The order lines are settled at a cut-off first (stores'
    `order_lines_settled_through`), so a line imported meanwhile is counted next month,
    never lost between two months. Returns how many statements were issued; running it
    again issues none."""
    now = now or timezone.now()
    _period_checked(period, now)
    end = _after_month(period)
    # The operator's rate in force (payments console, versioned), stored on each statement.
    tax_rate = royalty_tax_rate()
    if not (0 <= tax_rate < 1):
        raise ImproperlyConfigured("the royalty tax rate must be at least 0 and below 1")
    issued = 0
    with transaction.atomic():
        through = order_lines_settled_through()
        # The adoptions are read after the cut-off's lock: a concurrent run of the same
        # month has committed by then, and its statements are seen here.
        due = _due_for_month(period, adoption_ids)
        for chunk_start in range(0, len(due), MONTH_BATCH):
            issued += _issue_month_batch(
                due[chunk_start : chunk_start + MONTH_BATCH],
                period=period,
                end=end,
                through=through,
                tax_rate=tax_rate,
                now=now,
            )
    return issued


_MARKER = 987654321
MONTH_BATCH = 10000  # adoptions per pass over the lines (an IN list; SQLite's limit is 32,766)


def _issue_month_batch(due: list[Adoption], *, period, end, through, tax_rate, now) -> int:
    ids = [adoption.pk for adoption in due]
    params = {
        "kind_0": OrderKind.SALE,
        "kind_1": OrderKind.REFUND,
        "currency": Currency.CNY,
        "through": through,
        "until": end,
    }
    params.update({f"a{n}": pk for n, pk in enumerate(ids)})
    placeholders = ", ".join(f"%(a{n})s" for n in range(len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_SQL.format(**_tables(placeholders)), params)
        cursor.execute(_month_sql(placeholders), params)
        counted = {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in cursor.fetchall()}
    before = {
        row["adoption_id"]: row
        for row in RoyaltyStatement.objects.filter(adoption_id__in=ids)
        .values("adoption_id")
        .annotate(paid=Sum("payable_fen"), last=Max("period"))
    }
    last_net = dict(
        RoyaltyStatement.objects.filter(
            adoption_id__in=ids, period__in={row["last"] for row in before.values()}
        ).values_list("adoption_id", "cumulative_net_fen")
    )
    statements, posts, events, notices = [], [], [], []
    # The statements' page, resolved once for the batch (ten thousand resolutions cost
    # seconds), then filled in with each idea's id.
    royalties_page = reverse("ideas:royalties", args=[_MARKER])
    expense, tax = _royalty_accounts()
    for adoption in due:
        sales, refunds, lines = counted.get(adoption.pk, (0, 0, 0))
        month = royalties.next_month(
            sales_fen=sales,
            refunds_fen=refunds,
            rate=adoption.rate,
            tax_rate=tax_rate,
            net_before_fen=last_net.get(adoption.pk, 0),
            paid_before_fen=before[adoption.pk]["paid"] if adoption.pk in before else 0,
        )
        proposal = adoption.proposal
        key = f"ideas:royalty:{adoption.pk}:{period:%Y-%m}"
        statements.append(
            {
                "adoption_id": adoption.pk,
                "period": period,
                "rate": adoption.rate,
                "sales_fen": sales,
                "refunds_fen": refunds,
                "cumulative_net_fen": month.cumulative_net_fen,
                "due_to_date_fen": month.due_to_date_fen,
                "payable_fen": month.payable_fen,
                "withheld_fen": month.withheld_fen,
                "credited_fen": month.credited_fen,
                "lines_through": through,
                "counted_until": end,
                "line_count": lines,
                "tax_rate": tax_rate,
                "transaction_id": None,
                "created_at": now,
            }
        )
        if month.payable_fen:
            entries = [
                (expense, -month.payable_fen),
                (wallet_ref(proposal.author, Currency.CNY), month.credited_fen),
                (tax, month.withheld_fen),
            ]
            posts.append(
                LedgerPost(
                    key=key,
                    kind="royalty",
                    memo=f"Royalties {period:%Y-%m}: {adoption.product_name}",
                    entries=[(account, amount) for account, amount in entries if amount],
                    obj=proposal,
                )
            )
        events.append(
            NewEvent(
                verb="ideas.royalty.stated",
                idempotency_key=key,
                owner_id=proposal.author_id,
                object_type=Proposal._meta.label_lower,
                object_id=proposal.pk,
                occurred_at=now,
                properties={"period": f"{period:%Y-%m}", "payable_fen": month.payable_fen},
            )
        )
        notices.append(
            Notice(
                recipient_id=proposal.author_id,
                url=royalties_page.replace(str(_MARKER), str(proposal.pk)),
                params=_params(proposal, what="statement", period=f"{period:%Y-%m}", fen=month.credited_fen),
                dedupe_key=f"ideas:{adoption.pk}:statement:{period:%Y-%m}",
            )
        )
    # A payment the tax takes whole (a fen at a high rate) credits no wallet.
    to_wallets, to_tax = [], []
    for post in posts:
        (to_wallets if any(account.tracks_balance for account, _a in post.entries) else to_tax).append(post)
    transactions = ledger_credit_many(to_wallets)
    if to_tax:
        ledger_post_many(to_tax)
        transactions.update(transaction_ids(keys=[post.key for post in to_tax]))
    for statement in statements:
        if statement["payable_fen"]:
            statement["transaction_id"] = transactions[
                f"ideas:royalty:{statement['adoption_id']}:{period:%Y-%m}"
            ]
    # A concurrent issuer of the same month waited for the cut-off's lock and then saw
    # these statements as issued; the unique (adoption, period) is the last guard.
    bulk_insert(RoyaltyStatement, statements)
    record_events(events)
    notify_many(kind="ideas", notices=notices)
    return len(statements)


def statements_issue_due(*, now=None) -> int:
    """Every accepted adoption's statements for the months that ended, month by month
    from the earliest one due (the schedule's task; safe to run again)."""
    now = now or timezone.now()
    this_month = month_start(timezone.localtime(now).date())
    nexts = []
    for accepted_at, latest in (
        Adoption.objects.filter(accepted_at__isnull=False)
        .annotate(latest=Max("statements__period"))
        .values_list("accepted_at", "latest")
    ):
        nexts.append(month_after(latest) if latest else month_start(timezone.localtime(accepted_at).date()))
    if not nexts:
        return 0
    issued, period = 0, min(nexts)
    while period < this_month:
        issued += statements_issue_for_month(period=period, now=now)
        period = month_after(period)
    return issued
