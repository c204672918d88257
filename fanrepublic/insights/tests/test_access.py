"""Who may use each insights page (fanrepublic/core/tests/access.py): operators and the
founder only; every other member gets 404, as for a page that does not exist, and a
visitor is sent to sign in."""

from datetime import timedelta

from fanrepublic.core.tests.access import access_test, page

DECIDERS = ("operator", "founder")


def fit(w):
    def build():
        from django.utils import timezone

        from fanrepublic.insights.fitting import clv_fit_run
        from fanrepublic.insights.services import clv_fit_start

        from .factories import simulated_members

        members = simulated_members(30, end=timezone.localdate() - timedelta(days=1))
        found = clv_fit_start(window_end=timezone.localdate())
        clv_fit_run(fit_id=found.pk)  # the task queued for after a commit the test never makes
        return {"pk": found.pk, "member": members[0].pk}

    return w.once("fit", build)


def member_args(w):
    from fanrepublic.insights.models import ClvScore

    fit(w)
    return {"member_id": ClvScore.objects.values_list("member_id", flat=True).first()}


ACCESS = (
    page("insights:index", DECIDERS, visitor=302),
    page("insights:clv", DECIDERS, visitor=302),
    page(
        "insights:refit",
        DECIDERS,
        ok=302,
        method="post",
        data=lambda w: {"years": 2, "holdout_days": 30, "horizon_days": 180},
        visitor=302,
    ),
    page("insights:fit", DECIDERS, args=lambda w: {"pk": fit(w)["pk"]}, visitor=302),
    page("insights:fit_status", DECIDERS, args=lambda w: {"pk": fit(w)["pk"]}, visitor=302),
    page("insights:fit_export", DECIDERS, args=lambda w: {"pk": fit(w)["pk"]}, visitor=302),
    page("insights:member", DECIDERS, args=member_args, visitor=302),
)

test_access = access_test(ACCESS)
