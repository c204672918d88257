"""Reads, already limited to what the asking person may see: a store manager's groups,
customers and cases are those of the stores they run (or groups they own); operators
see the whole network; a member sees their own cases."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from fanrepublic.core.errors import NotFound
from fanrepublic.stores import selectors as stores_selectors
from fanrepublic.stores.models import Contact, Store

from . import permissions, temperature
from .enums import CaseOutcome, CaseStatus
from .models import ChatGroup, ChatMessage, Question, Rule, ServiceCase, Temperature


def _stores(viewer) -> QuerySet[Store]:
    return stores_selectors.stores_for_desk(viewer=viewer)


def groups_visible(*, viewer) -> QuerySet[ChatGroup]:
    if permissions.can_run_network(viewer):
        return ChatGroup.objects.all()
    if not permissions.can_use_console(viewer):
        return ChatGroup.objects.none()
    return ChatGroup.objects.filter(Q(owner=viewer) | Q(store__in=_stores(viewer))).distinct()


def group_get(*, viewer, pk: int) -> ChatGroup:
    group = groups_visible(viewer=viewer).filter(pk=pk).select_related("store", "owner").first()
    if group is None:
        raise NotFound()
    return group


@dataclass
class GroupRow:
    group: ChatGroup
    today: int
    waiting: int
    oldest_waiting: datetime | None


def console_groups(*, viewer, now: datetime | None = None) -> list[GroupRow]:
    """Each visible group with its messages of the last 24 hours and its unanswered
    questions, the longest-waiting first, then the busiest. (The last 24 hours rather
    than since midnight: at nine in the morning "today" would show almost nothing.)"""
    now = now or timezone.now()
    start = now - timedelta(hours=24)
    groups = (
        groups_visible(viewer=viewer)
        .filter(dismissed_at__isnull=True)
        .annotate(
            today=Count(
                "messages", filter=Q(messages__sent_at__gte=start, messages__sent_at__lte=now), distinct=True
            ),
        )
        .select_related("store")
    )
    waiting = {
        row["group_id"]: (row["n"], row["oldest"])
        for row in _waiting(viewer).values("group_id").annotate(n=Count("pk"), oldest=Min("asked_at"))
    }
    rows = [
        GroupRow(g, g.today, waiting.get(g.pk, (0, None))[0], waiting.get(g.pk, (0, None))[1]) for g in groups
    ]
    rows.sort(key=lambda r: (r.oldest_waiting is None, r.oldest_waiting or now, -r.today))
    return rows


def _waiting(viewer) -> QuerySet[Question]:
    return Question.objects.filter(answered_at__isnull=True, group__in=groups_visible(viewer=viewer))


def open_questions(*, viewer, limit: int = 50) -> QuerySet[Question]:
    """Questions nobody answered yet, longest waiting first."""
    return _waiting(viewer).select_related("group", "contact__member", "message").order_by("asked_at")[:limit]


def open_question_count(*, viewer) -> int:
    return _waiting(viewer).count()


def customers_by_temperature(*, viewer, coldest: bool = False, limit: int = 20) -> QuerySet[Temperature]:
    contacts = stores_selectors.contacts_visible(viewer=viewer)
    order = "value" if coldest else "-value"
    return (
        Temperature.objects.filter(contact__in=contacts.values("pk"))
        .select_related("contact__member")
        .order_by(order, "contact_id")[:limit]
    )


def cases_visible(*, viewer) -> QuerySet[ServiceCase]:
    base = ServiceCase.objects.select_related("contact__member", "store", "assignee", "rule")
    if permissions.can_run_network(viewer):
        return base
    if not (viewer and viewer.is_authenticated):
        return base.none()
    # As permissions.can_work_case: a case of a store is seen by who works there now.
    return base.filter(Q(store__in=_stores(viewer)) | Q(store__isnull=True, assignee=viewer)).distinct()


def case_get(*, viewer, pk: int) -> ServiceCase:
    """A case for the staff who work it, or for the customer it belongs to."""
    case = (
        ServiceCase.objects.select_related("contact__member", "store", "assignee", "rule", "group")
        .filter(pk=pk)
        .first()
    )
    if case is None or not (
        permissions.can_work_case(viewer, case) or permissions.is_case_customer(viewer, case)
    ):
        raise NotFound()
    return case


def my_cases(*, member) -> QuerySet[ServiceCase]:
    return (
        ServiceCase.objects.filter(contact__member=member)
        .select_related("store", "assignee")
        .order_by("-opened_at")
    )


def case_entries(*, case: ServiceCase, for_customer: bool):
    entries = case.entries.select_related("author", "handed_to")
    if for_customer:
        entries = entries.exclude(kind__in=["note", "handover"])
    return entries


@dataclass
class CaseMetrics:
    label: str
    opened: int
    open_now: int
    closed: int
    bought: int
    resolved: int
    lost: int
    median_first_response_minutes: float | None
    answered_within_hour: int

    @property
    def conversion(self) -> float | None:
        return round(100 * self.bought / self.closed, 1) if self.closed else None


def _metrics(label: str, cases: list[ServiceCase]) -> CaseMetrics:
    waits = [
        (c.first_response_at - c.opened_at).total_seconds() / 60
        for c in cases
        if c.first_response_at is not None
    ]
    return CaseMetrics(
        label=label,
        opened=len(cases),
        open_now=sum(c.status == CaseStatus.OPEN for c in cases),
        closed=sum(c.status == CaseStatus.CLOSED for c in cases),
        bought=sum(c.outcome == CaseOutcome.BOUGHT for c in cases),
        resolved=sum(c.outcome == CaseOutcome.RESOLVED for c in cases),
        lost=sum(c.outcome == CaseOutcome.LOST for c in cases),
        median_first_response_minutes=round(statistics.median(waits), 1) if waits else None,
        answered_within_hour=sum(w <= 60 for w in waits),
    )


def case_metrics(*, viewer, days: int = 90) -> tuple[list[CaseMetrics], list[CaseMetrics]]:
    """Conversion and response per store and per rule over the last `days`."""
    since = timezone.now() - timedelta(days=days)
    cases = list(cases_visible(viewer=viewer).filter(opened_at__gte=since))
    by_store: dict[str, list[ServiceCase]] = {}
    by_rule: dict[str, list[ServiceCase]] = {}
    for case in cases:
        by_store.setdefault(case.store.display_name if case.store else "—", []).append(case)
        by_rule.setdefault(case.rule.name if case.rule else "—", []).append(case)
    return (
        [_metrics(k, v) for k, v in sorted(by_store.items())],
        [_metrics(k, v) for k, v in sorted(by_rule.items())],
    )


def group_messages(*, group: ChatGroup, limit: int = 100) -> list[ChatMessage]:
    messages = list(group.messages.select_related("contact__member", "staff").order_by("-sent_at")[:limit])
    messages.reverse()
    return messages


def rules_all() -> QuerySet[Rule]:
    return Rule.objects.annotate(fired=Count("firings", distinct=True), opened=Count("cases", distinct=True))


def rule_get(*, viewer, pk: int) -> Rule:
    permissions.access_network(viewer)
    rule = Rule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound()
    return rule


@dataclass
class CustomerTrust:
    value: float
    parts: list
    stored: Temperature | None
    tags: list[str]
    open_case: ServiceCase | None
    waiting_questions: int


def customer_trust(*, contact: Contact) -> CustomerTrust:
    """The trust panel of a customer's page: temperature now and why."""
    value, parts = temperature.explain(contact_id=contact.pk)
    return CustomerTrust(
        value=round(value, 1),
        parts=parts,
        stored=Temperature.objects.filter(contact=contact).first(),
        tags=list(contact.tags.values_list("tag", flat=True)),
        open_case=ServiceCase.objects.filter(contact=contact, status=CaseStatus.OPEN).first(),
        waiting_questions=Question.objects.filter(contact=contact, answered_at__isnull=True).count(),
    )
