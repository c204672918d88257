import secrets
from datetime import date

from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.selectors import count_by_verb, distinct_objects_by_actor
from fanrepublic.activity.services import record_event
from fanrepublic.core import capabilities
from fanrepublic.core.errors import Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record, model_update
from fanrepublic.core.text import text_problem

from . import honours, trust
from .enums import OwnershipSource, StaffRole, TokenScope
from .errors import SecondFactorRequired
from .models import ApiToken, MemberStats, ReputationEntry, User, VerifiedOwnership
from .permissions import (
    can_assign_roles,
    can_create_integration_token,
    can_moderate,
    may_make_token_for,
    needs_second_factor,
)
from .selectors import SECOND_FACTOR_TYPES, has_second_factor, verified_product_line_ids

PROFILE_FIELDS = ["display_name", "bio", "language", "avatar", "country"]


@transaction.atomic
def profile_update(*, member: User, data: dict, products_owned=None) -> User:
    # A display name reaches email subjects and other members' pages: one line, no
    # control characters; the bio may have lines but no other control characters.
    for field, single_line in (("display_name", True), ("bio", False)):
        if isinstance(data.get(field), str):
            problem = text_problem(data[field], single_line=single_line)
            if problem:
                raise ValidationFailed(problem, field=field)
    changed = model_update(instance=member, fields=PROFILE_FIELDS, data=data)
    if products_owned is not None:
        # A product a purchase or a serial number proves stays on the list while that
        # evidence stands: "owners of X" rules read the list.
        verified = verified_product_line_ids(member=member)
        member.products_owned.set({getattr(p, "pk", p) for p in products_owned} | verified)
        changed.append("products_owned")
    if changed:
        record_event(
            verb="member.profile.updated",
            actor=member,
            obj=member,
            owner=member,
            properties={"fields": changed},
        )
    return member


def _ownership_evidence(*, source: str, reference: str) -> str:
    if source not in OwnershipSource.values:
        raise ValidationFailed(_("Unknown kind of ownership evidence."), field="source")
    reference = (reference or "").strip()
    if not reference or len(reference) > 200:
        raise ValidationFailed(
            _("Name the evidence of ownership (at most 200 characters)."), field="reference"
        )
    return reference


def ownership_verify(*, member: User, product_line, source: str, reference: str, at=None) -> bool:
    """Record evidence that `member` owns `product_line` (a purchase, a registered serial
    number, a staff check) and so make them a verified owner. Returns True when the
    evidence is new; the same source and reference again changes nothing (a replayed
    import) and returns False. The product also joins the member's own list, so rules
    that ask for owners (self-declared or verified) both admit them.

    Runs inside the caller's transaction when there is one (a store's import): the
    savepoint keeps a lost race on the unique evidence from spoiling the caller's."""
    reference = _ownership_evidence(source=source, reference=reference)
    at = at or timezone.now()
    with transaction.atomic():
        # get_or_create takes a savepoint for its INSERT and reads the row the other
        # writer stored when it loses the race, so a duplicate never raises here.
        row, created = VerifiedOwnership.objects.get_or_create(
            member=member,
            product_line=product_line,
            source=source,
            reference=reference,
            defaults={"verified_at": at},
        )
        if not created:
            return False
        member.products_owned.add(product_line)
        record_event(
            verb="members.ownership.verified",
            obj=row,
            owner=member,
            # The evidence comes from a system (a point of sale, the serial registry),
            # not from something the member did on a page.
            channel=Channel.SYSTEM,
            occurred_at=at,
            properties={"product_line": product_line.slug, "source": source, "reference": reference},
            idempotency_key=f"members.ownership.verified:{row.pk}",
        )
    return True


