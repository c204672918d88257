"""Writes for the trust thermometer: one function per use case.

- Chat: what WeCom tells us (external contacts added or removed, customer groups created,
  changed or dismissed, and every group message from the message archive) becomes
  contacts, group rosters, messages and events in the log.
- Questions: a customer's question waits until staff write in that group; one left
  too long counts against the customer's temperature.
- Rules fire once per customer per window and open service cases, notify, tag, list.
- Cases: the dedicated channel between a customer and their store's manager.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.services import NewEvent, record_event, record_events
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.tasks import enqueue_on_commit
from fanrepublic.core.text import text_problem
from fanrepublic.notifications.services import notify
from fanrepublic.stores.enums import ContactOrigin
from fanrepublic.stores.models import Contact, Store
from fanrepublic.stores.services import contact_find_or_create, contacts_for_wecom_ids

from . import inquiry, permissions, rules, temperature, wecom
from .enums import NOTICE, CaseOutcome, CaseStatus, EntryKind, Sentiment
from .models import (
    CaseEntry,
    ChatGroup,
    ChatMembership,
    ChatMessage,
    CustomerList,
    CustomerListEntry,
    CustomerTag,
    Question,
    RefusedCallback,
    Rule,
    RuleFiring,
    ServiceCase,
    TemperatureFactor,
    WeComStaff,
)
from .wecom import Callback, WeComClient, WeComUnavailable

log = logging.getLogger(__name__)

MAX_ENTRY = 4000


def _staff_member(userid: str):
    found = WeComStaff.objects.filter(userid=userid).select_related("member").first()
    return found.member if found else None


def _home_store(member) -> Store | None:
    """The store a staff member works for: the one they manage, else one they staff."""
    if member is None:
        return None
    return (
        Store.objects.filter(manager=member, is_active=True).order_by("pk").first()
        or member.stores_staffed.filter(is_active=True).order_by("pk").first()
    )


def _customer(external_userid: str, *, store: Store | None) -> Contact:
    contact, _created = contact_find_or_create(
        wecom_external_userid=external_userid, origin=ContactOrigin.WECOM, store=store
    )
    return contact


# --- WeCom callbacks ----------------------------------------------------------------------


def callback_receive(*, callback: Callback) -> str:
    """Store what one verified, decrypted callback says. Returns what it was."""
    if callback.kind == "contact":
        contact_changed(callback=callback)
    elif callback.kind == "group":
        group_changed(callback=callback)
    elif callback.kind == "message":
        messages_store(records=[callback])
    elif callback.kind == "batch":
        messages_store(records=list(callback.records))
    return callback.kind


def callback_refused_record(*, reason: str, address: str, network: str, size: int) -> RefusedCallback | None:
    """Keep a refused callback's reason, address and size — never its content — at most
    TRUST_REFUSED_CALLBACK_LOG_RATE a minute per client network: anyone can post forged
    callbacks, and a flood of them must not grow the database without bound (each is
    still written to the log)."""
    try:
        ratelimit.hit("trust-refused-callback", network, settings.TRUST_REFUSED_CALLBACK_LOG_RATE)
    except RateLimited:
        return None
    return RefusedCallback.objects.create(reason=reason[:30], remote_addr=address[:45], size=size)


@transaction.atomic
def contact_changed(*, callback: Callback) -> Contact | None:
    """A customer added (or removed) a staff member as a WeCom contact."""
    staff = _staff_member(callback.staff_userid)
    store = _home_store(staff)
    contact = _customer(callback.external_userid, store=store)
    if callback.change in ("add", "add_half", "edit") and WeComClient.is_configured() and not contact.name:
        try:
            details = WeComClient().external_contact(callback.external_userid)
        except WeComUnavailable:
            log.warning("WeCom unreachable: contact %s keeps no name for now", contact.pk)
        else:
            name = str((details.get("external_contact") or details).get("name") or "")[:100]
            if name and not text_problem(name, single_line=True):
                Contact.objects.filter(pk=contact.pk).update(name=name)
    verb = "trust.contact.added" if callback.change in ("add", "add_half") else "trust.contact.removed"
    if callback.change == "edit":
        return contact
    record_event(
        verb=verb,
        actor=contact.member,
        obj=contact,
        owner=contact.member,
        channel=Channel.CHAT,
        occurred_at=callback.at,
        properties={"staff": callback.staff_userid, "store": store.slug if store else ""},
        idempotency_key=f"wecom:contact:{callback.change}:{callback.external_userid}:{callback.staff_userid}:"
        f"{int(callback.at.timestamp())}",
    )
    return contact


def group_changed(*, callback: Callback) -> ChatGroup:
    """A customer group was created, changed or dismissed. Its name and roster come from
    WeCom's API when the integration may call it (the callback itself names neither)."""
    with transaction.atomic():
        group, _created = ChatGroup.objects.get_or_create(
            chat_id=callback.chat_id, defaults={"created_at": callback.at}
        )
        if callback.change == "dismiss":
            ChatGroup.objects.filter(pk=group.pk).update(dismissed_at=callback.at)
            record_event(
                verb="trust.group.dismissed",
                obj=group,
                channel=Channel.CHAT,
                occurred_at=callback.at,
                idempotency_key=f"wecom:group:dismiss:{group.chat_id}",
            )
            return group
    if WeComClient.is_configured():
        try:
            snapshot = WeComClient().group_chat(callback.chat_id)
        except WeComUnavailable:
            log.warning("WeCom unreachable: group %s keeps its last roster", callback.chat_id)
        else:
            return group_sync(snapshot=snapshot.get("group_chat", snapshot), at=callback.at)
    return group


