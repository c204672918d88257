from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import submit_form
from fanrepublic.members.selectors import member_get_public

from . import perks as perk_service
from . import permissions, selectors, services
from .forms import GrantForm, PerkForm
from .models import Perk, PerkClaim


def gallery(request):
    return render(request, "badges/gallery.html", {"badges": selectors.badge_gallery()})


@login_required
@require_POST
def grant(request, username):
    if not permissions.can_grant_badges(request.user):
        raise NotFound()
    member = member_get_public(username=username)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.badge_grant(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Badge granted."))
    else:
        messages.error(request, _("Choose a badge and give a reason."))
    return redirect("members:profile", username=member.username)


def perks(request):
    mine = set()
    if request.user.is_authenticated:
        mine = set(PerkClaim.objects.filter(holder=request.user).values_list("perk_id", flat=True))
    return render(
        request,
        "badges/perks.html",
        {
            "perks": selectors.perks_open(),
            "mine": mine,
            "can_moderate": permissions.can_manage_perks(request.user),
        },
    )


@login_required
@require_POST
def perk_claim(request, slug):
    perk = selectors.perk_get(slug=slug)
    try:
        perk_service.perk_claim(member=request.user, perk=perk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your place is booked."))
    return redirect("badges:my_perks")


@login_required
def my_perks(request):
    claims = (
        PerkClaim.objects.filter(holder=request.user).select_related("perk").prefetch_related("transfers")
    )
    return render(request, "badges/my_perks.html", {"claims": claims})


@login_required
@require_POST
def perk_transfer(request, pk):
    claim = PerkClaim.objects.select_related("perk").filter(pk=pk, holder=request.user).first()
    if claim is None:
        raise NotFound()
    try:
        to_member = member_get_public(username=request.POST.get("to", "").strip())
    except NotFound:
        messages.error(request, _("There is no member with that name."))
        return redirect("badges:my_perks")
    try:
        perk_service.perk_transfer(
            holder=request.user, claim=claim, to_member=to_member, note=request.POST.get("note", "").strip()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The place now belongs to %(name)s.") % {"name": to_member.public_name})
    return redirect("badges:my_perks")


@login_required
def perk_holders(request, slug):
    """Staff: the guest list of a perk, with every hand-over."""
    permissions.access_perk_staff_pages(request.user)
    perk = selectors.perk_get(slug=slug)
    claims = (
        perk.claims.select_related("holder", "claimed_by")
        .prefetch_related("transfers__from_member", "transfers__to_member")
        .order_by("created_at")
    )
    return render(request, "badges/perk_holders.html", {"perk": perk, "claims": claims})


@login_required
def perks_staff(request):
    """Operators: every perk, open or closed, with places left."""
    permissions.access_perk_staff_pages(request.user)
    return render(request, "badges/perks_staff.html", {"perks": selectors.perks_for_staff()})


@login_required
def perk_edit(request, slug=None):
    permissions.access_perk_staff_pages(request.user)
    perk = selectors.perk_get(slug=slug, include_closed=True) if slug else Perk()
    form = PerkForm(request.POST or None, instance=perk)
    status = 200
    if request.method == "POST":
        saved, status = submit_form(
            form,
            lambda data: perk_service.perk_save(
                actor=request.user,
                perk=form.instance,
                required_badges=data["required_badges"],
                add_places=data.get("add_places") or 0,
            ),
        )
        if saved:
            messages.success(request, _("Saved “%(name)s”.") % {"name": saved.display_name})
            return redirect("badges:perks_staff")
    return render(request, "badges/perk_form.html", {"form": form, "perk": perk}, status=status)
