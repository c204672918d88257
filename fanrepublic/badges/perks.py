"""Perks: claiming a place (badges required, points paid, places never oversold) and,
where an operator allowed it, handing the place to someone else, explicitly and audited."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.points.services import points_spend

from .models import MemberBadge, Perk, PerkClaim, PerkTransfer


class PerkUnavailable(Conflict):
    code = "perk_unavailable"


def perk_claim(*, member, perk: Perk) -> PerkClaim:
    if not member.is_authenticated or member.is_suspended:
        raise Forbidden(_("Your account cannot claim perks right now."))
    if not perk.is_active:
        raise NotFound()
    if perk.happens_at <= timezone.now():
        raise PerkUnavailable(_("This perk has already taken place."))
    required = set(perk.required_badges.values_list("pk", flat=True))
    held = set(
        MemberBadge.objects.filter(member=member, badge_id__in=required).values_list("badge_id", flat=True)
    )
    if required - held:
        raise Forbidden(_("This perk needs badges you do not hold yet."), code="not_eligible")
    try:
        with transaction.atomic():
            locked = Perk.objects.select_for_update().get(pk=perk.pk)
            if locked.remaining < 1:
                raise PerkUnavailable(_("All places are taken."))
            Perk.objects.filter(pk=locked.pk).update(remaining=F("remaining") - 1)
            claim = PerkClaim.objects.create(perk=locked, holder=member, claimed_by=member)
            if locked.price_points:
                claim.debit = points_spend(
                    member=member,
                    points=locked.price_points,
                    key=f"perk:{claim.pk}",
                    memo=locked.name,
                    obj=claim,
                )
                claim.save(update_fields=["debit"])
            record_event(
                verb="badges.perk.claimed",
                actor=member,
                obj=claim,
                owner=member,
                properties={"perk": locked.slug},
            )
    except IntegrityError:
        raise PerkUnavailable(_("You already hold a place for this perk.")) from None
    return claim


def perk_transfer(*, holder, claim: PerkClaim, to_member, note: str = "") -> PerkClaim:
    """The holder hands the place to another member — only for transferable perks."""
    if claim.holder_id != holder.pk:
        raise NotFound()
    if not claim.perk.transferable:
        raise Forbidden(_("This perk is bound to you and cannot be handed on."), code="not_transferable")
    if to_member.pk == holder.pk or not to_member.is_active:
        raise ValidationFailed(_("Choose another active member."), field="to")
    if claim.perk.happens_at <= timezone.now():
        raise PerkUnavailable(_("This perk has already taken place."))
    if len(note) > 300:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": 300}, field="note")
    try:
        with transaction.atomic():
            updated = PerkClaim.objects.filter(pk=claim.pk, holder=holder).update(holder=to_member)
            if not updated:
                raise NotFound()
            PerkTransfer.objects.create(claim=claim, from_member=holder, to_member=to_member, note=note)
            audit_record(
                actor=holder,
                action="badges.perk.transferred",
                target=claim,
                reason=note,
                data={"perk": claim.perk.slug, "from": holder.username, "to": to_member.username},
            )
            record_event(
                verb="badges.perk.transferred",
                actor=holder,
                obj=claim,
                owner=to_member,
                properties={"perk": claim.perk.slug, "from": holder.pk},
            )
    except IntegrityError:
        raise PerkUnavailable(_("That member already holds a place for this perk.")) from None
    claim.holder = to_member
    return claim
