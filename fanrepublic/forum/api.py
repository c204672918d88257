from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from fanrepublic.activity.enums import Channel
from fanrepublic.core.api import Id, Pages
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import selectors, services
from .enums import TopicSort
from .models import Board, Reply
from .schemas import (
    BoardOut,
    MergeIn,
    ReplyIn,
    ReplyOut,
    ReplyPatch,
    StatusIn,
    StatusOut,
    ToggleOut,
    TopicDetailOut,
    TopicIn,
    TopicOut,
    TopicPatch,
)

router = Router(tags=["forum"])


class TopicFilters(Schema):
    board: str = Field("", max_length=50)
    kind: str = Field("", max_length=20)
    status: str = Field("", max_length=20)
    sort: str = Field(TopicSort.ACTIVE, max_length=20)
    q: str = Field("", max_length=200)


@router.get("/boards", response=list[BoardOut], auth=PUBLIC)
def list_boards(request):
    return list(selectors.boards_list())


@router.get("/boards/{slug}", response=BoardOut, auth=PUBLIC)
def get_board(request, slug: str):
    return selectors.board_get(slug=slug)


@router.get("/topics", response=list[TopicOut], auth=PUBLIC)
@paginate(Pages, page_size=20)
def list_topics(request, filters: Query[TopicFilters]):
    board = selectors.board_get(slug=filters.board) if filters.board else None
    return selectors.topic_list(
        viewer=request.user,
        board=board,
        kind=filters.kind,
        status=filters.status,
        sort=filters.sort if filters.sort in TopicSort.values else TopicSort.ACTIVE,
        query=filters.q[:200],
    )


@router.post("/topics", response={201: TopicDetailOut}, auth=MEMBER)
def create_topic(request, payload: TopicIn):
    user = require_scope(request)
    board = Board.objects.filter(slug=payload.board, is_archived=False).first()
    if board is None:
        raise ValidationFailed(_("No open board with this slug."), field="board")
    topic = services.topic_create(
        author=user,
        board=board,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        channel=Channel.API,
    )
    return Status(201, selectors.topic_get(viewer=user, pk=topic.pk))


@router.get("/topics/{topic_id}", response=TopicDetailOut, auth=PUBLIC)
def get_topic(request, topic_id: Id):
    return selectors.topic_get(viewer=request.user, pk=topic_id)


@router.patch("/topics/{topic_id}", response=TopicDetailOut, auth=MEMBER)
def edit_topic(request, topic_id: Id, payload: TopicPatch):
    user = require_scope(request)
    topic = selectors.topic_get(viewer=user, pk=topic_id)
    services.topic_edit(actor=user, topic=topic, title=payload.title, body=payload.body)
    return selectors.topic_get(viewer=user, pk=topic_id)


@router.get("/topics/{topic_id}/replies", response=list[ReplyOut], auth=PUBLIC)
@paginate(Pages, page_size=50)
def list_replies(request, topic_id: Id):
    topic = selectors.topic_get(viewer=request.user, pk=topic_id)
    return selectors.topic_replies(viewer=request.user, topic=topic)


@router.post("/topics/{topic_id}/replies", response={201: ReplyOut}, auth=MEMBER)
def create_reply(request, topic_id: Id, payload: ReplyIn):
    user = require_scope(request)
    topic = selectors.topic_get(viewer=user, pk=topic_id)
    quoted = None
    if payload.quoted_id is not None:
        quoted = Reply.objects.filter(pk=payload.quoted_id).first()
        if quoted is None:
            raise ValidationFailed(_("You can only quote a visible reply of this topic."), field="quoted_id")
    reply = services.reply_create(
        author=user, topic=topic, body=payload.body, quoted=quoted, channel=Channel.API
    )
    return Status(201, reply)


@router.patch("/replies/{reply_id}", response=ReplyOut, auth=MEMBER)
def edit_reply(request, reply_id: Id, payload: ReplyPatch):
    user = require_scope(request)
    reply = selectors.reply_get(viewer=user, pk=reply_id)
    return services.reply_edit(actor=user, reply=reply, body=payload.body)


def _vote(request, topic_id: Id, voted: bool):
    user = require_scope(request)
    topic = selectors.topic_get(viewer=user, pk=topic_id)
    changed = services.vote_set(member=user, topic=topic, voted=voted)
    topic.refresh_from_db(fields=["vote_count"])
    return {"changed": changed, "count": topic.vote_count}


@router.put("/topics/{topic_id}/vote", response=ToggleOut, auth=MEMBER)
def vote(request, topic_id: Id):
    return _vote(request, topic_id, True)


@router.delete("/topics/{topic_id}/vote", response=ToggleOut, auth=MEMBER)
def unvote(request, topic_id: Id):
    return _vote(request, topic_id, False)


def _like(request, target, liked: bool):
    user = require_scope(request)
    changed = services.like_set(member=user, target=target, liked=liked)
    target.refresh_from_db(fields=["like_count"])
    return {"changed": changed, "count": target.like_count}


@router.put("/topics/{topic_id}/like", response=ToggleOut, auth=MEMBER)
def like_topic(request, topic_id: Id):
    return _like(request, selectors.topic_get(viewer=request.user, pk=topic_id), True)


@router.delete("/topics/{topic_id}/like", response=ToggleOut, auth=MEMBER)
def unlike_topic(request, topic_id: Id):
    return _like(request, selectors.topic_get(viewer=request.user, pk=topic_id), False)


@router.put("/replies/{reply_id}/like", response=ToggleOut, auth=MEMBER)
def like_reply(request, reply_id: Id):
    return _like(request, selectors.reply_get(viewer=request.user, pk=reply_id), True)


@router.delete("/replies/{reply_id}/like", response=ToggleOut, auth=MEMBER)
def unlike_reply(request, reply_id: Id):
    return _like(request, selectors.reply_get(viewer=request.user, pk=reply_id), False)


@router.get("/topics/{topic_id}/statuses", response=list[StatusOut], auth=PUBLIC)
def list_statuses(request, topic_id: Id):
    topic = selectors.topic_get(viewer=request.user, pk=topic_id)
    return list(topic.status_changes.select_related("actor").order_by("created_at", "id"))


@router.post("/topics/{topic_id}/statuses", response={201: StatusOut}, auth=MEMBER)
def change_status(request, topic_id: Id, payload: StatusIn):
    user = require_scope(request)
    topic = selectors.topic_get(viewer=user, pk=topic_id)
    change = services.topic_status_change(actor=user, topic=topic, status=payload.status, note=payload.note)
    return Status(201, change)


@router.post("/topics/{topic_id}/merge", response=TopicDetailOut, auth=MEMBER)
def merge_topic(request, topic_id: Id, payload: MergeIn):
    user = require_scope(request)
    duplicate = selectors.topic_get(viewer=user, pk=topic_id)
    try:
        original = selectors.topic_get(viewer=user, pk=payload.original_id)
    except NotFound:
        raise ValidationFailed(_("There is no topic with that number."), field="original_id") from None
    original = services.topic_merge(actor=user, duplicate=duplicate, original=original, note=payload.note)
    return selectors.topic_get(viewer=user, pk=original.pk)