def ownership_withdraw(*, member: User, product_line, source: str, reference: str) -> bool:
    """Withdraw one piece of evidence (a refunded purchase). With no evidence left the
    member is no longer a verified owner; the product stays on their own list, since
    they may still own it (a gift, a second-hand one). Returns True when a row went."""
    reference = _ownership_evidence(source=source, reference=reference)
    with transaction.atomic():
        row = VerifiedOwnership.objects.filter(
            member=member, product_line=product_line, source=source, reference=reference
        ).first()
        if row is None:
            return False
        deleted, _rows = VerifiedOwnership.objects.filter(pk=row.pk).delete()
        if not deleted:  # a concurrent withdrawal took it first
            return False
        still_verified = VerifiedOwnership.objects.filter(member=member, product_line=product_line).exists()
        record_event(
            verb="members.ownership.withdrawn",
            obj=row,
            owner=member,
            channel=Channel.SYSTEM,
            properties={
                "product_line": product_line.slug,
                "source": source,
                "reference": reference,
                "still_verified": still_verified,
            },
            idempotency_key=f"members.ownership.withdrawn:{row.pk}",
        )
    return True


def member_honour_set(*, member: User, code: str) -> None:
    """The title shown beside the member's name ("" for none): a code of a kind an app
    registered in members.honours."""
    kind = code.partition(":")[0]
    if code and not honours.known(kind):
        raise ValueError(f"no app registered the honour kind {kind!r}")
    User.objects.filter(pk=member.pk).update(honour=code[:60])
    member.honour = code[:60]


def member_set_language(*, member: User, language: str) -> None:
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."), field="language")
    if member.language != language:
        User.objects.filter(pk=member.pk).update(language=language)
        member.language = language


def visit_record(*, member: User, day: date, channel: str = Channel.WEB) -> bool:
    """Count one visit per member per day; the idempotency key makes repeats free."""
    _event, created = record_event(
        verb=trust.VISIT_VERB,
        actor=member,
        channel=channel,
        idempotency_key=f"visit:{member.pk}:{day.isoformat()}",
    )
    return created


def member_stats_compute(*, member_ids: list[int] | None = None) -> dict[int, MemberStats]:
    """Counters for trust levels, from the event log (all members when ids is None)."""
    by_actor = count_by_verb(
        field="actor",
        member_ids=member_ids,
        verbs=[trust.VISIT_VERB, trust.TOPIC_VERB, trust.REPLY_VERB, *trust.LIKE_VERBS, *trust.UNLIKE_VERBS],
    )
    by_owner = count_by_verb(
        field="owner",
        member_ids=member_ids,
        verbs=[*trust.LIKE_VERBS, *trust.UNLIKE_VERBS, trust.ACCEPTED_VERB],
    )
    reads = distinct_objects_by_actor(member_ids=member_ids, verb=trust.READ_VERB)
    ids = set(member_ids or []) | {k[0] for k in by_actor} | {k[0] for k in by_owner} | set(reads)
    now = timezone.now()

    def total(counts, member_id, verbs):
        return sum(counts.get((member_id, v), 0) for v in verbs)

    result = {}
    for member_id in ids:
        result[member_id] = MemberStats(
            member_id=member_id,
            days_visited=total(by_actor, member_id, [trust.VISIT_VERB]),
            topics_read=reads.get(member_id, 0),
            topics_created=total(by_actor, member_id, [trust.TOPIC_VERB]),
            replies_created=total(by_actor, member_id, [trust.REPLY_VERB]),
            likes_given=max(
                0,
                total(by_actor, member_id, trust.LIKE_VERBS) - total(by_actor, member_id, trust.UNLIKE_VERBS),
            ),
            likes_received=max(
                0,
                total(by_owner, member_id, trust.LIKE_VERBS) - total(by_owner, member_id, trust.UNLIKE_VERBS),
            ),
            suggestions_accepted=total(by_owner, member_id, [trust.ACCEPTED_VERB]),
            computed_at=now,
        )
    return result


