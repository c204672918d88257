"""Badges are evaluated for the member an event is about, as it happens (and for
everyone periodically, badges.tasks)."""

from fanrepublic.activity.registry import on

from .services import badges_evaluate

# Events after which a member may newly meet a criterion (stats-based criteria move
# when trust levels are recomputed; event counts move with their own events).
TRIGGERS = (
    "member.trust_level.changed",
    "forum.topic.accepted",
    "bounty.report.valid",
    "betas.report.approved",
)


@on(*TRIGGERS)
def evaluate_owner(event):
    if event.owner_id:
        badges_evaluate(member_ids=[event.owner_id])
