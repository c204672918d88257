from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from fanrepublic.activity.auth import integration_auth
from fanrepublic.core.api import BodyId, Id
from fanrepublic.members.api_auth import MEMBER, require_scope
from fanrepublic.members.enums import TokenScope
from fanrepublic.stores import selectors as stores_selectors

from . import permissions, rules, selectors, services

router = Router(tags=["trust"])


class MessageBatchIn(Schema):
    # Loose items: one malformed record is reported by index, the rest are stored.
    messages: list[Any]


class MessageResultOut(Schema):
    index: int
    status: str
    msgid: str
    error: str


class MessageBatchOut(Schema):
    created: int
    duplicates: int
    rejected: int
    results: list[MessageResultOut]


@router.post("/messages", response={200: MessageBatchOut}, auth=[integration_auth])
def ingest_messages(request, payload: MessageBatchIn):
    """Forward archived WeCom group messages (up to 1,000), each in the message
    archive's record shape: `msgid`, `action` ("send" or "recall"), `from`, `tolist`,
    `roomid`, `msgtime` (milliseconds), `msgtype`, `text.content`. Needs an integration's
    token whose integration lists `trust.chat.said`. A redelivered `msgid` is answered
    `duplicate` and changes nothing."""
    results = services.messages_ingest(integration=request.integration, records=payload.messages)
    return {
        "created": sum(r["status"] == "created" for r in results),
        "duplicates": sum(r["status"] == "duplicate" for r in results),
        "rejected": sum(r["status"] == "rejected" for r in results),
        "results": results,
    }


class GroupOut(Schema):
    id: int
    chat_id: str
    name: str
    store: str | None
    messages_today: int
    waiting_questions: int
    oldest_waiting_since: datetime | None


@router.get("/console/groups", response=list[GroupOut], auth=MEMBER)
def console_groups(request):
    """Your groups with today's message volume and their unanswered questions."""
    viewer = require_scope(request, TokenScope.READ)
    permissions.access_console(viewer)
    return [
        {
            "id": r.group.pk,
            "chat_id": r.group.chat_id,
            "name": r.group.name,
            "store": r.group.store.slug if r.group.store else None,
            "messages_today": r.today,
            "waiting_questions": r.waiting,
            "oldest_waiting_since": r.oldest_waiting,
        }
        for r in selectors.console_groups(viewer=viewer)
    ]


class ChatQuestionOut(Schema):
    id: int
    group: str = Field(..., alias="group.chat_id")
    customer: int = Field(..., alias="contact_id")
    text: str = Field(..., alias="message.text")
    asked_at: datetime


@router.get("/console/questions", response=list[ChatQuestionOut], auth=MEMBER)
def questions(request):
    """Questions nobody answered yet, longest waiting first."""
    viewer = require_scope(request, TokenScope.READ)
    permissions.access_console(viewer)
    return list(selectors.open_questions(viewer=viewer))


class ContributionOut(Schema):
    label: str
    verb: str
    at: datetime
    degrees: float


class TemperatureOut(Schema):
    customer: int
    degrees: float
    why: list[ContributionOut]


@router.get("/customers/{contact_id}/temperature", response=TemperatureOut, auth=MEMBER)
def customer_temperature(request, contact_id: Id):
    """A customer's trust temperature now, and the interactions that weigh most in it."""
    viewer = require_scope(request, TokenScope.READ)
    contact = stores_selectors.contact_get_for_desk(viewer=viewer, pk=contact_id)
    trust = selectors.customer_trust(contact=contact)
    return {"customer": contact.pk, "degrees": trust.value, "why": trust.parts}


class TrustRuleIn(Schema):
    name: str = Field(..., max_length=100)
    name_zh: str = Field("", max_length=100)
    description: str = Field("", max_length=1000)
    window_days: int = Field(14, strict=True)
    conditions: list[dict]
    actions: list[dict]


class TrustRuleOut(Schema):
    id: int
    name: str
    name_zh: str
    description: str
    window_days: int
    is_active: bool
    conditions: list[dict]
    actions: list[dict]


@router.get("/rules", response=list[TrustRuleOut], auth=MEMBER)
def rules_list(request):
    permissions.access_network(require_scope(request, TokenScope.READ))
    return list(selectors.rules_all())


@router.post("/rules", response={201: TrustRuleOut}, auth=MEMBER)
def rule_create(request, payload: TrustRuleIn):
    """Write a rule (switched off until you switch it on). Conditions: {"type":"count",
    "verb", "at_least"|"at_most", "days"} or {"type":"temperature", "below"|"above"};
    actions: open_case, notify, tag (with "tag"), add_to_list (with "list")."""
    actor = require_scope(request)
    permissions.access_network(actor)
    return Status(201, services.rule_save(actor=actor, data=payload.dict()))


