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

from fanrepublic.activity.models import Integration
from fanrepublic.activity.services import VERB_RE
from fanrepublic.core import capabilities
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem

from .enums import AccountKind
from .models import Account, EarningRule, Transaction
from .permissions import can_manage_points
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


def rule_validate(rule: EarningRule, trusted: list[Integration] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    declared = capabilities.verb(rule.verb or "")
    if not VERB_RE.match(rule.verb or ""):
        errors["verb"] = [_("The verb must look like 'bounty.report.valid' (lower case, dotted).")]
    elif declared is None:
        errors["verb"] = [_("This verb is not in the catalogue.")]
    if trusted:
        cannot_send = [i.slug for i in trusted if rule.verb not in (i.verbs or [])]
        if declared is not None and not declared.external:
            errors["trusted_integrations"] = [
                _("Only the platform records this verb; no integration can be trusted with it.")
            ]
        elif cannot_send:
            errors["trusted_integrations"] = [
                _("These integrations may not send this verb: %(names)s.") % {"names": ", ".join(cannot_send)}
            ]
    if not rule.pays_platform_events and not trusted:
        errors["pays_platform_events"] = [
            _("Trust the platform or at least one integration, or the rule pays nothing.")
        ]
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


def _trusted_integrations(value) -> list[Integration]:
    """Integrations named by slug (API) or given as objects (forms); unknown names are an error."""
    items = list(value or [])
    objects = [i for i in items if isinstance(i, Integration)]
    slugs = [i for i in items if isinstance(i, str)]
    found = {i.slug: i for i in Integration.objects.filter(slug__in=slugs)}
    unknown = sorted(set(slugs) - set(found))
    if unknown:
        raise ValidationFailed(
            _("No integration called %(names)s.") % {"names": ", ".join(unknown)},
            field="trusted_integrations",
        )
    return objects + list(found.values())


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


def rule_trusts_source(rule: EarningRule, event) -> bool:
    """An event pays only from a source the rule names: the platform itself (no
    integration) or one of its trusted integrations."""
    if event.integration_id is None:
        return rule.pays_platform_events
    return any(i.pk == event.integration_id for i in rule.trusted_integrations.all())


def rules_apply_event(*, event) -> list[Transaction]:
    if event.owner_id is None or event.owner_id == event.actor_id:
        return []  # nothing for acting on one's own content
    awarded = []
    rules = EarningRule.objects.filter(is_active=True, verb=event.verb).prefetch_related(
        "trusted_integrations"
    )
    for rule in rules:
        if rule_trusts_source(rule, event) and _matches(rule, event):
            tx = rule_award(rule=rule, event=event)
            if tx is not None:
                awarded.append(tx)
    return awarded


def rule_save(*, actor, rule: EarningRule | None, data: dict) -> EarningRule:
    """Create or change a rule (operators and founders); validated and audited."""
    if not can_manage_points(actor):
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
        "pays_platform_events",
    )
    rule = rule or EarningRule()
    before = {f: getattr(rule, f) for f in fields} if rule.pk else {}
    before_trusted = sorted(i.slug for i in rule.trusted_integrations.all()) if rule.pk else []
    for field in fields:
        if field in data:
            setattr(rule, field, data[field])
    trusted = _trusted_integrations(data["trusted_integrations"]) if "trusted_integrations" in data else None
    if not (rule.name or "").strip():
        raise ValidationFailed(_("Name the rule."), field="name")
    for field in ("name", "name_zh"):
        problem = text_problem(getattr(rule, field) or "", single_line=True)
        if problem:
            raise ValidationFailed(problem, field=field)
    if trusted is None:  # unchanged: validate against what the rule trusts now
        trusted = list(rule.trusted_integrations.all()) if rule.pk else []
        changed_trust = False
    else:
        changed_trust = True
    rule_validate(rule, trusted)
    with transaction.atomic():
        rule.save()
        if changed_trust:
            rule.trusted_integrations.set(trusted)
        audit_record(
            actor=actor,
            action="points.rule.saved",
            target=rule,
            data={
                "before": {**before, "trusted_integrations": before_trusted},
                "after": {
                    **{f: getattr(rule, f) for f in fields},
                    "trusted_integrations": sorted(i.slug for i in rule.trusted_integrations.all()),
                },
            },
        )
    transaction.on_commit(rules_changed)
    return rule
