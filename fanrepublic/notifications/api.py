from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from fanrepublic.core.api import BodyId, Pages
from fanrepublic.members.api_auth import MEMBER, require_member, require_scope

from .messages import notification_text
from .selectors import notifications_for, unread_count
from .services import notifications_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    actor: str | None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_text(obj):
        return notification_text(obj.kind, obj.params)

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor else None


class UnreadOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[BodyId] | None = Field(None, max_length=1000)


class MarkedOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], auth=MEMBER)
@paginate(Pages, page_size=30)
def list_notifications(request, unread: bool = False):
    return notifications_for(member=require_member(request), unread_only=unread)


@router.get("/unread", response=UnreadOut, auth=MEMBER)
def unread(request):
    return {"unread": unread_count(user=require_member(request))}


@router.post("/read", response=MarkedOut, auth=MEMBER)
def mark_read(request, payload: MarkReadIn):
    user = require_scope(request)
    return {"marked": notifications_mark_read(member=user, ids=payload.ids)}
