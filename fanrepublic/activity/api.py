from typing import Any

from ninja import Router, Schema

from fanrepublic.core.api import require_scope, token_auth
from fanrepublic.members.enums import TokenScope

from .enums import Channel
from .services import events_ingest

router = Router(tags=["events"])


class EventBatchIn(Schema):
    # Items stay loose here so that one bad event is reported by index instead of
    # failing the whole batch; the service validates each one.
    events: list[Any]


class ItemResult(Schema):
    index: int
    status: str
    idempotency_key: str
    id: int | None
    errors: dict[str, list[str]]


class BatchOut(Schema):
    created: int
    duplicates: int
    rejected: int
    results: list[ItemResult]


@router.post("", response={200: BatchOut}, auth=[token_auth])
def ingest(request, payload: EventBatchIn):
    """Ingest up to 1,000 events from stores, apps and chat. Needs a token with the
    `events:ingest` scope. Each event needs an `idempotency_key` (a replay is stored
    once), a dotted `verb`, and may name `actor`/`owner` member ids, `object_type`,
    `object_id`, `channel`, `occurred_at` (ISO 8601 with offset) and `properties`."""
    require_scope(request, TokenScope.INGEST)
    token = request.api_token
    default_channel = token.channel if token.channel in Channel.values else Channel.APP
    results = events_ingest(
        items=payload.events, source=f"token:{token.prefix}", default_channel=default_channel
    )
    return {
        "created": sum(r.status == "created" for r in results),
        "duplicates": sum(r.status == "duplicate" for r in results),
        "rejected": sum(r.status == "rejected" for r in results),
        "results": [r.__dict__ for r in results],
    }