def group_sync(*, snapshot: dict, at: datetime) -> ChatGroup:
    """Bring a group up to date from WeCom's description of it (groupchat/get's
    `group_chat`: chat_id, name, owner, create_time, notice, member_list with userid,
    type 1 staff / 2 customer, join_time). Members who left are marked, not deleted."""
    chat_id = str(snapshot.get("chat_id") or "")
    if not chat_id or len(chat_id) > 64 or text_problem(chat_id, single_line=True):
        raise ValidationFailed(_("A group needs its WeCom chat id."), field="chat_id")
    name = str(snapshot.get("name") or "")[:100]
    notice = str(snapshot.get("notice") or "")[:4000]
    if text_problem(name, single_line=True) or text_problem(notice):
        raise ValidationFailed(_("The group's name or notice holds characters that are not allowed."))
    owner_userid = str(snapshot.get("owner") or "")[:64]
    owner = _staff_member(owner_userid)
    store = _home_store(owner)
    created = snapshot.get("create_time")
    created_at = (
        datetime.fromtimestamp(created, tz=timezone.get_current_timezone())
        if isinstance(created, int)
        else at
    )
    members = [m for m in snapshot.get("member_list") or [] if isinstance(m, dict) and m.get("userid")]
    with transaction.atomic():
        group, _created = ChatGroup.objects.get_or_create(
            chat_id=chat_id, defaults={"created_at": created_at}
        )
        group = ChatGroup.objects.select_for_update().get(pk=group.pk)
        group.name, group.notice, group.owner_userid = name, notice, owner_userid
        group.owner, group.store = owner, store
        group.synced_at = at
        present = set()
        existing = {m.userid: m for m in group.memberships.all()}
        for entry in members:
            userid = str(entry["userid"])[:64]
            if text_problem(userid, single_line=True):
                continue
            present.add(userid)
            is_staff = entry.get("type") == 1
            joined = entry.get("join_time")
            joined_at = (
                datetime.fromtimestamp(joined, tz=timezone.get_current_timezone())
                if isinstance(joined, int)
                else at
            )
            membership = existing.get(userid)
            if membership is not None and membership.left_at is None:
                continue
            contact = None if is_staff else _customer(userid, store=store)
            if membership is None:
                ChatMembership.objects.create(
                    group=group, userid=userid, contact=contact, is_staff=is_staff, joined_at=joined_at
                )
            else:
                ChatMembership.objects.filter(pk=membership.pk).update(left_at=None, joined_at=joined_at)
            if contact is not None:
                _roster_event("trust.group.joined", group, contact, joined_at)
        for userid, membership in existing.items():
            if userid not in present and membership.left_at is None:
                ChatMembership.objects.filter(pk=membership.pk).update(left_at=at)
                if membership.contact_id:
                    _roster_event("trust.group.left", group, membership.contact, at)
        group.member_count = len(present)
        group.save()
    return group


def _roster_event(verb: str, group: ChatGroup, contact: Contact, at: datetime) -> None:
    record_event(
        verb=verb,
        actor=contact.member,
        obj=contact,
        owner=contact.member,
        channel=Channel.CHAT,
        occurred_at=at,
        properties={"group": group.chat_id},
        idempotency_key=f"wecom:{verb}:{group.chat_id}:{contact.pk}:{int(at.timestamp())}",
    )


def _message_verb(result: inquiry.Classification) -> str:
    if "complaint" in result.intents:
        return "trust.chat.complained"
    if result.is_question or result.intents:
        return "trust.chat.asked"
    if result.sentiment == Sentiment.POSITIVE:
        return "trust.chat.praised"
    if result.sentiment == Sentiment.NEGATIVE:
        return "trust.chat.grumbled"
    return "trust.chat.said"


PROCESS_MESSAGES_TASK = "fanrepublic.trust.tasks.process_messages"


