"""What the rewards app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, Verb

from . import permissions

CAPABILITY = Capability(
    label="rewards",
    pages=Pages("rewards/", "fanrepublic.rewards.urls"),
    api=Api("/rewards", "fanrepublic.rewards.api:router"),
    verbs=(
        Verb("rewards.order.placed", _("A member redeemed points for a reward.")),
        Verb("rewards.order.fulfilled", _("The store fulfilled an order.")),
        Verb("rewards.order.cancelled", _("A member cancelled an order (points refunded).")),
        Verb("rewards.order.refused", _("The store refused an order (points refunded).")),
    ),
    nav=(
        NavEntry("main", _("Rewards"), "rewards:catalogue", order=10),
        NavEntry("staff", _("Fulfilment desk"), "rewards:desk", permissions.can_fulfil, order=80),
        NavEntry(
            "staff", _("Catalogue"), "rewards:staff_catalogue", permissions.can_manage_catalogue, order=90
        ),
    ),
    demo=(DemoStep("rewards", "fanrepublic.rewards.demo:seed", after=("badges", "points")),),
)
