"""Who does what with campaigns. Operators and the founder make, open, update, settle
and cancel campaigns; members back the open ones they are eligible for; a backer sees
and cancels their own backing. Drafts are the staff's only (404 to anyone else)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.selectors import is_verified_owner

from .enums import CampaignStatus


def can_run_campaigns(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def may_see(user, campaign) -> bool:
    return campaign.status != CampaignStatus.DRAFT or can_run_campaigns(user)


def eligibility_problems(member, campaign) -> list[str]:
    """Why this member may not back this campaign (empty: they may)."""
    if not (member and member.is_authenticated):
        return [_("Sign in to back this campaign.")]
    problems = []
    if member.is_suspended:
        problems.append(_("Your account is suspended."))
    if member.trust_level < campaign.min_trust_level:
        problems.append(
            _("Backers need trust level %(level)d or higher.") % {"level": campaign.min_trust_level}
        )
    if campaign.min_member_days and member.date_joined > timezone.now() - timedelta(
        days=campaign.min_member_days
    ):
        problems.append(
            _("Backers need to have been members for %(days)d days.") % {"days": campaign.min_member_days}
        )
    if (
        campaign.owners_only
        and campaign.product_line
        and not is_verified_owner(member=member, product_line=campaign.product_line)
    ):
        problems.append(
            _("Only verified owners of %(line)s may back this campaign.")
            % {"line": campaign.product_line.localized("name")}
        )
    return problems
