import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fanrepublic.core.charts import bar_chart
from fanrepublic.core.errors import DomainError, NotFound, Unavailable, ValidationFailed
from fanrepublic.core.forms import submit_form

from . import avatars, live, permissions, selectors, services
from .enums import QuestionStatus
from .forms import AvatarForm, EventForm, QuestionForm
from .models import Attendance


def index(request):
    return render(
        request,
        "launches/index.html",
        {"phases": selectors.events_by_phase(), "can_run": permissions.can_run_events(request.user)},
    )


@login_required
def event_new(request):
    permissions.access_organiser_pages(request.user)
    form = EventForm(request.POST or None)
    status = 200
    if request.method == "POST":
        created, status = submit_form(form, lambda data: services.event_create(actor=request.user, **data))
        if created:
            messages.success(request, _("Event created. Add the questions on the host console."))
            return redirect("launches:host", created.slug)
    return render(request, "launches/event_form.html", {"form": form}, status=status)


def _results(question, counts: dict[int, int] | None = None) -> dict:
    if counts is None:
        counts = selectors.question_counts(question)
    total = sum(counts.values())
    rows = [
        {
            "option": o,
            "count": counts.get(o.pk, 0),
            "share": round(100 * counts.get(o.pk, 0) / total) if total else 0,
        }
        for o in question.options.all()
    ]
    return {"question": question, "rows": rows, "total": total}


def _hall_strings() -> dict:
    """The words hall.js needs, in the member's language."""
    return {
        "answers_one": ngettext("%(n)s answer", "%(n)s answers", 1),
        "answers_many": ngettext("%(n)s answer", "%(n)s answers", 2),
        "members_one": ngettext("%(n)s member", "%(n)s members", 1),
        "members_many": ngettext("%(n)s member", "%(n)s members", 2),
        "your_answer": _("Your answer"),
        "announce_open": _("New question: %(prompt)s"),
        "announce_closed": _("Question closed: %(prompt)s"),
        "no_question": _("No question yet"),
        "no_question_help": _(
            "The host will open questions during the event. They appear here without reloading."
        ),
        "live": _("Live · updated %(time)s"),
        "polling": _("Live (checked every second) · updated %(time)s"),
        "reconnecting": _("Connection lost; reconnecting…"),
        "offline": _("Your answer could not be sent. Check your connection and try again."),
        **{f"status_{value}": str(label) for value, label in QuestionStatus.choices},
    }


def hall(request, slug):
    event = selectors.event_get(slug=slug)
    question = selectors.current_question(event.pk)
    counts = selectors.question_counts(question) if question else {}
    state = selectors.hall_state(event.pk, status=event.status, question=question, counts=counts)
    joined = (
        request.user.is_authenticated and Attendance.objects.filter(event=event, member=request.user).exists()
    )
    my_choice = selectors.my_choice(member=request.user, question=question)
    past = []
    for q in event.questions.filter(status=QuestionStatus.CLOSED).prefetch_related("options"):
        if q == question:
            continue
        results = _results(q)
        chart_points = [(row["option"].display_label, row["count"]) for row in results["rows"]]
        past.append(
            {**results, "chart": bar_chart(chart_points, title=q.display_prompt, chart_id=f"q{q.pk}")}
        )
    return render(
        request,
        "launches/hall.html",
        {
            "event": event,
            "schedule": event.schedule.all(),
            "current": _results(question, counts) if question else None,
            "my_choice": my_choice,
            "answered": my_choice is not None
            or selectors.answer_queued(member=request.user, question=question),
            "joined": joined,
            "hall_pass": services.hall_pass(request.user.pk, event)
            if joined and not request.user.is_suspended
            else "",
            "problems": services.eligibility(request.user, event)
            if request.user.is_authenticated and not joined
            else [],
            "arrivals": selectors.arrivals(event.pk),
            "attendees": state["attendees"],
            "state": state,
            "past": past,
            "can_host": permissions.can_host(request.user, event),
            "strings": _hall_strings(),
            "my_avatar": avatars.member_svg(request.user, size=64) if request.user.is_authenticated else "",
        },
    )


@login_required
@require_POST
def join(request, slug):
    event = selectors.event_get(slug=slug)
    try:
        services.join(member=request.user, event=event)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("You are in the hall. Answer each question while it is open."))
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def answer(request, slug):
    """The form path (works without JavaScript): a signed-in member who joined. A question
    they cannot see answers 404 and an unreachable hall 503 with Retry-After (the error
    pages, by core.middleware); the rest is said on the hall page."""
    event = selectors.event_get(slug=slug)
    try:
        services.cast_as_member(
            member=request.user,
            event=event,
            question_id=request.POST.get("question"),
            option_id=request.POST.get("option"),
        )
    except (NotFound, Unavailable):
        raise
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your answer is in."))
    return redirect(event.get_absolute_url())