def trust_levels_recompute(*, member_ids: list[int] | None = None) -> int:
    """Recompute counters and trust levels; returns how many levels changed. Run by the
    periodic task for everyone and on demand (staff, tests) for some members."""
    stats = member_stats_compute(member_ids=member_ids)
    changed = 0
    members = User.objects.all() if member_ids is None else User.objects.filter(pk__in=member_ids)
    stat_fields = [f.name for f in MemberStats._meta.fields if f.name != "member"]
    with transaction.atomic():
        batch: list[MemberStats] = []
        for member in members.only("pk", "trust_level", "trust_level_locked").iterator(chunk_size=2000):
            row = stats.get(member.pk) or MemberStats(member_id=member.pk, computed_at=timezone.now())
            batch.append(row)
            if not member.trust_level_locked:
                level = trust.level_for(row)
                if level != member.trust_level:
                    User.objects.filter(pk=member.pk).update(trust_level=level)
                    record_event(
                        verb="member.trust_level.changed",
                        obj=member,
                        owner=member,
                        channel=Channel.SYSTEM,
                        properties={"from": member.trust_level, "to": level},
                    )
                    changed += 1
        # One upsert per 1,000 members instead of a query or two per member.
        MemberStats.objects.bulk_create(
            batch, batch_size=1000, update_conflicts=True, unique_fields=["member"], update_fields=stat_fields
        )
    return changed


@transaction.atomic
def trust_level_set(*, actor: User, member: User, level: int, reason: str) -> User:
    """Staff pin a trust level by hand (e.g. a known expert); recomputation leaves it."""
    if not can_moderate(actor):
        raise Forbidden()
    if level not in range(0, 5):
        raise ValidationFailed(_("A trust level is between 0 and 4."), field="level")
    old = member.trust_level
    member.trust_level = level
    member.trust_level_locked = True
    member.save(update_fields=["trust_level", "trust_level_locked"])
    audit_record(
        actor=actor,
        action="member.trust_level.set",
        target=member,
        reason=reason,
        data={"from": old, "to": level},
    )
    return member


def reputation_apply_event(*, event) -> ReputationEntry | None:
    """Apply one event to its owner's contribution score, once. Members never score
    their own actions (liking your own post earns nothing)."""
    rule = trust.REPUTATION_RULES.get(event.verb)
    if rule is None or event.owner_id is None or event.owner_id == event.actor_id:
        return None
    delta, reason = rule
    try:
        with transaction.atomic():
            entry = ReputationEntry.objects.create(
                member_id=event.owner_id, delta=delta, reason=reason, source=f"event:{event.pk}"
            )
            User.objects.filter(pk=event.owner_id).update(reputation=F("reputation") + delta)
    except IntegrityError:  # already applied (the task ran twice)
        return None
    return entry


@transaction.atomic
def member_suspend(*, actor: User, member: User, until, reason: str) -> User:
    if not can_moderate(actor):
        raise Forbidden()
    if member.pk == actor.pk:
        raise ValidationFailed(_("You cannot suspend yourself."))
    if not reason.strip():
        raise ValidationFailed(_("Give a reason; the member will see it."), field="reason")
    if until is not None and until <= timezone.now():
        raise ValidationFailed(_("The end of a suspension must lie in the future."), field="until")
    member.suspended_until = until
    member.suspension_reason = reason if until else ""
    member.save(update_fields=["suspended_until", "suspension_reason"])
    audit_record(
        actor=actor,
        action="member.suspended" if until else "member.unsuspended",
        target=member,
        reason=reason,
        data={"until": until.isoformat() if until else None},
    )
    record_event(
        verb="member.suspended" if until else "member.unsuspended",
        actor=actor,
        obj=member,
        owner=member,
        properties={"until": until.isoformat() if until else None},
    )
    return member


@transaction.atomic
def role_assign(*, actor: User, member: User, role: str, granted: bool) -> User:
    """Grant or remove a staff role (also possible in the admin, which audits through
    LogEntry). Only founders and superusers hand out roles."""
    if not can_assign_roles(actor):
        raise Forbidden()
    if role not in StaffRole.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    group, _created = Group.objects.get_or_create(name=role)
    if granted:
        member.groups.add(group)
    else:
        member.groups.remove(group)
    member.__dict__.pop("staff_roles", None)
    audit_record(
        actor=actor,
        action="member.role.granted" if granted else "member.role.removed",
        target=member,
        data={"role": role},
    )
    return member