def messages_store(*, records: list[Callback]) -> tuple[list[int], int]:
    """Store archived group messages as fast as WeCom sends them: groups, customers and
    memberships looked up (and made) for the whole batch at once, the messages written in
    one statement, a redelivered msgid skipped. Understanding them (classification,
    events, questions, temperatures, rules) follows in `messages_process`, scheduled
    after commit. Returns (ids of the new messages, how many were duplicates)."""
    recalled = [r.recalled_msgid for r in records if r.kind == "message" and r.msgtype == "recall"]
    wanted: dict[str, Callback] = {}
    for r in records:
        if r.kind == "message" and r.msgtype != "recall" and r.chat_id and r.msgid not in wanted:
            wanted[r.msgid] = r
    duplicates = len(
        [r for r in records if r.kind == "message" and r.msgtype != "recall" and r.chat_id]
    ) - len(wanted)
    with transaction.atomic():
        if recalled:
            ChatMessage.objects.filter(msgid__in=recalled).update(recalled=True)
        seen = set(ChatMessage.objects.filter(msgid__in=list(wanted)).values_list("msgid", flat=True))
        fresh = [r for msgid, r in wanted.items() if msgid not in seen]
        duplicates += len(seen)
        if not fresh:
            return [], duplicates
        chat_ids = {r.chat_id for r in fresh}
        ChatGroup.objects.bulk_create(
            [
                ChatGroup(chat_id=c, created_at=min(r.at for r in fresh if r.chat_id == c))
                for c in sorted(chat_ids)
            ],
            ignore_conflicts=True,
        )
        groups = {
            g.chat_id: g for g in ChatGroup.objects.filter(chat_id__in=chat_ids).select_related("store")
        }
        contacts = {}
        by_store: dict = {}
        for r in fresh:
            if r.sender_is_external:
                by_store.setdefault(groups[r.chat_id].store, set()).add(r.sender)
        for store, userids in by_store.items():
            contacts.update(contacts_for_wecom_ids(userids=userids, store=store))
        staff = dict(
            WeComStaff.objects.filter(
                userid__in={r.sender for r in fresh if not r.sender_is_external}
            ).values_list("userid", "member_id")
        )
        ChatMembership.objects.bulk_create(
            [
                ChatMembership(
                    group=groups[r.chat_id],
                    userid=r.sender,
                    contact=contacts.get(r.sender) if r.sender_is_external else None,
                    is_staff=not r.sender_is_external,
                    joined_at=r.at,
                )
                for r in fresh
            ],
            ignore_conflicts=True,
        )
        ChatMessage.objects.bulk_create(
            [
                ChatMessage(
                    msgid=r.msgid,
                    group=groups[r.chat_id],
                    sender_userid=r.sender,
                    contact=contacts.get(r.sender) if r.sender_is_external else None,
                    staff_id=None if r.sender_is_external else staff.get(r.sender),
                    sent_at=r.at,
                    msgtype=r.msgtype or "text",
                    text=r.text,
                    # A recall in the same batch: the update above ran before it was stored.
                    recalled=r.msgid in recalled,
                )
                for r in fresh
            ],
            ignore_conflicts=True,  # the same message stored by a concurrent delivery
        )
        ids = list(
            ChatMessage.objects.filter(
                msgid__in=[r.msgid for r in fresh], processed_at__isnull=True
            ).values_list("pk", flat=True)
        )
        duplicates += len(fresh) - len(ids)
        if ids:
            # By name: the task module calls this one, so it is not imported here.
            enqueue_on_commit(current_app.signature(PROCESS_MESSAGES_TASK), ids)
    return ids, duplicates


def messages_process(*, ids: list[int]) -> int:
    """Understand stored messages, oldest first: a customer's is classified and logged
    as one of the trust.chat verbs about them, and waits as an open question when it asks
    something; a staff member's answers the open questions of its group. Each message is
    processed once (a second worker skips locked and processed ones); the events go into
    the log together, and their handlers (temperatures, rules) run after commit."""
    done = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        with transaction.atomic():
            messages = list(
                ChatMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=chunk, processed_at__isnull=True)
                .select_related("group", "contact")
                .order_by("sent_at", "pk")
            )
            events: list[NewEvent] = []
            now = timezone.now()
            for message in messages:
                if message.contact_id is not None:
                    result = (
                        inquiry.classify(message.text)
                        if message.msgtype == "text" and message.text
                        else inquiry.Classification(frozenset(), Sentiment.NEUTRAL, False, ())
                    )
                    message.intents = sorted(result.intents)
                    message.sentiment = result.sentiment
                    message.is_question = result.is_question
                    contact = message.contact
                    events.append(
                        NewEvent(
                            idempotency_key=f"wecom:msg:{message.msgid}",
                            verb=_message_verb(result),
                            actor_id=contact.member_id,
                            owner_id=contact.member_id,
                            object_type=temperature.CONTACT,
                            object_id=str(contact.pk),
                            channel=Channel.CHAT,
                            occurred_at=message.sent_at,
                            properties={
                                "group": message.group.chat_id,
                                "message": message.pk,
                                "intents": message.intents,
                            },
                        )
                    )
                    if result.is_question:
                        Question.objects.get_or_create(
                            message=message,
                            defaults={
                                "group": message.group,
                                "contact": contact,
                                "asked_at": message.sent_at,
                            },
                        )
                else:
                    events += _answer_open_questions(
                        group=message.group, staff_id=message.staff_id, at=message.sent_at
                    )
                message.processed_at = now
            ChatMessage.objects.bulk_update(
                messages, ["intents", "sentiment", "is_question", "processed_at"], batch_size=500
            )
            if events:
                record_events(events)
            done += len(messages)
    return done


