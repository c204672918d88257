"""What the points app adds to the platform (the capability contract, core/capabilities.py)."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import Api, Capability, DemoStep, NavEntry, Pages, PeriodicTask, Verb

from . import permissions

CAPABILITY = Capability(
    label="points",
    pages=Pages("points/", "fanrepublic.points.urls"),
    api=Api("/points", "fanrepublic.points.api:router"),
    verbs=(Verb("points.adjusted", _("Staff granted or deducted points by hand.")),),
    periodic_tasks=(PeriodicTask("expire-points", "fanrepublic.points.tasks.expire_points", 3600),),
    nav=(
        NavEntry("staff", _("Earning rules"), "points:rules", permissions.can_manage_points, order=110),
        NavEntry("account", _("My points"), "points:wallet", order=20),
    ),
    demo=(
        DemoStep("points", "fanrepublic.points.demo:seed", after=("activity", "members.accounts")),
        DemoStep(
            "points.report", "fanrepublic.points.demo:report", after=("forum", "releases", "bounty", "betas")
        ),
    ),
)
