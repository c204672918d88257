from datetime import datetime

from ninja import Field, Router, Schema, Status

from fanrepublic.core.api import BodyId, Id, Int
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import avatars, selectors, services

router = Router(tags=["launch events"])


class ScheduleOut(Schema):
    starts_at: datetime
    title: str
    title_zh: str


class LiveOptionOut(Schema):
    id: int
    label: str
    label_zh: str


def _counts(question) -> dict[int, int]:
    # Both fields below need them; read once per question (Redis or the stored result).
    if not hasattr(question, "_api_counts"):
        question._api_counts = selectors.question_counts(question)
    return question._api_counts


class QuestionOut(Schema):
    id: int
    position: int
    prompt: str
    prompt_zh: str
    status: str
    options: list[LiveOptionOut]
    counts: dict[str, int]
    total: int

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())

    @staticmethod
    def resolve_counts(obj):
        return {str(k): v for k, v in _counts(obj).items()}

    @staticmethod
    def resolve_total(obj):
        return sum(_counts(obj).values())


class EventOut(Schema):
    slug: str
    title: str
    title_zh: str
    description: str
    status: str
    starts_at: datetime
    ends_at: datetime
    host: str = Field(..., alias="host.username")
    min_trust_level: int
    schedule: list[ScheduleOut]

    @staticmethod
    def resolve_schedule(obj):
        return list(obj.schedule.all())


class EventDetailOut(EventOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        # Questions not asked yet are the host's surprise; the public sees the rest.
        return list(obj.questions.exclude(status="draft").prefetch_related("options"))


class JoinOut(Schema):
    hall_pass: str


class AnswerIn(Schema):
    option: BodyId


class OptionIn(Schema):
    label: str = Field(..., max_length=200)
    label_zh: str = Field("", max_length=200)


class QuestionIn(Schema):
    prompt: str = Field(..., max_length=300)
    prompt_zh: str = Field("", max_length=300)
    options: list[OptionIn]


class AvatarIO(Schema):
    hue: Int
    shape: str
    eyes: str
    accessory: str


@router.get("", response=list[EventOut], auth=PUBLIC)
def list_events(request):
    return list(selectors.events_visible().select_related("host").prefetch_related("schedule")[:200])


@router.get("/avatar", response=AvatarIO, auth=MEMBER)
def my_avatar(request):
    return avatars.avatar_for(request.user)


@router.put("/avatar", response=AvatarIO, auth=MEMBER)
def set_avatar(request, payload: AvatarIO):
    return services.avatar_update(member=require_scope(request), **payload.model_dump())


@router.get("/{slug}", response=EventDetailOut, auth=PUBLIC)
def get_event(request, slug: str):
    return selectors.event_get(slug=slug)


@router.post("/{slug}/join", response=JoinOut, auth=MEMBER)
def join(request, slug: str):
    """Join the hall; the answer's hall pass authorises casting (X-Hall-Pass header on
    /launches/<slug>/cast.json, the path built for launch-night load)."""
    member = require_scope(request)
    event = selectors.event_get(slug=slug)
    services.join(member=member, event=event)
    return {"hall_pass": services.hall_pass(member.pk, event)}


@router.post("/{slug}/questions/{question_id}/answer", response={201: dict}, auth=MEMBER)
def answer(request, slug: str, question_id: Id, payload: AnswerIn):
    member = require_scope(request)
    services.cast_as_member(
        member=member, event=selectors.event_get(slug=slug), question_id=question_id, option_id=payload.option
    )
    return Status(201, {"question": question_id, "option": payload.option})


def _hosted(request, slug):
    return require_scope(request), selectors.hostable(viewer=request.user, slug=slug)


def _question(event, question_id):
    question = event.questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    return question


@router.post("/{slug}/questions", response={201: QuestionOut}, auth=MEMBER)
def add_question(request, slug: str, payload: QuestionIn):
    actor, event = _hosted(request, slug)
    data = payload.model_dump()
    return Status(201, services.question_add(actor=actor, event=event, **data))


@router.post("/{slug}/questions/{question_id}/open", response=QuestionOut, auth=MEMBER)
def open_question(request, slug: str, question_id: Id):
    actor, event = _hosted(request, slug)
    return services.question_open(actor=actor, question=_question(event, question_id))


@router.post("/{slug}/questions/{question_id}/close", response=QuestionOut, auth=MEMBER)
def close_question(request, slug: str, question_id: Id):
    actor, event = _hosted(request, slug)
    return services.question_close(actor=actor, question=_question(event, question_id))


@router.post("/{slug}/start", response=EventOut, auth=MEMBER)
def start(request, slug: str):
    actor, event = _hosted(request, slug)
    return services.event_start(actor=actor, event=event)


@router.post("/{slug}/end", response=EventOut, auth=MEMBER)
def end(request, slug: str):
    actor, event = _hosted(request, slug)
    return services.event_end(actor=actor, event=event)