def messages_process_waiting(*, older_than_seconds: int = 60) -> int:
    """Process what was stored but not understood a while ago (its task was lost)."""
    due = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        ChatMessage.objects.filter(processed_at__isnull=True, sent_at__lte=due)
        .order_by("sent_at")
        .values_list("pk", flat=True)[:5000]
    )
    return messages_process(ids=ids) if ids else 0


def message_receive(
    *,
    msgid: str,
    chat_id: str,
    sender: str,
    sender_is_external: bool,
    text: str,
    at: datetime,
    msgtype: str = "text",
) -> ChatMessage | None:
    """One group message, stored and understood at once (a callback carrying a single
    archive record, or a caller that wants the result). None for a redelivery."""
    record = Callback(
        kind="message",
        msgid=msgid,
        chat_id=chat_id,
        sender=sender,
        sender_is_external=sender_is_external,
        text=text,
        msgtype=msgtype,
        at=at,
    )
    ids, _duplicates = messages_store(records=[record])
    if not ids:
        return None
    messages_process(ids=ids)
    return ChatMessage.objects.get(pk=ids[0])


def _answer_open_questions(*, group: ChatGroup, staff_id: int | None, at: datetime) -> list[NewEvent]:
    """A staff member wrote in the group: every question asked there before is answered."""
    waiting = list(
        Question.objects.select_for_update()
        .filter(group=group, answered_at__isnull=True, asked_at__lte=at)
        .select_related("contact")
    )
    events = []
    for question in waiting:
        question.answered_at = at
        question.answered_by_id = staff_id
        events.append(
            NewEvent(
                idempotency_key=f"trust:question:{question.pk}:answered",
                verb="trust.question.answered",
                actor_id=staff_id,
                owner_id=question.contact.member_id,
                object_type=temperature.CONTACT,
                object_id=str(question.contact_id),
                channel=Channel.CHAT,
                occurred_at=at,
                properties={"group": group.chat_id, "question": question.pk},
            )
        )
    Question.objects.bulk_update(waiting, ["answered_at", "answered_by"])
    return events


def questions_mark_unanswered(*, now: datetime | None = None) -> int:
    """Questions nobody answered within the allowed time count against the customer's
    temperature, once each (the periodic task calls this)."""
    now = now or timezone.now()
    due = now - timedelta(minutes=settings.TRUST_ANSWER_WITHIN_MINUTES)
    marked = 0
    for pk in Question.objects.filter(
        answered_at__isnull=True, overdue_at__isnull=True, asked_at__lte=due
    ).values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            question = (
                Question.objects.select_for_update()
                .filter(pk=pk, answered_at__isnull=True, overdue_at__isnull=True)
                .select_related("contact", "group")
                .first()
            )
            if question is None:
                continue
            question.overdue_at = now
            question.save(update_fields=["overdue_at"])
            record_event(
                verb="trust.question.unanswered",
                obj=question.contact,
                owner=question.contact.member,
                channel=Channel.SYSTEM,
                occurred_at=question.asked_at + timedelta(minutes=settings.TRUST_ANSWER_WITHIN_MINUTES),
                properties={"group": question.group.chat_id, "question": question.pk},
                idempotency_key=f"trust:question:{question.pk}:unanswered",
            )
            marked += 1
    return marked


def staff_identity_set(*, actor, member, userid: str) -> WeComStaff:
    """Say which member a WeCom staff account is (operators)."""
    if not permissions.can_run_network(actor):
        raise Forbidden()
    userid = (userid or "").strip()
    if not userid or len(userid) > 64 or text_problem(userid, single_line=True):
        raise ValidationFailed(_("A WeCom user id of 1 to 64 characters."), field="userid")
    with transaction.atomic():
        if WeComStaff.objects.filter(userid=userid).exclude(member=member).exists():
            raise ValidationFailed(_("Another member has this WeCom user id."), field="userid")
        identity, _created = WeComStaff.objects.update_or_create(member=member, defaults={"userid": userid})
        audit_record(actor=actor, action="trust.wecom_staff.set", target=identity, data={"member": member.pk})
    return identity


