from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.members.models import MemberStats

from .criteria import meets, owner_event_counts
from .models import Badge, MemberBadge
from .permissions import can_grant_badges


def _award(*, member_id: int, badge: Badge, actor=None, reason: str = "") -> MemberBadge | None:
    try:
        with transaction.atomic():
            held = MemberBadge.objects.create(
                member_id=member_id, badge=badge, granted_by=actor, reason=reason
            )
            record_event(
                verb="badges.badge.granted",
                actor=actor,
                obj=held,
                owner=held.member,
                properties={"badge": badge.slug, "automatic": actor is None},
                idempotency_key=f"badge:{badge.pk}:member:{member_id}",
            )
    except IntegrityError:
        return None  # already held: evaluation is idempotent
    return held


def badge_grant(*, actor, member, badge: Badge, reason: str) -> MemberBadge:
    """Staff grant a badge by hand, with a reason the member sees; audited."""
    if not can_grant_badges(actor):
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationFailed(_("Give a reason of at most %(n)d characters.") % {"n": 300}, field="reason")
    with transaction.atomic():
        held = _award(member_id=member.pk, badge=badge, actor=actor, reason=reason)
        if held is None:
            raise Conflict(_("This member already holds the badge."))
        audit_record(
            actor=actor, action="badges.granted", target=member, reason=reason, data={"badge": badge.slug}
        )
    return held


def badges_evaluate(*, member_ids: list[int] | None = None) -> int:
    """Grant every automatic badge whose criteria a member now meets; returns how many
    were granted. Safe to run again and again (a badge is held once)."""
    badges = [b for b in Badge.objects.all() if b.is_automatic]
    if not badges:
        return 0
    User = get_user_model()
    members = User.objects.filter(is_active=True)
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    held = set(
        MemberBadge.objects.filter(
            **({"member_id__in": member_ids} if member_ids is not None else {})
        ).values_list("member_id", "badge_id")
    )
    verbs = set().union(*(set(b.criteria.get("events", {})) for b in badges))
    granted = 0
    for chunk_start in range(0, 10**9, 1000):
        chunk = list(members.order_by("pk")[chunk_start : chunk_start + 1000])
        if not chunk:
            break
        ids = [m.pk for m in chunk]
        stats = {s.member_id: s for s in MemberStats.objects.filter(member_id__in=ids)}
        counts = owner_event_counts(ids, verbs)
        for member in chunk:
            earned = [
                badge
                for badge in badges
                if (member.pk, badge.pk) not in held
                and meets(
                    member, badge.criteria, stats=stats.get(member.pk), event_counts=counts.get(member.pk, {})
                )
            ]
            for badge in earned:
                granted += (
                    _award(member_id=member.pk, badge=badge, reason=_("Earned automatically")) is not None
                )
    return granted
