from datetime import datetime

from ninja import Field, Schema

from fanrepublic.core.api import BodyId


class AuthorOut(Schema):
    username: str
    display_name: str = Field(..., alias="public_name")
    trust_level: int


class BoardOut(Schema):
    slug: str
    name: str
    name_zh: str
    description: str
    product_line: str | None = Field(None, alias="product_line.slug")


class TopicOut(Schema):
    id: int
    board: str = Field(..., alias="board.slug")
    kind: str
    status: str
    title: str
    author: AuthorOut
    author_role: str
    vote_count: int
    like_count: int
    reply_count: int
    is_pinned: bool
    is_locked: bool
    duplicate_of_id: int | None
    created_at: datetime
    last_activity_at: datetime
    first_staff_response_at: datetime | None


class TopicDetailOut(TopicOut):
    body: str
    body_html: str
    edited_at: datetime | None


class TopicIn(Schema):
    board: str
    kind: str
    title: str
    body: str


class TopicPatch(Schema):
    title: str
    body: str


class ReplyOut(Schema):
    id: int
    topic_id: int
    author: AuthorOut
    author_role: str
    body: str
    body_html: str
    quoted_id: int | None
    like_count: int
    created_at: datetime
    edited_at: datetime | None


class ReplyIn(Schema):
    body: str
    quoted_id: BodyId | None = None


class ReplyPatch(Schema):
    body: str


class StatusIn(Schema):
    status: str
    note: str


class StatusOut(Schema):
    from_status: str
    to_status: str
    note: str
    note_html: str
    actor: str = Field(..., alias="actor.username")
    actor_role: str
    created_at: datetime


class MergeIn(Schema):
    original_id: BodyId
    note: str


class ToggleOut(Schema):
    changed: bool
    count: int
