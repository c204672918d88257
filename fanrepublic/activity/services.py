import functools
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fanrepublic.core import capabilities
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.tasks import enqueue_on_commit
from fanrepublic.core.text import first_text_problem, text_problem

from . import registry
from .enums import Channel
from .models import Event, Integration

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


def _require_declared(verb: str) -> None:
    if not VERB_RE.match(verb):
        raise ValueError(f"bad verb {verb!r}")
    if capabilities.verb(verb) is None:
        # Every verb is declared by the app that records it (its capability.py), so the
        # catalogue that ingestion, earning rules and the docs read is complete.
        raise ValueError(f"the verb {verb!r} is not declared in any app's capability.py")


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
    integration: Integration | None = None,
) -> tuple[Event, bool]:
    """Append one event inside the caller's transaction; handlers run after commit.

    The platform records its own events here (integrations send theirs through
    `events_ingest`). An app endpoint that verified an integration's signature itself
    (a git host's webhook) names that `integration`: only for a verb declared external
    with that endpoint and listed by the integration, so earning rules can trust the
    integration rather than the platform. With an idempotency key, a replay returns the
    stored event and `created=False` (and its handlers do not run again).
    """
    _require_declared(verb)
    if integration is not None:
        declared = capabilities.verb(verb)
        if not (declared.external and declared.endpoint and verb in integration.verbs):
            raise ValueError(f"{integration.slug} may not send {verb} through an app's endpoint")
        source = integration.slug
    event = Event(
        integration=integration,
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


@dataclass(frozen=True)
class NewEvent:
    """One event for `record_events`: the fields of `record_event`, by id, so that a batch
    of thousands is built without loading a member or an object. `object_type` is the
    model's label (`Model._meta.label_lower`, as `record_event` stores it)."""

    verb: str
    idempotency_key: str
    actor_id: int | None = None
    owner_id: int | None = None
    object_type: str = ""
    object_id: str | int = ""
    channel: str = Channel.WEB
    occurred_at: datetime | None = None
    properties: dict = field(default_factory=dict)


def record_events(events: Iterable[NewEvent]) -> int:
    """Append many platform events at once, inside the caller's transaction, for writers
    that store work in batches (the launch hall's answers). The same rules as
    `record_event`: only declared verbs, the event names no integration, handlers run
    after commit (for the new events only). Every event needs an idempotency key: a key
    stored before (a replayed batch) or twice in this batch is stored once, so running a
    batch again records nothing twice. Returns how many events are new.

    On PostgreSQL the events go in with one COPY when no handler listens to their verbs
    (a batch of new keys, the usual case, costs what the rows cost), falling back to one
    INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING when a key is there already or
    handlers need the new events' ids; elsewhere, INSERT … ON CONFLICT DO NOTHING."""
    wanted: dict[str, NewEvent] = {}
    channels = set(Channel.values)
    for new in events:
        key = new.idempotency_key
        if not isinstance(key, str) or not key or len(key) > 200:
            raise ValueError(f"an idempotency key of 1 to 200 characters is required, not {key!r}")
        if new.channel not in channels:
            raise ValueError(f"unknown channel {new.channel!r}")
        wanted.setdefault(key, new)
    verbs = {new.verb for new in wanted.values()}
    for verb in verbs:
        _require_declared(verb)
    if not wanted:
        return 0
    listened = {verb for verb in verbs if registry.has_handlers(verb)}
    now = timezone.now()
    if connection.vendor == "postgresql":
        rows = [
            (
                key,
                new.verb,
                new.actor_id,
                new.owner_id,
                new.object_type,
                str(new.object_id),
                new.channel,
                new.occurred_at or now,
                json.dumps(new.properties) if new.properties else "{}",
            )
            for key, new in wanted.items()
        ]
        if not listened and _copy_new(rows, now):
            return len(rows)
        stored = _insert_new_arrays(rows, now)
    else:
        stored = _insert_new(
            [
                Event(
                    idempotency_key=key,
                    verb=new.verb,
                    actor_id=new.actor_id,
                    owner_id=new.owner_id,
                    object_type=new.object_type,
                    object_id=str(new.object_id),
                    channel=new.channel,
                    occurred_at=new.occurred_at or now,
                    properties=new.properties or {},
                )
                for key, new in wanted.items()
            ]
        )
    ids = [pk for key, pk in stored.items() if wanted[key].verb in listened]
    if ids:
        from .tasks import dispatch_events

        enqueue_on_commit(dispatch_events, ids)
    return len(stored)


# The columns of a row `record_events` writes on PostgreSQL, in order, with their types.
_ROW_COLUMNS = (
    ("idempotency_key", "text"),
    ("verb", "text"),
    ("actor", "bigint"),
    ("owner", "bigint"),
    ("object_type", "text"),
    ("object_id", "text"),
    ("channel", "text"),
    ("occurred_at", "timestamptz"),
    ("properties", "jsonb"),
)
_ARRAY_BATCH = 10000


def _row_columns() -> list[str]:
    names = [Event._meta.get_field(name).column for name, _type in _ROW_COLUMNS]
    return [connection.ops.quote_name(c) for c in [*names, "source", "recorded_at"]]


def _copy_new(rows: list[tuple], now) -> bool:
    """COPY the rows, in a savepoint: False (nothing stored) if a key is there already."""
    table = connection.ops.quote_name(Event._meta.db_table)
    sql = f"COPY {table} ({', '.join(_row_columns())}) FROM STDIN"
    try:
        # wrap_database_errors: psycopg's COPY raises its own UniqueViolation.
        with (
            transaction.atomic(),
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.copy(sql) as copy,
        ):
            for row in rows:
                copy.write_row((*row, "", now))
    except IntegrityError:
        return False  # a replay, or a key recorded another way: the careful path
    return True


def _insert_new_arrays(rows: list[tuple], now) -> dict[str, int]:
    """As `_insert_new`, for PostgreSQL: one array per column and one INSERT … SELECT FROM
    unnest(…) per 10,000 events, instead of a placeholder per value."""
    table = connection.ops.quote_name(Event._meta.db_table)
    arrays = ", ".join(f"%s::{pg_type}[]" for _name, pg_type in _ROW_COLUMNS)
    sql = (
        f"INSERT INTO {table} ({', '.join(_row_columns())}) SELECT *, '', %s FROM unnest({arrays}) "  # noqa: S608
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key, id"
    )
    stored: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ARRAY_BATCH):
            chunk = rows[start : start + _ARRAY_BATCH]
            cursor.execute(sql, [now, *(list(column) for column in zip(*chunk, strict=True))])
            stored.update(dict(cursor.fetchall()))
    return stored


