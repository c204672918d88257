"""The stored-XSS suite's places for insights (see fanrepublic/core/tests/xss.py). The
pages show no text typed into this app — only members' names, written here by the
members' own service, beside the figures a fit computed."""

from datetime import timedelta

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import fitting

# Text fields no page shows as typed text, each with the reason.
ALLOWED: dict[str, str] = {
    "insights.ClvFit.engine": "the name of the engine that fitted, set by the code",
    "insights.ClvFit.error": "the exception a failed fit raised, written by the code (shown escaped)",
}
# Named pages that never show stored text, each with the reason.
NOT_PAGES: dict[str, str] = {
    "insights:refit": "a form action: redirects to the fit",
    "insights:fit_status": "the running fit's status box: dates and numbers only",
    "insights:fit_export": "a CSV download: the CSV exporter's own tests cover formulas in it",
}


@place("insights")
def insights_clv(pages: Pages):
    from django.utils import timezone

    from fanrepublic.insights.fitting import clv_fit_run
    from fanrepublic.insights.models import ClvScore
    from fanrepublic.insights.services import clv_fit_start
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import operator

    from .factories import simulated_members

    shown = fitting(50)[:20]
    buyers = simulated_members(40, end=timezone.localdate() - timedelta(days=1), seed=11)
    for member, payload in zip(buyers, shown, strict=False):
        members.profile_update(member=member, data={"display_name": payload.text})
    fit = clv_fit_start(window_end=timezone.localdate())
    clv_fit_run(fit_id=fit.pk)
    valued = set(ClvScore.objects.filter(fit=fit).values_list("member_id", flat=True))
    names = [p for member, p in zip(buyers, shown, strict=False) if member.pk in valued]
    boss = operator()
    pages.check(boss, _reverse("insights:index"))
    pages.check(boss, _reverse("insights:clv"), shows=markers(names[:1]))
    pages.check(boss, _reverse("insights:fit", fit.pk))
    for member, payload in zip(buyers, shown, strict=False):
        if member.pk in valued:
            pages.check(boss, _reverse("insights:member", member.pk), shows=markers([payload]))
