"""What the campaigns app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): all-or-nothing pre-order campaigns in yuan — deposits
paid through payments, held in the ledger, captured if the goal is met by the deadline
and refunded in full otherwise, once."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import (
    Api,
    Capability,
    DemoStep,
    NavEntry,
    NoticeKind,
    Pages,
    PeriodicTask,
    Verb,
)

from .notices import notice_text
from .permissions import can_run_campaigns

CAPABILITY = Capability(
    label="campaigns",
    pages=Pages("campaigns/", "fanrepublic.campaigns.urls"),
    api=Api("/campaigns", "fanrepublic.campaigns.api:router"),
    verbs=(
        Verb("campaigns.backing.held", _("A backer's deposit arrived and is held until the deadline.")),
        Verb("campaigns.backing.cancelled", _("A backer cancelled their backing before the deadline.")),
        Verb(
            "campaigns.campaign.settled", _("A campaign was settled at its deadline: goal met or refunded.")
        ),
    ),
    notice_kinds=(NoticeKind("campaign", _("Pre-order campaigns I back"), notice_text),),
    periodic_tasks=(PeriodicTask("settle-campaigns", "fanrepublic.campaigns.tasks.settle_campaigns", 60),),
    demo=(DemoStep("campaigns", "fanrepublic.campaigns.demo:seed", after=("members.accounts", "chains")),),
    nav=(
        NavEntry("take_part", _("Pre-orders"), "campaigns:index", order=76),
        NavEntry(
            "account", _("My pre-orders"), "campaigns:mine", rule=lambda user: user.is_authenticated, order=61
        ),
        NavEntry("staff", _("Campaigns"), "campaigns:console", rule=can_run_campaigns, order=66),
    ),
)