@dataclass
class IngestResult:
    index: int
    status: str  # "created" | "duplicate" | "rejected"
    idempotency_key: str = ""
    id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def _validate_item(item, actor_ids: set[int], integration: Integration):
    errors: dict[str, list[str]] = {}
    if not isinstance(item, dict):
        return None, {"__all__": [_("Each event must be a JSON object.")]}
    key = item.get("idempotency_key")
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        errors["idempotency_key"] = [_("A non-empty idempotency key of at most 200 characters is required.")]
    elif text_problem(key, single_line=True):
        errors["idempotency_key"] = [text_problem(key, single_line=True)]
    verb_name = item.get("verb")
    declared = capabilities.verb(verb_name) if isinstance(verb_name, str) else None
    if not isinstance(verb_name, str) or not VERB_RE.match(verb_name):
        errors["verb"] = [_("The verb must look like 'store.visited' (lower case, dotted).")]
    elif declared is None:
        errors["verb"] = [_("This verb is not in the catalogue.")]
    elif not declared.external:
        # The platform records this itself when it happens (a report judged valid, a
        # release shipped); an integration claiming it could mint points.
        errors["verb"] = [_("Integrations may not send this verb: the platform records it itself.")]
    elif declared.endpoint:
        errors["verb"] = [_("Send these through %(endpoint)s.") % {"endpoint": declared.endpoint}]
    elif verb_name not in integration.verbs:
        errors["verb"] = [_("This integration is not allowed to send this verb.")]
    channel = item.get("channel") or integration.channel
    if channel != integration.channel:
        errors["channel"] = [
            _("This integration sends on the channel “%(channel)s” only.") % {"channel": integration.channel}
        ]
    occurred_raw = item.get("occurred_at")
    occurred_at = None
    if occurred_raw is None:
        occurred_at = timezone.now()
    elif isinstance(occurred_raw, str):
        occurred_at = parse_datetime(occurred_raw) if len(occurred_raw) <= 40 else None
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
    elif first_text_problem(props):
        errors["properties"] = [first_text_problem(props)]
    elif len(json.dumps(props, ensure_ascii=False).encode()) > MAX_PROPERTIES_BYTES:
        errors["properties"] = [_("Properties are larger than 16 KB.")]
    elif declared is not None and declared.external:
        problems = declared.property_errors(props)
        if problems:
            errors["properties"] = problems
    for name, limit in (("object_type", 60), ("object_id", 64)):
        value = item.get(name, "")
        if isinstance(value, bool) or not isinstance(value, str | int) or len(str(value)) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
        elif text_problem(str(value), single_line=True):
            errors[name] = [text_problem(str(value), single_line=True)]
        elif name == "object_type" and str(value).strip().lower() in _platform_object_types():
            # The platform's own records ("stores.contact") carry only events the platform
            # records: an integration naming one could write into a customer's timeline.
            errors[name] = [
                _(
                    "This names one of the platform's own records; "
                    "name yours without a dot, e.g. “pos_receipt”."
                )
            ]
    if errors:
        return None, errors
    return (
        Event(
            idempotency_key=key.strip(),
            verb=verb_name,
            actor_id=members.get("actor"),
            owner_id=members.get("owner"),
            object_type=str(item.get("object_type", "")),
            object_id=str(item.get("object_id", "")),
            channel=channel,
            source=integration.slug,
            integration=integration,
            occurred_at=occurred_at,
            properties=props,
        ),
        {},
    )