def api_token_create(*, owner: User, name: str, scopes: list[str], integration=None) -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown once and never stored.

    An event-ingestion token belongs to an integration (a store's point of sale, the
    app): what it may send is the integration's list of external verbs, on its channel.
    Other scopes are personal and act as the owner."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Name the token (at most 100 characters)."), field="name")
    problem = text_problem(name, single_line=True)
    if problem:
        raise ValidationFailed(problem, field="name")
    unknown = set(scopes) - set(TokenScope.values)
    if unknown or not scopes:
        raise ValidationFailed(_("Choose at least one valid scope."), field="scopes")
    if TokenScope.INGEST in scopes:
        if not can_create_integration_token(owner):
            raise Forbidden(_("Only staff may create event-ingestion tokens."))
        if integration is None or not integration.is_active:
            raise ValidationFailed(
                _("An event-ingestion token belongs to an active integration: choose one."),
                field="integration",
            )
        if not may_make_token_for(owner, integration):
            raise ValidationFailed(
                _(
                    "You may make tokens only for your own store's point of sale; "
                    "ask an operator for this one."
                ),
                field="integration",
            )
        # An integration's token ingests and nothing else: it never acts as its creator.
        scopes = [TokenScope.INGEST]
    elif integration is not None:
        raise ValidationFailed(
            _("Only event-ingestion tokens belong to an integration."), field="integration"
        )
    # A staff member's token would act with their roles; it is made only once they have
    # a second factor (the pages also ask for it in the session that makes the token).
    if needs_second_factor(owner) and not has_second_factor(member=owner):
        raise SecondFactorRequired()
    secret = "fr_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=secret[:10],
        key_hash=ApiToken.hash_key(secret),
        scopes=sorted(set(scopes)),
        integration=integration,
    )
    return token, secret


def api_token_revoke(*, owner: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, owner=owner, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound()


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token for `secret`, or None. `token.second_factor_missing` tells whether
    it is a personal token of a staff member who has no second factor: such a token may
    not be used (members.api_auth.TokenAuth refuses it) until they set one up. Both facts come
    with the token's own query."""
    if not secret or not secret.startswith("fr_"):
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .annotate(
            owner_has_staff_role=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("owner_id"), group__name__in=StaffRole.values
                )
            ),
            owner_has_second_factor=Exists(
                Authenticator.objects.filter(user_id=OuterRef("owner_id"), type__in=SECOND_FACTOR_TYPES)
            ),
        )
        .filter(key_hash=ApiToken.hash_key(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.owner.is_active:
        return None
    owner = token.owner
    token.second_factor_missing = (
        token.integration_id is None
        and not token.owner_has_second_factor
        and (
            owner.is_superuser
            or owner.is_staff
            or token.owner_has_staff_role
            or capabilities.needs_second_factor_for_access(owner)
        )
    )
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def member_session_end(*, member: User, session_id: int, current_session_key: str | None) -> None:
    """Sign one of the member's other sessions out (another browser or device). The
    current session is left alone: signing out is the sign-out button's job."""
    session = (
        UserSession.objects.filter(pk=session_id, user_id=member.pk)
        .exclude(session_key=current_session_key or "")
        .first()
    )
    if session is None:
        raise NotFound()
    get_usersessions_adapter().end_sessions([session])


def member_sessions_end_others(*, member: User, current_session_key: str | None) -> int:
    """Sign the member out everywhere but here; returns how many sessions ended."""
    others = list(
        UserSession.objects.filter(user_id=member.pk).exclude(session_key=current_session_key or "")
    )
    get_usersessions_adapter().end_sessions(others)
    return len(others)
