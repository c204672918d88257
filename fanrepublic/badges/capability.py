"""What the badges app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, PeriodicTask, Verb

from . import permissions

CAPABILITY = Capability(
    label="badges",
    pages=Pages("badges/", "fanrepublic.badges.urls"),
    api=Api("/", "fanrepublic.badges.api:router"),
    verbs=(
        Verb("badges.badge.granted", _("A member earned or was granted a badge.")),
        Verb("badges.perk.claimed", _("A member claimed a place of a perk.")),
        Verb("badges.perk.transferred", _("A member handed a transferable perk place to another member.")),
    ),
    periodic_tasks=(
        PeriodicTask("evaluate-badges", "fanrepublic.badges.tasks.evaluate_all_badges", 24 * 3600),
    ),
    nav=(
        NavEntry("main", _("Badges"), "badges:gallery", order=20),
        NavEntry("staff", _("Perks"), "badges:perks_staff", permissions.can_manage_perks, order=100),
    ),
    demo=(DemoStep("badges", "fanrepublic.badges.demo:seed", after=("forum",)),),
)