@router.put("/rules/{rule_id}", response=TrustRuleOut, auth=MEMBER)
def rule_update(request, rule_id: Id, payload: TrustRuleIn):
    actor = require_scope(request)
    rule = selectors.rule_get(viewer=actor, pk=rule_id)
    return services.rule_save(actor=actor, rule=rule, data=payload.dict())


class SwitchIn(Schema):
    on: bool


@router.post("/rules/{rule_id}/switch", response=TrustRuleOut, auth=MEMBER)
def rule_switch(request, rule_id: Id, payload: SwitchIn):
    actor = require_scope(request)
    return services.rule_switch(actor=actor, rule=selectors.rule_get(viewer=actor, pk=rule_id), on=payload.on)


class DryRunOut(Schema):
    days: int
    firings: int
    customers: int


@router.get("/rules/{rule_id}/dry-run", response=DryRunOut, auth=MEMBER)
def rule_dry_run(request, rule_id: Id, days: int = 90):
    """How many times the rule would have fired over the past `days` (1–365)."""
    viewer = require_scope(request, TokenScope.READ)
    rule = selectors.rule_get(viewer=viewer, pk=rule_id)
    days = max(1, min(days, 365))
    return rules.dry_run(
        conditions=rule.conditions, window_days=rule.window_days, days=days, until=timezone.now()
    )


class CaseOut(Schema):
    id: int
    customer: int = Field(..., alias="contact_id")
    store: str | None = Field(None, alias="store.slug")
    assignee: str | None = Field(None, alias="assignee.username")
    rule: int | None = Field(None, alias="rule_id")
    reason: str
    status: str
    outcome: str
    opened_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None


@router.get("/cases", response=list[CaseOut], auth=MEMBER)
def cases(request, status: str = "open"):
    """Service cases of your stores (staff), newest first; `status` open, closed or all."""
    viewer = require_scope(request, TokenScope.READ)
    permissions.access_console(viewer)
    found = selectors.cases_visible(viewer=viewer)
    if status in ("open", "closed"):
        found = found.filter(status=status)
    return list(found[:200])


class EntryOut(Schema):
    kind: str
    author: str | None = Field(None, alias="author.username")
    text: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    entries: list[EntryOut] = Field(..., alias="visible_entries")


@router.get("/cases/{case_id}", response=CaseDetailOut, auth=MEMBER)
def case(request, case_id: Id):
    """One case with its conversation (the customer does not see internal notes)."""
    viewer = require_scope(request, TokenScope.READ)
    found = selectors.case_get(viewer=viewer, pk=case_id)
    found.visible_entries = list(
        selectors.case_entries(case=found, for_customer=not permissions.can_work_case(viewer, found))
    )
    return found


class EntryIn(Schema):
    text: str = Field(..., max_length=4000)
    internal: bool = False


@router.post("/cases/{case_id}/entries", response={201: EntryOut}, auth=MEMBER)
def case_write(request, case_id: Id, payload: EntryIn):
    """Reply to the customer (staff; the first reply stops the response timer), add an
    internal note (staff), or write to the store (the customer)."""
    actor = require_scope(request)
    found = selectors.case_get(viewer=actor, pk=case_id)
    return Status(
        201, services.case_write(actor=actor, case=found, text=payload.text, internal=payload.internal)
    )


class CloseIn(Schema):
    outcome: str


@router.post("/cases/{case_id}/close", response=CaseOut, auth=MEMBER)
def case_close(request, case_id: Id, payload: CloseIn):
    actor = require_scope(request)
    found = selectors.case_get(viewer=actor, pk=case_id)
    return services.case_close(actor=actor, case=found, outcome=payload.outcome)


class HandOverIn(Schema):
    to: BodyId
    text: str = Field("", max_length=4000)


@router.post("/cases/{case_id}/hand-over", response=CaseOut, auth=MEMBER)
def case_hand_over(request, case_id: Id, payload: HandOverIn):
    actor = require_scope(request)
    found = selectors.case_get(viewer=actor, pk=case_id)
    to = get_user_model().objects.filter(pk=payload.to, is_active=True).first()
    return services.case_hand_over(actor=actor, case=found, to=to, text=payload.text)


class CaseMetricsOut(Schema):
    label: str
    opened: int
    open_now: int
    closed: int
    bought: int
    resolved: int
    lost: int
    conversion: float | None
    median_first_response_minutes: float | None


class CaseMetricsPairOut(Schema):
    by_store: list[CaseMetricsOut]
    by_rule: list[CaseMetricsOut]


@router.get("/metrics", response=CaseMetricsPairOut, auth=MEMBER)
def metrics(request):
    """Service cases per store and per rule over 90 days: conversion and first response."""
    viewer = require_scope(request, TokenScope.READ)
    permissions.access_console(viewer)
    by_store, by_rule = selectors.case_metrics(viewer=viewer)
    return {"by_store": by_store, "by_rule": by_rule}
