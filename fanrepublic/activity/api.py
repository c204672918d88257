from typing import Any

from ninja import Router, Schema

from .auth import integration_auth
from .selectors import catalogue
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


@router.post("", response={200: BatchOut}, auth=[integration_auth])
def ingest(request, payload: EventBatchIn):
    """Ingest up to 1,000 events from stores, apps and chat. Needs an integration's token
    (`events:ingest` scope). Only the external verbs of the catalogue that the
    integration may send are accepted (`GET /events/verbs` lists them); each event needs
    an `idempotency_key` (a replay is stored once and answered `duplicate`), a `verb`,
    and may name `actor`/`owner` member ids, `object_type`, `object_id`, `channel` (the
    integration's own), `occurred_at` (ISO 8601 with offset) and `properties` (checked
    against the verb's schema)."""
    results = events_ingest(items=payload.events, integration=request.integration)
    return {
        "created": sum(r.status == "created" for r in results),
        "duplicates": sum(r.status == "duplicate" for r in results),
        "rejected": sum(r.status == "rejected" for r in results),
        "results": [r.__dict__ for r in results],
    }


class VerbOut(Schema):
    name: str
    app: str
    description: str
    external: bool
    endpoint: str
    properties_schema: dict | None


@router.get("/verbs", response=list[VerbOut], auth=None)
def verbs(request):
    """The verb catalogue: every kind of event the platform records, who declares it,
    and whether integrations may send it (with the JSON Schema of its properties)."""
    return catalogue()
