"""What the insights app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): customer lifetime value fitted on the stores'
purchases (BG/NBD + Gamma-Gamma, refitted on a schedule and on demand) and, for
operators and the founder, the pages that show it with its checks and uncertainty."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import (
    Capability,
    DemoStep,
    NavEntry,
    NoticeKind,
    Pages,
    PeriodicTask,
    Verb,
)

from .notices import notice_text
from .permissions import can_see_insights

CAPABILITY = Capability(
    label="insights",
    pages=Pages("insights/", "fanrepublic.insights.urls"),
    verbs=(
        Verb("insights.survey.answered", _("A member answered an NPS survey (anonymous ones name nobody).")),
    ),
    notice_kinds=(NoticeKind("survey", _("Surveys I am asked to answer"), notice_text),),
    # The schedule looks every hour; a fit starts when the newest is a day old
    # (INSIGHTS_CLV_REFIT_HOURS).
    periodic_tasks=(
        PeriodicTask("refit-clv", "fanrepublic.insights.tasks.refit_clv_when_due", 3600),
        # Every interaction kind against its matched comparison, once a day.
        PeriodicTask(
            "refresh-interaction-estimates", "fanrepublic.insights.tasks.refresh_interaction_estimates", 86400
        ),
        PeriodicTask("close-surveys", "fanrepublic.insights.tasks.close_surveys", 3600),
        PeriodicTask("refresh-dashboard", "fanrepublic.insights.tasks.refresh_dashboard", 900),
    ),
    nav=(
        NavEntry("staff", _("Republic dashboard"), "insights:dashboard", rule=can_see_insights, order=19),
        NavEntry("staff", _("Insights"), "insights:index", rule=can_see_insights, order=20),
    ),
    demo=(
        DemoStep(
            "insights",
            "fanrepublic.insights.demo:seed",
            after=("members.accounts", "stores", "releases", "betas", "bounty", "committees"),
        ),
    ),
)