# (column, model field) of what ingestion writes; the id comes from the database.
_INSERT_FIELDS = (
    "idempotency_key",
    "verb",
    "actor",
    "owner",
    "object_type",
    "object_id",
    "channel",
    "source",
    "integration",
    "occurred_at",
    "recorded_at",
    "properties",
)
_INSERT_BATCH = 500


def _insert_new(events: list[Event]) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the keys this statement stored, with
    their ids. A key another transaction stored first (a replay, or a concurrent batch
    with the same key) is not returned, so exactly one caller learns it created it."""
    if not events:
        return {}
    fields = [Event._meta.get_field(name) for name in _INSERT_FIELDS]
    table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    now = timezone.now()
    stored: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(events), _INSERT_BATCH):
            chunk = events[start : start + _INSERT_BATCH]
            params = []
            for event in chunk:
                event.recorded_at = now
                params.extend(f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "  # noqa: S608
                "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key, id",
                params,
            )
            stored.update(dict(cursor.fetchall()))
    return stored


@functools.cache
def _platform_object_types() -> frozenset[str]:
    return frozenset(model._meta.label_lower for model in apps.get_models())


def events_ingest(*, items: list, integration: Integration) -> list[IngestResult]:
    """Store a batch of events sent by an integration. Each item is validated on its own:
    bad items are reported with their errors and stored items are not affected. Only
    verbs the catalogue declares external, and this integration lists, are accepted.
    A replayed key (in an earlier batch, in a concurrent one, or twice in this one) is
    stored once and reported `created` to exactly one caller, `duplicate` to the rest."""
    if not integration.is_active:
        raise Forbidden(_("This integration is switched off."), code="integration_inactive")
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
    candidates: dict[str, Event] = {}
    for index, item in enumerate(items):
        event, errors = _validate_item(item, known_ids, integration)
        if errors:
            key = item.get("idempotency_key", "") if isinstance(item, dict) else ""
            safe_key = str(key)[:200] if isinstance(key, str) and not text_problem(key) else ""
            results.append(IngestResult(index, "rejected", safe_key, errors=errors))
            continue
        if event.idempotency_key in candidates:
            results.append(IngestResult(index, "duplicate", event.idempotency_key))
            continue
        candidates[event.idempotency_key] = event
        results.append(IngestResult(index, "created", event.idempotency_key))

    with transaction.atomic():
        stored = _insert_new(list(candidates.values()))
        fresh = []
        for key, event in candidates.items():
            if key in stored:
                event.pk = stored[key]
                fresh.append(event)
        _schedule_dispatch(fresh)
    missing = [key for key in candidates if key not in stored]
    known = dict(Event.objects.filter(idempotency_key__in=missing).values_list("idempotency_key", "pk"))
    for result in results:
        if result.status == "rejected":
            continue
        if result.status == "created" and result.idempotency_key not in stored:
            result.status = "duplicate"
        result.id = stored.get(result.idempotency_key) or known.get(result.idempotency_key)
    return results


def integration_validate(integration: Integration) -> None:
    """An integration sends on one channel and only external verbs of the catalogue."""
    errors: dict[str, list[str]] = {}
    if integration.channel not in Channel.values:
        errors["channel"] = [
            _("Unknown channel. Use one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}
        ]
    verbs = integration.verbs
    if not isinstance(verbs, list) or not all(isinstance(v, str) for v in verbs):
        errors["verbs"] = [_("List the verbs as text.")]
    else:
        refused = [v for v in verbs if not (capabilities.verb(v) and capabilities.verb(v).external)]
        if refused:
            errors["verbs"] = [
                _("Not external verbs of the catalogue: %(verbs)s.") % {"verbs": ", ".join(sorted(refused))}
            ]
    for name in ("name", "slug"):
        problem = text_problem(getattr(integration, name) or "", single_line=True)
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationFailed(errors)
