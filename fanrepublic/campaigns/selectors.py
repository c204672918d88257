from django.db.models import Case, IntegerField, Value, When

from fanrepublic.core.errors import NotFound

from .enums import LIVE, CampaignStatus
from .models import Backing, Campaign
from .permissions import can_run_campaigns, may_see


def campaigns_listed(*, viewer):
    rows = Campaign.objects.all()
    if not can_run_campaigns(viewer):
        rows = rows.exclude(status=CampaignStatus.DRAFT)
    return rows.annotate(
        rank=Case(
            When(status=CampaignStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("rank", "-closes_at", "-id")


def campaign_get(*, viewer, slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug[:50]).select_related("product_line").first()
    if campaign is None or not may_see(viewer, campaign):
        raise NotFound()
    return campaign


def live_backing(*, member, campaign):
    if not (member and member.is_authenticated):
        return None
    return (
        Backing.objects.filter(campaign=campaign, member=member, status__in=LIVE)
        .select_related("payment")
        .first()
    )


def backings_of(member):
    return Backing.objects.filter(member=member).select_related("campaign", "payment")


def console_backings(campaign):
    return Backing.objects.filter(campaign=campaign).select_related("member", "payment")
