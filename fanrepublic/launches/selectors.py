import time

from django.db.models import Count, QuerySet

from fanrepublic.core.errors import NotFound

from . import avatars, ballot_queue, live
from .enums import EventStatus, QuestionStatus
from .models import Attendance, LaunchEvent, LiveBallot, LiveQuestion
from .permissions import can_host

ARRIVALS_SHOWN = 120


def events_visible() -> QuerySet[LaunchEvent]:
    return LaunchEvent.objects.select_related("product_line").annotate(
        n_attendees=Count("attendees", distinct=True)
    )


def event_get(*, slug: str) -> LaunchEvent:
    event = LaunchEvent.objects.select_related("product_line", "host").filter(slug=slug).first()
    if event is None:
        raise NotFound()
    return event


def events_by_phase() -> dict[str, list[LaunchEvent]]:
    events = list(events_visible().order_by("starts_at"))
    return {
        "live": [e for e in events if e.status == EventStatus.LIVE],
        "upcoming": [e for e in events if e.status == EventStatus.SCHEDULED],
        "past": [e for e in reversed(events) if e.status == EventStatus.ENDED],
    }


def current_question(event_id: int) -> LiveQuestion | None:
    """The open question, else the one closed last (its final result stays on screen)."""
    questions = LiveQuestion.objects.filter(event_id=event_id).prefetch_related("options")
    return (
        questions.filter(status=QuestionStatus.OPEN).first()
        or questions.filter(status=QuestionStatus.CLOSED).order_by("-closed_at", "-id").first()
    )


def question_counts(question: LiveQuestion) -> dict[int, int]:
    option_ids = [o.pk for o in question.options.all()]
    if question.status == QuestionStatus.CLOSED:
        stored = question.result.get("counts", {})
        return {o: int(stored.get(str(o), 0)) for o in option_ids}
    if question.status == QuestionStatus.OPEN:
        return live.running_counts(question.pk, option_ids)
    return dict.fromkeys(option_ids, 0)


def question_payload(question: LiveQuestion | None) -> dict | None:
    """A question in both languages, so one push serves every member's page."""
    if question is None:
        return None
    return {
        "id": question.pk,
        "status": question.status,
        "prompt": {"en": question.prompt, "zh": question.prompt_zh or question.prompt},
        "options": [
            {"id": o.pk, "label": {"en": o.label, "zh": o.label_zh or o.label}}
            for o in question.options.all()
        ],
    }


def counts_payload(question: LiveQuestion | None, counts: dict[int, int] | None = None) -> dict:
    if counts is None:
        counts = question_counts(question) if question else {}
    return {
        "question": question.pk if question else None,
        "counts": {str(k): v for k, v in counts.items()},
        "total": sum(counts.values()),
    }


_UNREAD = object()


def hall_state(event_id: int, *, status: str | None = None, question=_UNREAD, counts=None) -> dict:
    """Everything a hall page needs to redraw: sent on connecting and after each host
    action. A caller that has already read the event's status, its current question or
    that question's counts passes them in."""
    if status is None:
        status = LaunchEvent.objects.values_list("status", flat=True).get(pk=event_id)
    if question is _UNREAD:
        question = current_question(event_id)
    return {
        "type": "state",
        "status": status,
        "current": question_payload(question),
        **counts_payload(question, counts),
        "attendees": live.attendee_count(event_id),
        "at": int(time.time() * 1000),
    }


def arrivals(event_id: int, *, since=None, limit: int = ARRIVALS_SHOWN) -> list[dict]:
    """Members who joined most recently (after `since`), newest first, with their avatar."""
    rows = Attendance.objects.filter(event_id=event_id).select_related("member", "member__hall_avatar")
    if since is not None:
        rows = rows.filter(joined_at__gt=since)
    return [
        {
            "id": a.member_id,
            "name": a.member.public_name,
            "svg": str(avatars.member_svg(a.member, size=40)),
        }
        for a in rows.order_by("-joined_at", "-id")[:limit]
    ]


def my_choice(*, member, question: LiveQuestion | None) -> int | None:
    if question is None or not member.is_authenticated:
        return None
    return (
        LiveBallot.objects.filter(question=question, member=member)
        .values_list("option_id", flat=True)
        .first()
    )


def answer_queued(*, member, question: LiveQuestion | None) -> bool:
    """Accepted by the Redis queue (stored or not yet): what `my_choice` cannot see for
    an answer the writer has not stored."""
    if question is None or not member.is_authenticated or not ballot_queue.enabled():
        return False
    if question.status != QuestionStatus.OPEN:
        return False
    try:
        return ballot_queue.has_answered(question.pk, member.pk)
    except ballot_queue.UNREACHABLE:
        return False  # Redis is away: the page still renders; an answer then hears 503


def host_questions(event: LaunchEvent) -> QuerySet[LiveQuestion]:
    return event.questions.prefetch_related("options")


def hostable(*, viewer, slug: str) -> LaunchEvent:
    event = event_get(slug=slug)
    if not can_host(viewer, event):
        raise NotFound()
    return event
