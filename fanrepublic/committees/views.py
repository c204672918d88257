from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed

from . import permissions, selectors, services
from .enums import ElectionStatus, FollowUp, NeedStatus
from .models import NeedSupport


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
            "meetings": found.meetings.all()[:12],
            "can_organise": permissions.can_organise(request.user),
            "can_plan": permissions.can_plan_for(request.user, found),
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
            "can_organise": permissions.can_organise(request.user),
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
        messages.error(request, exc.text)
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
    permissions.access_organiser_pages(request.user)
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
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Done."))
    return redirect(target)


def needs(request, slug):
    """The backlog: members raise and support needs; the committee shortlists them."""
    found = selectors.committee_get(slug=slug)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            need = services.need_raise(
                member=request.user,
                product_line=found.product_line,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, _("Need raised."))
            return redirect("committees:need", slug=slug, pk=need.pk)
    supported = set()
    if request.user.is_authenticated:
        supported = set(NeedSupport.objects.filter(member=request.user).values_list("need_id", flat=True))
    return render(
        request,
        "committees/needs.html",
        {
            "committee": found,
            "needs": found.product_line.needs.select_related("author")[:200],
            "supported": supported,
        },
    )


def need(request, slug, pk):
    found = selectors.committee_get(slug=slug)
    item = found.product_line.needs.select_related("author").filter(pk=pk).first()
    if item is None:
        raise NotFound()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            if request.POST.get("action") == "shortlist":
                services.need_shortlist(actor=request.user, need=item)
            else:
                services.need_support(
                    member=request.user, need=item, support=request.POST.get("support") == "1"
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("committees:need", slug=slug, pk=pk)
    return render(
        request,
        "committees/need.html",
        {
            "committee": found,
            "need": item,
            "supporting": request.user.is_authenticated
            and item.supports.filter(member=request.user).exists(),
            "decisions": item.decisions.select_related("meeting", "release_item__release__product_line"),
            "meetings": item.meetings.all(),
            "can_plan": permissions.can_plan_for(request.user, found),
        },
    )


def meeting(request, slug, pk):
    found = selectors.committee_get(slug=slug)
    item = found.meetings.filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return render(
        request,
        "committees/meeting.html",
        {
            "committee": found,
            "meeting": item,
            "agenda": item.agenda.all(),
            "decisions": item.decisions.select_related("need", "release_item__release__product_line"),
            "shortlisted": found.product_line.needs.filter(status=NeedStatus.SHORTLISTED),
            "can_plan": permissions.can_plan_for(request.user, found),
            "follow_ups": FollowUp.choices,
        },
    )


@login_required
@require_POST
def plan(request, slug):
    """One door for the committee's planning buttons; each calls one service."""
    found = selectors.committee_get(slug=slug)
    permissions.access_planning(request.user, found)
    post, actor = request.POST, request.user
    target = found.get_absolute_url()
    try:
        action = post.get("action")
        if action == "schedule":
            created = services.meeting_schedule(
                actor=actor,
                committee=found,
                quarter=post.get("quarter", ""),
                scheduled_at=_when(post.get("scheduled_at")),
            )
            target = created.get_absolute_url()
        else:
            current = found.meetings.filter(pk=int(post.get("meeting") or 0)).first()
            if current is None:
                raise NotFound()
            target = current.get_absolute_url()
            chosen = found.product_line.needs.filter(pk=int(post.get("need") or 0)).first()
            if action == "agenda":
                if chosen is None:
                    raise ValidationFailed(_("Choose a need."), field="need")
                services.agenda_add(actor=actor, meeting=current, need=chosen)
            elif action == "minutes":
                services.meeting_record(actor=actor, meeting=current, minutes=post.get("minutes", ""))
            elif action in ("decision", "trace"):
                release_item = None
                if post.get("release_item", "").isdigit():
                    from fanrepublic.releases.models import ReleaseItem

                    release_item = ReleaseItem.objects.filter(pk=int(post["release_item"])).first()
                    if release_item is None:
                        raise ValidationFailed(
                            _("There is no release item with that number."), field="release_item"
                        )
                follow = {
                    "follow_up": post.get("follow_up", ""),
                    "release_item": release_item,
                    "link": post.get("link", "").strip(),
                    "note": post.get("note", ""),
                }
                if action == "decision":
                    services.decision_record(
                        actor=actor, meeting=current, need=chosen, text=post.get("text", ""), **follow
                    )
                else:
                    decision = current.decisions.filter(pk=int(post.get("decision") or 0)).first()
                    if decision is None:
                        raise NotFound()
                    services.decision_trace(actor=actor, decision=decision, **follow)
            else:
                raise ValidationFailed(_("Unknown action."))
    except NotFound:
        raise
    except ValueError:
        messages.error(request, _("Some of the values are not valid."))
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Done."))
    return redirect(target)
