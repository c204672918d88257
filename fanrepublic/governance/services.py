"""The fan parliament: operators put a question to eligible members; each casts one
ballot (changeable until closing if the vote allows) and gets a receipt; after closing
the anonymised ballots and their Merkle root are published with the result, so every
voter can check their ballot was counted as cast and anyone can recount."""

import hashlib
import hmac
import secrets
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.badges.eligibility import eligibility_problems
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record

from . import merkle
from .enums import Method, VoteStatus
from .models import Ballot, Vote, VoteOption
from .permissions import can_run_votes
from .tally import tabulate


def _require_organiser(actor):
    if not can_run_votes(actor):
        raise Forbidden(_("Only operators and the founder run votes."))


def voter_key(vote_id: int, member_id: int) -> str:
    """Who cast a ballot, as only this server can compute it: one ballot per member is a
    database constraint, yet the ballots table of a secret vote names no member."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"ballot:{vote_id}:{member_id}".encode(), hashlib.sha256
    ).hexdigest()


SHAPE_SECONDS = 10


def _vote_shape(vote: Vote) -> tuple[set[int], list]:
    """A vote's option ids and required badges, read once per process every few seconds:
    every ballot needs them, and they are fixed once the vote opens (the admin refuses
    changing them after the draft)."""
    key = f"governance:vote-shape:{vote.pk}"
    shape = caches["process"].get(key)
    if shape is None:
        shape = (set(vote.options.values_list("pk", flat=True)), list(vote.required_badges.all()))
        caches["process"].set(key, shape, SHAPE_SECONDS)
    return shape


def _owners_rule(vote: Vote) -> dict:
    """Which owners may vote, as `eligibility_problems` keywords: none asked for, owners
    by their own word, or owners a purchase or serial number shows."""
    if not (vote.owners_only and vote.product_line_id):
        return {}
    if vote.owners_verified_only:
        return {"verified_product_lines": [vote.product_line]}
    return {"product_lines": [vote.product_line]}


def eligibility(member, vote: Vote) -> list[str]:
    # The casting rule; `eligible_members` is the same rule as a query (turnout).
    problems = eligibility_problems(
        member,
        min_trust_level=vote.min_trust_level,
        badges=_vote_shape(vote)[1],
        **_owners_rule(vote),
    )
    if member.is_suspended:
        problems.append(_("Your account is suspended."))
    return problems


def vote_create(*, actor, options: list[dict], required_badges=(), **fields) -> Vote:
    """Create a draft vote with its options ({label, label_zh, details, details_zh})."""
    _require_organiser(actor)
    options = [o for o in options if (o.get("label") or "").strip()]
    if len(options) < 2:
        raise ValidationFailed(_("A vote needs at least two options."), field="options")
    if len(options) > 50:
        raise ValidationFailed(_("At most %(n)d options.") % {"n": 50}, field="options")
    if fields.get("method") not in Method.values:
        raise ValidationFailed(_("Choose how ballots are counted."), field="method")
    seats = fields.get("seats") or 1
    if seats >= len(options) and fields["method"] == Method.STV:
        raise ValidationFailed(_("There must be more options than seats."), field="seats")
    if fields["closes_at"] <= fields["opens_at"]:
        raise ValidationFailed(_("A vote must close after it opens."), field="closes_at")
    if fields.get("owners_verified_only") and not (fields.get("owners_only") and fields.get("product_line")):
        raise ValidationFailed(
            _("Verified owners only needs a product and owners only."), field="owners_verified_only"
        )
    if fields.get("slug") in ("new",) or Vote.objects.filter(slug=fields.get("slug")).exists():
        raise ValidationFailed(_("That slug is taken; choose another."), field="slug")
    with transaction.atomic():
        vote = Vote.objects.create(
            created_by=actor, seats=seats, **{k: v for k, v in fields.items() if k != "seats"}
        )
        vote.required_badges.set(required_badges)
        for position, option in enumerate(options):
            VoteOption.objects.create(
                vote=vote,
                label=option["label"].strip()[:200],
                label_zh=(option.get("label_zh") or "").strip()[:200],
                details=(option.get("details") or "").strip()[:2000],
                details_zh=(option.get("details_zh") or "").strip()[:2000],
                position=position,
            )
        audit_record(actor=actor, action="governance.vote.created", target=vote)
    return vote


def _transition(*, actor, vote: Vote, source: str, target: str, action: str, freeze=None) -> Vote:
    _require_organiser(actor)
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        if locked.status != source:
            raise Conflict(_("This vote is %(status)s.") % {"status": locked.get_status_display()})
        locked.status = target
        fields = freeze(locked) if freeze else {}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *fields])
        audit_record(actor=actor, action=action, target=locked)
        record_event(verb=action, actor=actor, obj=locked)
    return locked


def vote_open(*, actor, vote: Vote) -> Vote:
    return _transition(
        actor=actor,
        vote=vote,
        source=VoteStatus.DRAFT,
        target=VoteStatus.OPEN,
        action="governance.vote.opened",
    )


def vote_close(*, actor, vote: Vote) -> Vote:
    """Close the vote and freeze turnout's denominator: the members who could cast a
    ballot at this moment (a member joining or suspended later changes nothing)."""
    return _transition(
        actor=actor,
        vote=vote,
        source=VoteStatus.OPEN,
        target=VoteStatus.CLOSED,
        action="governance.vote.closed",
        freeze=lambda locked: {"eligible_at_close": eligible_members(locked).count()},
    )


def _clean_choice(vote: Vote, option_ids: list[int], abstain: bool) -> list[int]:
    if abstain:
        if not vote.allow_abstain:
            raise ValidationFailed(_("This vote has no abstain choice."), field="choice")
        return []
    valid = _vote_shape(vote)[0]
    try:
        chosen = [int(o) for o in option_ids]
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose among the vote's options."), field="choice") from None
    if not chosen:
        raise ValidationFailed(_("Choose an option (or abstain, if offered)."), field="choice")
    if any(o not in valid for o in chosen):
        raise ValidationFailed(_("Choose among the vote's options."), field="choice")
    if len(set(chosen)) != len(chosen):
        raise ValidationFailed(_("An option may appear only once on a ballot."), field="choice")
    if vote.method == Method.SINGLE and len(chosen) != 1:
        raise ValidationFailed(_("Choose exactly one option."), field="choice")
    if vote.method == Method.APPROVAL:
        chosen = sorted(chosen)
    return chosen  # ranked methods keep the voter's order


def ballot_cast(*, member, vote: Vote, option_ids: list[int], abstain: bool = False) -> Ballot:
    """Cast, or change while the vote is open and allows it. Returns the ballot; its
    receipt stays the same when the ballot changes."""
    if not member.is_authenticated:
        raise Forbidden(_("Sign in to vote."))
    vote = Vote.objects.get(pk=vote.pk)  # its state now, not the caller's copy
    if not vote.is_open:
        raise Conflict(_("This vote is not open."))
    problems = eligibility(member, vote)
    if problems:
        raise Forbidden(" ".join(problems), code="not_eligible")
    choice = _clean_choice(vote, option_ids, abstain)
    key = voter_key(vote.pk, member.pk)
    fields = {
        "vote": vote,
        "voter_key": key,
        "voter": None if vote.secret else member,
        "receipt": secrets.token_hex(16),
        "choice": choice,
        "abstain": not choice,
        "trust_level": member.trust_level,
    }
    try:
        # One transaction (a savepoint inside a caller's): the ballot and the event that
        # says this member voted — about the vote, never the ballot row or the choice,
        # so the log reveals nothing a secret ballot hides.
        with transaction.atomic():
            ballot = Ballot.objects.create(**fields)
            record_event(
                verb="governance.ballot.cast",
                actor=member,
                owner=member,
                obj=vote,
                idempotency_key=f"governance.ballot.cast:{vote.pk}:{member.pk}",
            )
    except IntegrityError:
        # The database decided: this member has a ballot already (also under a race).
        if not vote.allow_change:
            raise Conflict(_("You have already voted, and this vote does not allow changes.")) from None
        with transaction.atomic():
            ballot = Ballot.objects.select_for_update().get(vote=vote, voter_key=key)
            ballot.choice, ballot.abstain, ballot.cast_at = choice, not choice, timezone.now()
            ballot.changes += 1
            ballot.save(update_fields=["choice", "abstain", "cast_at", "changes"])
    return ballot


def my_ballot(*, member, vote: Vote) -> Ballot | None:
    if not member.is_authenticated:
        return None
    return Ballot.objects.filter(vote=vote, voter_key=voter_key(vote.pk, member.pk)).first()


def anonymised_ballots(vote: Vote) -> list[dict]:
    """What is published: receipt and choice, in receipt order — nothing about who."""
    return [
        {"receipt": receipt, "choice": choice}
        for receipt, choice in vote.ballots.order_by("receipt").values_list("receipt", "choice").iterator()
    ]


def eligible_members(vote: Vote):
    """Who may cast a ballot now, by the rule `ballot_cast` applies (see `eligibility`):
    active, trusted enough, owning the product (verified, if the vote says so) and holding
    the badges if required, and not suspended."""
    members = (
        get_user_model()
        .objects.filter(is_active=True, trust_level__gte=vote.min_trust_level)
        .exclude(suspended_until__gt=timezone.now())
    )
    if vote.owners_only and vote.product_line_id:
        if vote.owners_verified_only:
            members = members.filter(verified_ownerships__product_line=vote.product_line)
        else:
            members = members.filter(products_owned=vote.product_line)
    for badge in vote.required_badges.all():
        members = members.filter(badges__badge=badge)
    return members.distinct()


def vote_publish(*, actor, vote: Vote) -> Vote:
    """Count and publish: the Merkle root of the anonymised ballots, the result (seeded
    with that root for ranked tie-breaks), turnout, quorum and the breakdown by trust
    level. Only after the vote closed; once."""
    _require_organiser(actor)
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        if locked.status != VoteStatus.CLOSED:
            raise Conflict(_("Close the vote before publishing its result."))
        ballots = anonymised_ballots(locked)
        digest = merkle.root(ballots, merkle.SCHEME)
        option_ids = list(locked.options.values_list("pk", flat=True))
        result = tabulate(
            method=locked.method,
            option_ids=option_ids,
            ballots=[b["choice"] for b in ballots],
            seats=locked.seats,
            seed=digest,
        )
        # Frozen at closing; a vote closed before that was recorded counts them now.
        eligible = locked.eligible_at_close
        if eligible is None:
            eligible = eligible_members(locked).count()
        result["eligible"] = eligible
        result["turnout"] = round(100 * len(ballots) / eligible, 1) if eligible else None
        result["quorum"] = locked.quorum
        result["quorum_met"] = len(ballots) >= locked.quorum
        result["by_trust_level"] = _breakdown(locked)
        locked.digest, locked.digest_scheme, locked.result = digest, merkle.SCHEME, result
        locked.status, locked.published_at = VoteStatus.PUBLISHED, timezone.now()
        locked.save(update_fields=["digest", "digest_scheme", "result", "status", "published_at"])
        audit_record(actor=actor, action="governance.vote.published", target=locked, data={"digest": digest})
        record_event(
            verb="governance.vote.published",
            actor=actor,
            obj=locked,
            properties={"ballots": len(ballots), "digest": digest},
        )
    return locked


SMALLEST_GROUP = 5


def _breakdown(vote: Vote) -> dict:
    """First choices by the voters' trust level at casting, with no group of fewer than
    five ballots shown (see `merge_small_groups`)."""
    rows: dict[str, dict[str, int]] = {}
    for level, choice in vote.ballots.values_list("trust_level", "choice").iterator():
        group = rows.setdefault(str(level), {})
        key = str(choice[0]) if choice else "abstain"
        group[key] = group.get(key, 0) + 1
    return merge_small_groups(rows)


def merge_small_groups(rows: dict[str, dict[str, int]], smallest: int = SMALLEST_GROUP) -> dict:
    """So that a small group cannot reveal how someone voted: groups under `smallest`
    ballots are merged into "other"; while "other" is itself under `smallest`, the
    smallest remaining group joins it; when all the ballots together are fewer, nothing
    is shown."""

    def size(counts: dict[str, int]) -> int:
        return sum(counts.values())

    rows = dict(rows)
    small = sorted(g for g, counts in rows.items() if size(counts) < smallest)
    if not small:
        return rows
    merged: Counter = Counter()
    for group in small:
        merged.update(rows.pop(group))
    while size(merged) < smallest and rows:
        merged.update(rows.pop(min(rows, key=lambda g: (size(rows[g]), g))))
    if size(merged) < smallest:
        return {}
    rows["other"] = dict(merged)
    return rows


def outcome_record(*, actor, vote: Vote, outcome: str, outcome_zh: str = "") -> Vote:
    """What staff did with a published binding vote, e.g. "price set to 2,999 yuan"."""
    _require_organiser(actor)
    outcome = (outcome or "").strip()
    if not outcome or len(outcome) > 2000:
        raise ValidationFailed(
            _("Describe the outcome in at most %(n)d characters.") % {"n": 2000}, field="outcome"
        )
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        if locked.status != VoteStatus.PUBLISHED:
            raise Conflict(_("Record an outcome once the result is published."))
        locked.outcome, locked.outcome_zh = outcome, (outcome_zh or "").strip()[:2000]
        locked.save(update_fields=["outcome", "outcome_zh"])
        audit_record(actor=actor, action="governance.vote.outcome", target=locked, reason=outcome)
    return locked


def receipt_check(*, vote: Vote, receipt: str) -> dict | None:
    """Is this receipt among the published ballots, with which choice, and does its
    Merkle path lead to the published root?"""
    if vote.status != VoteStatus.PUBLISHED:
        raise NotFound()
    receipt = (receipt or "").strip().lower()
    ballots = anonymised_ballots(vote)
    found = next((b for b in ballots if b["receipt"] == receipt), None)
    if found is None:
        return None
    inclusion = merkle.proof(ballots, receipt, vote.digest_scheme or merkle.LEGACY_SCHEME)
    return {
        "ballot": found,
        "proof": inclusion,
        "path": inclusion["path"],
        "verified": merkle.verify(found, inclusion, vote.digest),
    }
