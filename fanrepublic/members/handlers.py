"""Members react to events: the contribution score follows what others do with a
member's work. Idempotent: one score entry per (member, event)."""

from fanrepublic.activity.registry import on

from .services import reputation_apply_event
from .trust import REPUTATION_RULES


@on(*REPUTATION_RULES)
def award_reputation(event):
    reputation_apply_event(event=event)
