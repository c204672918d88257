"""What the members app adds to the platform (the capability contract, core/capabilities.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, PeriodicTask, Verb

from . import permissions


def profile_url(user) -> str:
    return reverse("members:profile", args=[user.username])


CAPABILITY = Capability(
    label="members",
    pages=(Pages("members/", "fanrepublic.members.urls"), Pages("", "fanrepublic.members.staff_urls")),
    api=Api("/", "fanrepublic.members.api:router"),
    verbs=(
        Verb("member.signed_up", _("A person joined and confirmed their email.")),
        Verb("member.visited", _("A member visited the site (once a day).")),
        Verb("member.profile.updated", _("A member changed their profile.")),
        Verb("member.suspended", _("A moderator suspended a member.")),
        Verb("member.unsuspended", _("A moderator lifted a member's suspension.")),
        Verb("member.trust_level.changed", _("A member's trust level went up or down.")),
        Verb(
            "members.ownership.verified",
            _(
                "Evidence (a purchase, a registered serial number, a staff check) made a member "
                "a verified owner of a product line."
            ),
        ),
        Verb(
            "members.ownership.withdrawn",
            _("Evidence of a member owning a product line was withdrawn (e.g. a refunded purchase)."),
        ),
    ),
    periodic_tasks=(
        PeriodicTask(
            "recompute-trust-levels", "fanrepublic.members.tasks.recompute_all_trust_levels", 6 * 3600
        ),
    ),
    nav=(
        NavEntry("staff", _("Audit log"), "audit_log", permissions.can_view_metrics, order=70),
        NavEntry("account", _("My profile"), profile_url, order=10),
        NavEntry("account", _("Edit profile"), "members:profile_edit", order=30),
        NavEntry("account", _("API tokens"), "members:tokens", order=50),
        NavEntry("account", _("Account security"), "members:security", order=60),
    ),
    demo=(
        DemoStep("members.accounts", "fanrepublic.members.demo:seed_accounts"),
        DemoStep(
            "members.second_factors",
            "fanrepublic.members.demo:seed_second_factors",
            after=("members.accounts",),
        ),
        DemoStep("members.history", "fanrepublic.members.demo:seed_history", after=("forum", "products")),
    ),
)
