import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fanrepublic.core.errors import ValidationFailed
from fanrepublic.core.tasks import enqueue_on_commit

from . import registry
from .enums import Channel
from .models import Event

VERB_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,5}$")
MAX_PROPERTIES_BYTES = 16 * 1024
# Events from outside may arrive late (offline stores sync daily) but not from the future.
MAX_CLOCK_SKEW = timedelta(minutes=10)
MAX_ID = 2**63


def _schedule_dispatch(events: list[Event]) -> None:
    ids = [e.pk for e in events if registry.has_handlers(e.verb)]
    if ids:
        from .tasks import dispatch_events

        enqueue_on_commit(dispatch_events, ids)


def record_event(
    *,
    verb: str,
    actor=None,
    obj: models.Model | None = None,
    owner=None,
    channel: str = Channel.WEB,
    properties: dict | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
    source: str = "",
) -> tuple[Event, bool]:
    """Append one event inside the caller's transaction; handlers run after commit.

    With an idempotency key, a replay returns the stored event and `created=False`
    (and its handlers do not run again).
    """
    if not VERB_RE.match(verb):
        raise ValueError(f"bad verb {verb!r}")
    event = Event(
        idempotency_key=idempotency_key or f"auto:{uuid.uuid4().hex}",
        verb=verb,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        owner=owner,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        channel=channel,
        source=source,
        occurred_at=occurred_at or timezone.now(),
        properties=properties or {},
    )
    if idempotency_key is None:
        event.save()
    else:
        existing = Event.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:  # a concurrent writer stored the same key first
            return Event.objects.get(idempotency_key=idempotency_key), False
    _schedule_dispatch([event])
    return event, True


@dataclass
class IngestResult:
    index: int
    status: str  # "created" | "duplicate" | "rejected"
    idempotency_key: str = ""
    id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def _validate_item(item, actor_ids: set[int], default_channel: str):
    errors: dict[str, list[str]] = {}
    if not isinstance(item, dict):
        return None, {"__all__": [_("Each event must be a JSON object.")]}
    key = item.get("idempotency_key")
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        errors["idempotency_key"] = [_("A non-empty idempotency key of at most 200 characters is required.")]
    verb = item.get("verb")
    if not isinstance(verb, str) or not VERB_RE.match(verb):
        errors["verb"] = [_("The verb must look like 'store.purchase' (lower case, dotted).")]
    channel = item.get("channel") or default_channel
    if channel not in Channel.values:
        errors["channel"] = [
            _("Unknown channel. Use one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}
        ]
    occurred_raw = item.get("occurred_at")
    occurred_at = None
    if occurred_raw is None:
        occurred_at = timezone.now()
    elif isinstance(occurred_raw, str):
        occurred_at = parse_datetime(occurred_raw)
        if occurred_at is not None and timezone.is_naive(occurred_at):
            errors["occurred_at"] = [_("Give a time zone offset, e.g. 2026-11-25T10:00:00+08:00.")]
        elif occurred_at is not None and occurred_at > timezone.now() + MAX_CLOCK_SKEW:
            errors["occurred_at"] = [_("The event time lies in the future.")]
    if occurred_at is None and "occurred_at" not in errors:
        errors["occurred_at"] = [_("Not an ISO 8601 date and time.")]
    members = {}
    for role in ("actor", "owner"):
        value = item.get(role)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in actor_ids:
            errors[role] = [_("No member with this id.")]
        members[role] = value
    props = item.get("properties", {})
    if not isinstance(props, dict):
        errors["properties"] = [_("Properties must be a JSON object.")]
    else:
        if len(json.dumps(props, ensure_ascii=False).encode()) > MAX_PROPERTIES_BYTES:
            errors["properties"] = [_("Properties are larger than 16 KB.")]
    for name, limit in (("object_type", 60), ("object_id", 64)):
        value = item.get(name, "")
        if not isinstance(value, str | int) or len(str(value)) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    if errors:
        return None, errors
    return (
        Event(
            idempotency_key=key.strip(),
            verb=verb,
            actor_id=members.get("actor"),
            owner_id=members.get("owner"),
            object_type=str(item.get("object_type", "")),
            object_id=str(item.get("object_id", "")),
            channel=channel,
            occurred_at=occurred_at,
            properties=props,
        ),
        {},
    )


def events_ingest(*, items: list, source: str, default_channel: str = Channel.APP) -> list[IngestResult]:
    """Store a batch of external events. Each item is validated on its own: bad items are
    reported with their errors and stored items are not affected. Replayed keys (in
    earlier batches or twice in this one) are reported as duplicates and stored once."""
    if not isinstance(items, list):
        raise ValidationFailed(_("Send a list of events."), field="events")
    if len(items) > settings.EVENT_INGEST_MAX_BATCH:
        raise ValidationFailed(
            _("At most %(n)d events per request.") % {"n": settings.EVENT_INGEST_MAX_BATCH},
            field="events",
        )
    wanted_ids = {
        v
        for it in items
        if isinstance(it, dict)
        for v in (it.get("actor"), it.get("owner"))
        if isinstance(v, int) and not isinstance(v, bool) and 0 < v < MAX_ID
    }
    known_ids = (
        set(get_user_model().objects.filter(pk__in=wanted_ids).values_list("pk", flat=True))
        if wanted_ids
        else set()
    )

    results: list[IngestResult] = []
    candidates: dict[str, tuple[int, Event]] = {}
    for index, item in enumerate(items):
        event, errors = _validate_item(item, known_ids, default_channel)
        if errors:
            key = item.get("idempotency_key", "") if isinstance(item, dict) else ""
            results.append(IngestResult(index, "rejected", str(key)[:200], errors=errors))
            continue
        event.source = source
        if event.idempotency_key in candidates:
            results.append(IngestResult(index, "duplicate", event.idempotency_key))
            continue
        candidates[event.idempotency_key] = (index, event)
        results.append(IngestResult(index, "created", event.idempotency_key))

    with transaction.atomic():
        existing = set(
            Event.objects.filter(idempotency_key__in=list(candidates)).values_list(
                "idempotency_key", flat=True
            )
        )
        fresh = [ev for key, (_i, ev) in candidates.items() if key not in existing]
        # ignore_conflicts: a concurrent batch with the same keys stores them once.
        Event.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
        ids = dict(
            Event.objects.filter(idempotency_key__in=list(candidates)).values_list("idempotency_key", "pk")
        )
        for event in fresh:
            event.pk = ids.get(event.idempotency_key)
        _schedule_dispatch([ev for ev in fresh if ev.pk])
    for result in results:
        if result.status == "created" and result.idempotency_key in existing:
            result.status = "duplicate"
        if result.status != "rejected":
            result.id = ids.get(result.idempotency_key)
    return results
