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

from .eligibility import eligibility_problems
from .models import Perk, PerkClaim, PerkTransfer
from .permissions import can_manage_perks


class PerkUnavailable(Conflict):
    code = "perk_unavailable"


PERK_FIELDS = [
    "name",
    "name_zh",
    "slug",
    "description",
    "description_zh",
    "price_points",
    "happens_at",
    "transferable",
    "is_active",
]


def perk_save(*, actor, perk: Perk, required_badges=(), add_places: int = 0) -> Perk:
    """Create or change a perk (operators and the founder); audited. Places are set on
    creation and changed afterwards only by `add_places`, applied as a difference so a
    claim made while the form was open is never overwritten; places already claimed
    cannot be taken away."""
    if not can_manage_perks(actor):
        raise Forbidden()
    creating = perk._state.adding
    with transaction.atomic():
        if creating:
            perk.remaining = perk.quantity
            perk.save()
        else:
            perk.save(update_fields=PERK_FIELDS)
            if add_places:
                rows = Perk.objects.filter(pk=perk.pk)
                if add_places < 0:
                    rows = rows.filter(remaining__gte=-add_places)
                changed = rows.update(
                    quantity=F("quantity") + add_places, remaining=F("remaining") + add_places
                )
                if not changed:
                    raise ValidationFailed(
                        _("You cannot remove places that members have already claimed."), field="add_places"
                    )
        perk.required_badges.set(required_badges)
        perk.refresh_from_db(fields=["quantity", "remaining"])
        audit_record(
            actor=actor,
            action="perks.perk.created" if creating else "perks.perk.changed",
            target=perk,
            data={"quantity": perk.quantity, "price_points": perk.price_points, "add_places": add_places},
        )
    return perk


def perk_claim(*, member, perk: Perk) -> PerkClaim:
    if not member.is_authenticated or member.is_suspended:
        raise Forbidden(_("Your account cannot claim perks right now."))
    if not perk.is_active:
        raise NotFound()
    if perk.happens_at <= timezone.now():
        raise PerkUnavailable(_("This perk has already taken place."))
    problems = eligibility_problems(member, badges=perk.required_badges.all())
    if problems:
        raise Forbidden(" ".join(problems), code="not_eligible")
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
