"""Earning rules: which events earn points, for whom, how many, how often.

Anti-gaming (the rules are the product): points go to the event's owner — the member
whose work someone else acted on or judged — and never when the owner is the actor;
rules on raw activity (posting, reading, visiting, liking) may give only a few points
and must have a daily cap; every rule can be capped per member per day and month and
switched off at once.
"""

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import VERB_RE
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.members.enums import StaffRole

from .enums import AccountKind
from .models import Account, EarningRule, Transaction
from .services import ledger_post, system_ref, wallet_for

RAW_ACTIVITY_VERBS = {
    "member.visited",
    "member.signed_up",
    "forum.topic.read",
    "forum.topic.created",
    "forum.reply.created",
    "forum.topic.liked",
    "forum.reply.liked",
    "forum.topic.voted",
}
RAW_ACTIVITY_MAX_POINTS = 10
VERBS_CACHE_KEY = "points:active-rule-verbs"
VERBS_CACHE_SECONDS = 30
RULE_OBJECT_TYPE = "points.earningrule"


def rule_validate(rule: EarningRule) -> None:
    errors: dict[str, list[str]] = {}
    if not VERB_RE.match(rule.verb or ""):
        errors["verb"] = [_("The verb must look like 'bounty.report.valid' (lower case, dotted).")]
    if not rule.points or rule.points <= 0:
        errors["points"] = [_("A rule gives a positive number of points.")]
    if rule.verb in RAW_ACTIVITY_VERBS:
        if rule.points > RAW_ACTIVITY_MAX_POINTS:
            errors["points"] = [
                _("Raw activity may earn at most %(n)d points; large awards are for judged outcomes.")
                % {"n": RAW_ACTIVITY_MAX_POINTS}
            ]
        if not rule.daily_cap:
            errors["daily_cap"] = [_("Rules on raw activity need a daily cap.")]
    if not isinstance(rule.match_properties, dict):
        errors["match_properties"] = [_("Properties to match must be a JSON object.")]
    if rule.daily_cap and rule.monthly_cap and rule.monthly_cap < rule.daily_cap:
        errors["monthly_cap"] = [_("The monthly cap cannot be below the daily cap.")]
    if errors:
        raise ValidationFailed(errors)


def rules_changed() -> None:
    caches["process"].delete(VERBS_CACHE_KEY)


def active_rule_verbs() -> frozenset[str]:
    """Cheap enough to ask for every event: the verbs of active rules, cached briefly
    in the process (a new rule applies within VERBS_CACHE_SECONDS everywhere)."""
    local = caches["process"]
    verbs = local.get(VERBS_CACHE_KEY)
    if verbs is None:
        verbs = frozenset(EarningRule.objects.filter(is_active=True).values_list("verb", flat=True))
        local.set(VERBS_CACHE_KEY, verbs, VERBS_CACHE_SECONDS)
    return verbs


def _matches(rule: EarningRule, event) -> bool:
    props = event.properties or {}
    return all(props.get(k) == v for k, v in (rule.match_properties or {}).items())


def _period_start(period: str):
    today = timezone.localdate()
    day = today if period == "day" else today.replace(day=1)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def rule_award(*, rule: EarningRule, event) -> Transaction | None:
    """Award one rule for one event, once; respects the caps under the wallet's lock."""
    key = f"rule:{rule.pk}:event:{event.pk}"
    existing = Transaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    member = get_user_model().objects.filter(pk=event.owner_id, is_active=True).first()
    if member is None:
        return None
    wallet = wallet_for(member)
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=wallet.pk).first()  # caps are checked under the lock
        earned = Transaction.objects.filter(
            object_type=RULE_OBJECT_TYPE, object_id=str(rule.pk), postings__account=wallet
        )
        if rule.daily_cap and earned.filter(created_at__gte=_period_start("day")).count() >= rule.daily_cap:
            return None
        if (
            rule.monthly_cap
            and earned.filter(created_at__gte=_period_start("month")).count() >= rule.monthly_cap
        ):
            return None
        return ledger_post(
            key=key,
            kind="earn",
            memo=rule.name,
            source_event_id=event.pk,
            obj=rule,
            entries=[(system_ref(AccountKind.ISSUANCE), -rule.points), (wallet, rule.points)],
        )


def rules_apply_event(*, event) -> list[Transaction]:
    if event.owner_id is None or event.owner_id == event.actor_id:
        return []  # nothing for acting on one's own content
    awarded = []
    for rule in EarningRule.objects.filter(is_active=True, verb=event.verb):
        if _matches(rule, event):
            tx = rule_award(rule=rule, event=event)
            if tx is not None:
                awarded.append(tx)
    return awarded


def rule_save(*, actor, rule: EarningRule | None, data: dict) -> EarningRule:
    """Create or change a rule (operators and founders); validated and audited."""
    if not actor.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER):
        raise Forbidden()
    fields = (
        "name",
        "name_zh",
        "verb",
        "match_properties",
        "points",
        "daily_cap",
        "monthly_cap",
        "is_active",
    )
    rule = rule or EarningRule()
    before = {f: getattr(rule, f) for f in fields} if rule.pk else {}
    for field in fields:
        if field in data:
            setattr(rule, field, data[field])
    if not (rule.name or "").strip():
        raise ValidationFailed(_("Name the rule."), field="name")
    rule_validate(rule)
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=actor,
            action="points.rule.saved",
            target=rule,
            data={"before": before, "after": {f: getattr(rule, f) for f in fields}},
        )
    transaction.on_commit(rules_changed)
    return rule
