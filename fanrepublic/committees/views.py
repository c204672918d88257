from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed

from . import selectors, services
from .enums import ElectionStatus


def index(request):
    return render(request, "committees/index.html", {"committees": selectors.committees_all()})


def committee(request, slug):
    found = selectors.committee_get(slug=slug)
    return render(
        request,
        "committees/committee.html",
        {
            "committee": found,
            "seats": selectors.current_seats(found),
            "elections": found.elections.all()[:10],
            "can_organise": services.can_organise(request.user),
        },
    )


def election(request, slug, pk):
    found = selectors.committee_get(slug=slug)
    current = selectors.election_get(committee=found, pk=pk)
    mine = current.candidacies.filter(member=request.user).first() if request.user.is_authenticated else None
    return render(
        request,
        "committees/election.html",
        {
            "committee": found,
            "election": current,
            "candidacies": current.candidacies.filter(withdrawn=False).select_related("member"),
            "mine": mine,
            "problems": services.stand_problems(request.user, found) if request.user.is_authenticated else [],
            "can_stand": current.status == ElectionStatus.CANDIDACY
            and timezone.now() < current.candidacy_closes_at,
            "can_organise": services.can_organise(request.user),
        },
    )


@login_required
@require_POST
def stand(request, slug, pk):
    found = selectors.committee_get(slug=slug)
    current = selectors.election_get(committee=found, pk=pk)
    try:
        services.candidacy_submit(
            member=request.user, election=current, statement=request.POST.get("statement", "")
        )
    except DomainError as exc:
        errors = getattr(exc, "errors", None) or {}
        messages.error(request, " ".join(m for ms in errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("You are standing. Good luck!"))
    return redirect(current.get_absolute_url())


def _when(value: str):
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a date and time."), field="date") from None


@login_required
@require_POST
def staff_action(request, slug):
    if not services.can_organise(request.user):
        raise NotFound()
    found = selectors.committee_get(slug=slug)
    post, actor = request.POST, request.user
    target = found.get_absolute_url()
    try:
        action = post.get("action")
        if action == "open":
            created = services.election_open(
                actor=actor,
                committee=found,
                seats_to_fill=int(post.get("seats_to_fill") or 0),
                candidacy_closes_at=_when(post.get("candidacy_closes_at")),
                voting_closes_at=_when(post.get("voting_closes_at")),
            )
            target = created.get_absolute_url()
        elif action in ("voting", "seat"):
            current = selectors.election_get(committee=found, pk=int(post.get("election") or 0))
            (services.election_start_voting if action == "voting" else services.election_seat)(
                actor=actor, election=current
            )
            target = current.get_absolute_url()
        elif action == "vacate":
            seat = found.seats_held.filter(pk=int(post.get("seat") or 0)).first()
            if seat is None:
                raise NotFound()
            services.seat_vacate(actor=actor, seat=seat, reason=post.get("reason", ""))
        else:
            raise ValidationFailed(_("Unknown action."))
    except NotFound:
        raise
    except ValueError:
        messages.error(request, _("Some of the values are not valid."))
    except DomainError as exc:
        errors = getattr(exc, "errors", None) or {}
        messages.error(request, " ".join(m for ms in errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect(target)
