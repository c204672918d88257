"""Who does what with campaigns. Operators and the founder make, open, update, settle
and cancel campaigns; members back the open ones they are eligible for; a backer sees
and cancels their own backing. Drafts are the staff's only (404 to anyone else)."""

from django.utils.translation import gettext as _

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.selectors import taking_part_problems

from .enums import CampaignStatus


def can_run_campaigns(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def may_see(user, campaign) -> bool:
    return campaign.status != CampaignStatus.DRAFT or can_run_campaigns(user)


def eligibility_problems(member, campaign) -> list[str]:
    """Why this member may not back this campaign (empty: they may)."""
    if not (member and member.is_authenticated):
        return [_("Sign in to back this campaign.")]
    return taking_part_problems(
        member,
        min_trust_level=campaign.min_trust_level,
        min_member_days=campaign.min_member_days,
        owners_of=campaign.product_line if campaign.owners_only else None,
    )
