"""Automatic badge criteria, evaluated from member data and the event log.

A badge's `criteria` is a JSON object; a member earns the badge when every entry holds:

    {"member_days": 1825, "suggestions_accepted": 50}     # "Geek Elder"
    {"trust_level": 3}
    {"events": {"bounty.report.valid": 10}}              # events about the member's work

Supported keys are the ones in CHECKS plus "events" (counts of events whose owner is
the member, by verb).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.selectors import count_by_verb
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.members.models import MemberStats

CHECKS = {
    "member_days": lambda m, s: (timezone.now() - m.date_joined).days,
    "trust_level": lambda m, s: m.trust_level,
    "reputation": lambda m, s: m.reputation,
    "suggestions_accepted": lambda m, s: s.suggestions_accepted,
    "likes_received": lambda m, s: s.likes_received,
    "posts": lambda m, s: s.posts,
    "days_visited": lambda m, s: s.days_visited,
    "topics_read": lambda m, s: s.topics_read,
}


def criteria_validate(criteria) -> None:
    if not isinstance(criteria, dict):
        raise ValidationFailed(_("Criteria must be a JSON object."), field="criteria")
    for key, value in criteria.items():
        if key == "events":
            ok = isinstance(value, dict) and all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()
            )
        else:
            ok = key in CHECKS and isinstance(value, int) and not isinstance(value, bool) and value >= 0
        if not ok:
            raise ValidationFailed(
                _("Unknown or invalid criterion “%(key)s”. Use: %(keys)s, events.")
                % {"key": key, "keys": ", ".join(CHECKS)},
                field="criteria",
            )


def event_verbs(criteria: dict) -> set[str]:
    return set((criteria or {}).get("events", {}))


def meets(member, criteria: dict, *, stats: MemberStats | None, event_counts: dict[str, int]) -> bool:
    stats = stats or MemberStats()
    for key, needed in criteria.items():
        if key == "events":
            if any(event_counts.get(verb, 0) < count for verb, count in needed.items()):
                return False
        elif CHECKS[key](member, stats) < needed:
            return False
    return True


def owner_event_counts(member_ids: list[int], verbs: set[str]) -> dict[int, dict[str, int]]:
    if not verbs:
        return {}
    counts: dict[int, dict[str, int]] = {}
    for (member_id, verb), n in count_by_verb(
        field="owner", member_ids=member_ids, verbs=sorted(verbs)
    ).items():
        counts.setdefault(member_id, {})[verb] = n
    return counts