_EVENT_IDS: dict[str, tuple[int, float]] = {}


def _event_id(slug: str) -> int:
    # A slug does not change once an event is live; each process remembers it a minute
    # (a plain dict: this runs on every answer on launch night).
    found = _EVENT_IDS.get(slug)
    if found is None or found[1] < time.monotonic():
        found = (selectors.event_get(slug=slug).pk, time.monotonic() + 60)
        if len(_EVENT_IDS) > 1000:
            _EVENT_IDS.clear()
        _EVENT_IDS[slug] = found
    return found[0]


def _error(exc: DomainError) -> JsonResponse:
    fields = exc.errors if isinstance(exc, ValidationFailed) else {}
    response = JsonResponse(
        {"error": {"code": exc.code, "message": exc.text, "fields": fields}}, status=exc.status
    )
    if isinstance(exc, Unavailable):
        response["Retry-After"] = str(exc.retry_after)
    return response


@csrf_exempt  # authenticated by the X-Hall-Pass header, which another site cannot send
@require_POST
def cast_json(request, slug, question_id, option_id):
    """The launch-night ballot path: a hall pass instead of a session, the question and
    option in the address (no body to parse), one Redis call or one SQL statement.
    Without a valid pass for this event — a session alone included — 401, as the API
    answers a caller without credentials; a question the member cannot see, 404."""
    try:
        event_id = _event_id(slug)
        member_id = services.read_pass(request.META.get("HTTP_X_HALL_PASS", ""), event_id)
        services.cast(member_id=member_id, event_id=event_id, question_id=question_id, option_id=option_id)
    except DomainError as exc:
        return _error(exc)
    return HttpResponse(b'{"ok": true}', status=201, content_type="application/json")


@never_cache
def live_json(request, slug):
    """The hall's state for pages that cannot keep a WebSocket open (polled each second)."""
    return JsonResponse(selectors.hall_state(selectors.event_get(slug=slug).pk))


@login_required
def host(request, slug, *, form=None, status=200):
    event = selectors.hostable(viewer=request.user, slug=slug)
    questions = list(selectors.host_questions(event))
    return render(
        request,
        "launches/host.html",
        {
            "event": event,
            "questions": [_results(q) for q in questions],
            "form": form or QuestionForm(),
            "attendees": live.attendee_count(event.pk),
        },
        status=status,
    )


@login_required
@require_POST
def host_action(request, slug):
    event = selectors.hostable(viewer=request.user, slug=slug)
    action = request.POST.get("action")
    if action == "add":
        form = QuestionForm(request.POST)
        created, status = submit_form(
            form, lambda data: services.question_add(actor=request.user, event=event, **data)
        )
        if not created:
            return host(request, slug, form=form, status=status)
        messages.success(request, _("Question added."))
        return redirect("launches:host", slug)
    try:
        if action in ("open", "close"):
            question = event.questions.filter(pk=request.POST.get("question") or 0).first()
            if question is None:
                raise NotFound()
            if action == "open":
                services.question_open(actor=request.user, question=question)
            else:
                services.question_close(actor=request.user, question=question)
        elif action == "start":
            services.event_start(actor=request.user, event=event)
        elif action == "end":
            services.event_end(actor=request.user, event=event)
        else:
            raise ValidationFailed(_("Unknown action."))
    except Unavailable:
        raise  # 503 with Retry-After (core.middleware): nothing was done, try again
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Done."))
    return redirect("launches:host", slug)


@login_required
def avatar_edit(request):
    current = avatars.avatar_for(request.user)
    form = AvatarForm(
        request.POST or None,
        initial={
            "hue": current.hue,
            "shape": current.shape,
            "eyes": current.eyes,
            "accessory": current.accessory,
        },
    )
    status = 200
    if request.method == "POST":
        saved, status = submit_form(form, lambda data: services.avatar_update(member=request.user, **data))
        if saved:
            messages.success(request, _("Your avatar is saved."))
            return redirect("launches:avatar")
    return render(
        request,
        "launches/avatar.html",
        {"form": form, "preview": avatars.member_svg(request.user, size=128)},
        status=status,
    )


@login_required
def avatar_preview(request):
    """The avatar as the form on the avatar page stands (not saved): the page swaps it in
    as the member changes colour, shape, eyes or accessory."""
    form = AvatarForm(request.GET)
    current = avatars.avatar_for(request.user)
    if form.is_valid():
        for field, value in form.cleaned_data.items():
            setattr(current, field, value)
    label = request.user.public_name
    return HttpResponse(avatars.svg(current, label=label, initial=avatars.initials(request.user), size=128))