# --- temperature settings -----------------------------------------------------------------


def factor_save(*, actor, verb: str, weight: float, half_life_days: float) -> TemperatureFactor:
    """Change how much one kind of interaction weighs and how fast it fades (operators).
    Weights apply at once; a changed half-life is applied by recomputing every customer,
    which the caller schedules."""
    if not permissions.can_run_network(actor):
        raise Forbidden()
    if verb not in temperature.DEFAULT_FACTORS:
        raise ValidationFailed(_("Unknown kind of interaction."), field="verb")
    errors = {}
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not -5 <= weight <= 5:
        errors["weight"] = [_("Between −5 and 5 degrees.")]
    if (
        not isinstance(half_life_days, int | float)
        or isinstance(half_life_days, bool)
        or not 0.1 <= half_life_days <= 3650
    ):
        errors["half_life_days"] = [_("Between 0.1 and 3,650 days.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row, _created = TemperatureFactor.objects.update_or_create(
            verb=verb,
            defaults={"weight": float(weight), "half_life_days": float(half_life_days), "updated_by": actor},
        )
        temperature.factors_changed()
        transaction.on_commit(temperature.factors_changed)
        audit_record(
            actor=actor,
            action="trust.factor.saved",
            target=row,
            data={"weight": row.weight, "half_life_days": row.half_life_days},
        )
    return row


# --- rules ---------------------------------------------------------------------------------


def rule_save(*, actor, data: dict, rule: Rule | None = None) -> Rule:
    """Write or change a rule (operators). Conditions and actions are checked for shape;
    the change is audited. Switching on is separate (rule_switch), after a dry run."""
    if not permissions.can_run_network(actor):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    clean = {}
    for field, limit, required in (
        ("name", 100, True),
        ("name_zh", 100, False),
        ("description", 1000, False),
    ):
        value = (
            " ".join(str(data.get(field) or "").split())
            if field != "description"
            else str(data.get(field) or "")
        )
        problem = text_problem(value, single_line=field != "description")
        if problem:
            errors[field] = [problem]
        elif required and not value:
            errors[field] = [_("This is required.")]
        elif len(value) > limit:
            errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
        clean[field] = value
    window = data.get("window_days")
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= rules.MAX_DAYS:
        errors["window_days"] = [_("From 1 to %(n)d days.") % {"n": rules.MAX_DAYS}]
    for field, cleaner in (("conditions", rules.clean_conditions), ("actions", rules.clean_actions)):
        try:
            clean[field] = cleaner(data.get(field))
        except ValidationFailed as exc:
            errors[field] = [m for messages in exc.errors.values() for m in messages]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if rule is None:
            rule = Rule.objects.create(window_days=window, created_by=actor, **clean)
            action = "trust.rule.created"
        else:
            rule = Rule.objects.select_for_update().get(pk=rule.pk)
            for key, value in clean.items():
                setattr(rule, key, value)
            rule.window_days = window
            rule.save()
            action = "trust.rule.changed"
        _rules_changed()
        transaction.on_commit(_rules_changed)
        audit_record(
            actor=actor,
            action=action,
            target=rule,
            data={"conditions": rule.conditions, "actions": rule.actions, "window_days": rule.window_days},
        )
    return rule


ACTIVE_RULES_KEY = "trust:active-rules"
ACTIVE_RULES_SECONDS = 10  # a rule switched on or off reaches every process within this


def active_rules() -> list[Rule]:
    """The switched-on rules, asked for on every event about a customer: kept briefly in
    the process's memory."""
    local = caches["process"]
    found = local.get(ACTIVE_RULES_KEY)
    if found is None:
        found = list(Rule.objects.filter(is_active=True).order_by("pk"))
        local.set(ACTIVE_RULES_KEY, found, ACTIVE_RULES_SECONDS)
    return found


def _rules_changed() -> None:
    caches["process"].delete(ACTIVE_RULES_KEY)


def rule_switch(*, actor, rule: Rule, on: bool) -> Rule:
    if not permissions.can_run_network(actor):
        raise Forbidden()
    with transaction.atomic():
        Rule.objects.filter(pk=rule.pk).update(is_active=on)
        rule.is_active = on
        _rules_changed()
        transaction.on_commit(_rules_changed)
        audit_record(
            actor=actor, action="trust.rule.switched_on" if on else "trust.rule.switched_off", target=rule
        )
    return rule


def rules_apply(*, contact_id: int, verb: str | None = None, at: datetime | None = None) -> list[RuleFiring]:
    """Check the switched-on rules for one customer now (after an event of `verb`, only
    the rules that event can make true) and act on those that hold, once per window."""
    at = at or timezone.now()
    fired = []
    for rule in active_rules():
        if verb is not None and not rules.watches(rule.conditions, verb):
            continue
        if not rules.holds(rule.conditions, contact_id=contact_id, at=at):
            continue
        firing = _fire(rule=rule, contact_id=contact_id, at=at)
        if firing is not None:
            fired.append(firing)
    return fired


def _fire(*, rule: Rule, contact_id: int, at: datetime) -> RuleFiring | None:
    reason = "; ".join(rules.describe(c) for c in rule.conditions)[:300]
    try:
        with transaction.atomic():
            firing = RuleFiring.objects.create(
                rule=rule,
                contact_id=contact_id,
                window=rules.window_of(at, rule.window_days),
                fired_at=at,
                explanation=reason,
            )
            contact = Contact.objects.select_related("member").get(pk=contact_id)
            record_event(
                verb="trust.rule.fired",
                obj=contact,
                owner=contact.member,
                channel=Channel.SYSTEM,
                occurred_at=at,
                properties={"rule": rule.pk, "name": rule.name},
                idempotency_key=f"trust:rule:{firing.pk}",
            )
            case = None
            for action in rule.actions:
                if action["type"] == "open_case":
                    case = case_open(contact=contact, rule=rule, reason=reason, at=at)
                elif action["type"] == "tag":
                    CustomerTag.objects.get_or_create(
                        contact=contact, tag=action["tag"], defaults={"rule": rule}
                    )
                elif action["type"] == "add_to_list":
                    listing, _created = CustomerList.objects.get_or_create(
                        slug=action["list"][:50].lower().replace(" ", "-"), defaults={"name": action["list"]}
                    )
                    CustomerListEntry.objects.get_or_create(
                        customer_list=listing, contact=contact, defaults={"rule": rule}
                    )
                elif action["type"] == "notify":
                    _notify_manager(contact=contact, rule=rule, case=case, firing=firing)
            return firing
    except IntegrityError:
        return None  # fired for this customer in this window already


def _notify_manager(*, contact: Contact, rule: Rule, case, firing: RuleFiring) -> None:
    store = case.store if case else _customer_store(contact)
    recipient = case.assignee if case else (store.manager if store else None)
    if recipient is None:
        return
    transaction.on_commit(
        lambda: notify(
            recipient_ids={recipient.pk},
            kind=NOTICE,
            actor=None,
            url=case.get_absolute_url() if case else "/trust/console/",
            params={"rule": rule.name, "rule_zh": rule.name_zh, "customer": contact.label},
            dedupe_key=f"trust:firing:{firing.pk}",
        )
    )


def rules_sweep(*, now: datetime | None = None) -> int:
    """Check every switched-on rule for customers with recent activity: conditions that
    become true by time passing alone ("no visit in 30 days") are caught here."""
    from fanrepublic.activity.models import Event

    now = now or timezone.now()
    active = list(Rule.objects.filter(is_active=True))
    if not active:
        return 0
    # A condition can come true by time passing for any customer with an event in the
    # longest period a switched-on rule counts over, not only for those active today.
    span = max([c["days"] for r in active for c in r.conditions if c["type"] == "count"] or [1])
    recent = (
        Event.objects.filter(object_type=temperature.CONTACT, occurred_at__gte=now - timedelta(days=span))
        .values_list("object_id", flat=True)
        .distinct()[:20000]
    )
    fired = 0
    for object_id in recent:
        fired += len(rules_apply(contact_id=int(object_id), at=now))
    return fired


# --- service cases -------------------------------------------------------------------------


def _customer_store(contact: Contact) -> Store | None:
    """The store a customer belongs to: where they last wrote in a group, else the first
    store that knew them."""
    last = (
        ChatMessage.objects.filter(contact=contact, group__store__isnull=False)
        .select_related("group__store")
        .order_by("-sent_at")
        .first()
    )
    if last is not None:
        return last.group.store
    link = contact.store_links.select_related("store").order_by("added_at").first()
    return link.store if link else None


def case_open(
    *, contact: Contact, reason: str, rule: Rule | None = None, at: datetime | None = None
) -> ServiceCase:
    """Open the customer's dedicated channel with their store's manager — or add to the
    one already open (one open case per customer)."""
    at = at or timezone.now()
    store = _customer_store(contact)
    last_group = (
        ChatMessage.objects.filter(contact=contact).order_by("-sent_at").values_list("group_id", flat=True)
    )
    with transaction.atomic():
        existing = (
            ServiceCase.objects.select_for_update().filter(contact=contact, status=CaseStatus.OPEN).first()
        )
        try:
            with transaction.atomic():
                if existing is None:
                    case = ServiceCase.objects.create(
                        contact=contact,
                        store=store,
                        assignee=store.manager if store else None,
                        rule=rule,
                        group_id=last_group.first(),
                        reason=reason[:300],
                        opened_at=at,
                    )
        except IntegrityError:
            # Another rule opened the customer's case on another connection a moment ago.
            existing = ServiceCase.objects.select_for_update().get(contact=contact, status=CaseStatus.OPEN)
        if existing is not None:
            CaseEntry.objects.create(
                case=existing, kind=EntryKind.SYSTEM, text=reason[:MAX_ENTRY], created_at=at
            )
            return existing
        CaseEntry.objects.create(case=case, kind=EntryKind.SYSTEM, text=reason[:MAX_ENTRY], created_at=at)
        record_event(
            verb="trust.case.opened",
            obj=contact,
            owner=contact.member,
            channel=Channel.SYSTEM,
            occurred_at=at,
            properties={
                "case": case.pk,
                "rule": rule.pk if rule else None,
                "store": store.slug if store else "",
            },
            idempotency_key=f"trust:case:{case.pk}:opened",
        )
        if contact.member_id:
            transaction.on_commit(
                lambda: notify(
                    recipient_ids={contact.member_id},
                    kind=NOTICE,
                    actor=None,
                    url=case.get_absolute_url(),
                    params={
                        "case": "opened",
                        "store": store.name if store else "",
                        "store_zh": store.name_zh if store else "",
                    },
                    dedupe_key=f"trust:case:{case.pk}:opened:member",
                )
            )
    return case


def _entry_text(text: str) -> str:
    text = (text or "").strip()
    problem = text_problem(text)
    if problem:
        raise ValidationFailed(problem, field="text")
    if not text:
        raise ValidationFailed(_("Write something first."), field="text")
    if len(text) > MAX_ENTRY:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": MAX_ENTRY}, field="text")
    return text


def case_write(*, actor, case: ServiceCase, text: str, internal: bool = False) -> CaseEntry:
    """Staff answer the customer (stopping the first-response timer) or add an internal
    note; the customer writes back. Nothing is written to a closed case."""
    text = _entry_text(text)
    is_staff = permissions.can_work_case(actor, case)
    if not is_staff and not permissions.is_case_customer(actor, case):
        raise NotFound()
    if internal and not is_staff:
        raise NotFound()
    if not is_staff:
        # Each message of the customer notifies the store: bounded, so a customer cannot
        # flood the staff's notifications and mailboxes.
        ratelimit.hit("trust-case-write", str(actor.pk), settings.TRUST_CASE_CUSTOMER_WRITE_RATE)
    now = timezone.now()
    with transaction.atomic():
        case = ServiceCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.OPEN:
            raise Conflict(_("This case is closed."))
        kind = EntryKind.NOTE if internal else (EntryKind.REPLY if is_staff else EntryKind.CUSTOMER)
        entry = CaseEntry.objects.create(case=case, kind=kind, author=actor, text=text, created_at=now)
        if kind == EntryKind.REPLY and case.first_response_at is None:
            case.first_response_at = now
            case.save(update_fields=["first_response_at"])
            record_event(
                verb="trust.case.responded",
                actor=actor,
                obj=case.contact,
                owner=case.contact.member,
                channel=Channel.WEB,
                properties={
                    "case": case.pk,
                    "minutes": round((now - case.opened_at).total_seconds() / 60, 1),
                },
                idempotency_key=f"trust:case:{case.pk}:responded",
            )
        if kind == EntryKind.REPLY and case.contact.member_id:
            transaction.on_commit(
                lambda: notify(
                    recipient_ids={case.contact.member_id},
                    kind=NOTICE,
                    actor=actor,
                    url=case.get_absolute_url(),
                    params={
                        "case": "reply",
                        "store": case.store.name if case.store else "",
                        "store_zh": case.store.name_zh if case.store else "",
                    },
                    dedupe_key=f"trust:entry:{entry.pk}",
                )
            )
        if kind == EntryKind.CUSTOMER and case.assignee_id:
            transaction.on_commit(
                lambda: notify(
                    recipient_ids={case.assignee_id},
                    kind=NOTICE,
                    actor=actor,
                    url=case.get_absolute_url(),
                    params={"case": "customer", "customer": case.contact.label},
                    dedupe_key=f"trust:entry:{entry.pk}",
                )
            )
    return entry


def case_hand_over(*, actor, case: ServiceCase, to, text: str = "") -> ServiceCase:
    """Pass the case to another member of staff who works in the store (or the network)."""
    if not permissions.can_work_case(actor, case):
        raise NotFound()
    if to is None or not (
        permissions.can_run_network(to) or (case.store and permissions.stores.works_in(to, case.store))
    ):
        raise ValidationFailed(_("Hand over to someone who works in this store."), field="to")
    note = (text or "").strip()
    if note:
        note = _entry_text(note)
    now = timezone.now()
    with transaction.atomic():
        case = ServiceCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.OPEN:
            raise Conflict(_("This case is closed."))
        case.assignee = to
        case.save(update_fields=["assignee"])
        CaseEntry.objects.create(
            case=case, kind=EntryKind.HANDOVER, author=actor, handed_to=to, text=note or "—", created_at=now
        )
        audit_record(actor=actor, action="trust.case.handed_over", target=case, data={"to": to.pk})
        transaction.on_commit(
            lambda: notify(
                recipient_ids={to.pk},
                kind=NOTICE,
                actor=actor,
                url=case.get_absolute_url(),
                params={"case": "handover", "customer": case.contact.label},
                dedupe_key=f"trust:case:{case.pk}:handover:{now.timestamp()}",
            )
        )
    return case


def case_close(*, actor, case: ServiceCase, outcome: str, at: datetime | None = None) -> ServiceCase:
    """Close a case as bought, resolved or lost. `actor` None: the platform closing it
    because the customer bought."""
    if outcome not in CaseOutcome.values:
        raise ValidationFailed(_("Choose how it ended."), field="outcome")
    if actor is not None and not permissions.can_work_case(actor, case):
        raise NotFound()
    at = at or timezone.now()
    with transaction.atomic():
        case = ServiceCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.OPEN:
            raise Conflict(_("This case is closed."))
        case.status, case.outcome, case.closed_at = CaseStatus.CLOSED, outcome, at
        case.save(update_fields=["status", "outcome", "closed_at"])
        CaseEntry.objects.create(
            case=case,
            kind=EntryKind.SYSTEM,
            author=actor,
            text=_("Closed: %(outcome)s") % {"outcome": CaseOutcome(outcome).label},
            created_at=at,
        )
        record_event(
            verb="trust.case.closed",
            actor=actor,
            obj=case.contact,
            owner=case.contact.member,
            channel=Channel.SYSTEM if actor is None else Channel.WEB,
            occurred_at=at,
            properties={"case": case.pk, "outcome": outcome, "rule": case.rule_id},
            idempotency_key=f"trust:case:{case.pk}:closed",
        )
    return case


def cases_close_on_purchase(*, contact_id: int, at: datetime) -> int:
    """A customer with an open case bought something: the case closes as bought."""
    closed = 0
    for case in ServiceCase.objects.filter(contact_id=contact_id, status=CaseStatus.OPEN, opened_at__lte=at):
        try:
            case_close(actor=None, case=case, outcome=CaseOutcome.BOUGHT, at=max(at, case.opened_at))
        except Conflict:
            continue
        closed += 1
    return closed


MESSAGE_VERB = "trust.chat.said"  # an integration lists it to forward archived group messages


def messages_ingest(*, integration, records: list) -> list[dict]:
    """Archived group messages forwarded by an integration (the archive relay), in the
    archive's own record shape. Each record stands on its own: a malformed one is
    reported, a redelivered one answered `duplicate`."""
    if not integration.is_active:
        raise Forbidden(_("This integration is switched off."), code="integration_inactive")
    if MESSAGE_VERB not in integration.verbs:
        raise Forbidden(
            _("This integration may not forward chat messages: list “%(verb)s” among its verbs.")
            % {"verb": MESSAGE_VERB},
            code="verb_not_allowed",
        )
    if not isinstance(records, list) or not records:
        raise ValidationFailed(_("Send a list of messages."), field="messages")
    if len(records) > settings.TRUST_MESSAGES_MAX_BATCH:
        raise ValidationFailed(
            _("At most %(n)d messages per request.") % {"n": settings.TRUST_MESSAGES_MAX_BATCH},
            field="messages",
        )
    results, stored = [], []
    for index, record in enumerate(records):
        try:
            callback = wecom.archive_record(record)
        except wecom.CallbackRefused as refused:
            results.append({"index": index, "status": "rejected", "msgid": "", "error": refused.reason})
            continue
        if callback.kind != "message":
            status = "ignored"
        elif callback.msgtype == "recall":
            status = "recalled"
        elif not callback.chat_id:
            results.append(
                {"index": index, "status": "rejected", "msgid": callback.msgid, "error": "not_a_group"}
            )
            continue
        else:
            status = "pending"
        results.append({"index": index, "status": status, "msgid": callback.msgid, "error": ""})
        stored.append(callback)
    ids, _duplicates = messages_store(records=stored)
    new = set(ChatMessage.objects.filter(pk__in=ids).values_list("msgid", flat=True))
    for result in results:
        if result["status"] == "pending":
            # Exactly one occurrence of a new msgid is "created"; the rest and the ones
            # stored before are duplicates.
            result["status"] = "created" if result["msgid"] in new else "duplicate"
            new.discard(result["msgid"])
    return results
