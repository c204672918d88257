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
    page("insights:fit_export", DECIDERS, method="post", args=lambda w: {"pk": fit(w)["pk"]}, visitor=302),
    page("insights:member", DECIDERS, args=member_args, visitor=302),
    page("insights:effects", DECIDERS, visitor=302),
    page(
        "insights:effects_compute",
        DECIDERS,
        ok=302,
        method="post",
        data=lambda w: {"kinds": ["committee", "beta"]},
        visitor=302,
    ),
)


def survey_args(w, *, status="open"):
    def build():
        from fanrepublic.insights import surveys

        boss = w.user("operator")
        made = surveys.survey_save(
            actor=boss,
            data={"title": "How are we doing?", "question": "Recommend us?", "audience": "everyone"},
        )
        if status == "open":
            surveys.survey_send(actor=boss, survey=made)
        return {"pk": made.pk}

    return w.once(f"survey-{status}", build)


def answer_args(w):
    def build():
        from fanrepublic.insights import surveys
        from fanrepublic.insights.models import Survey
        from fanrepublic.members.tests.factories import MemberFactory

        critic = MemberFactory()
        boss = w.user("operator")
        made = surveys.survey_save(
            actor=boss, data={"title": "Quick one", "question": "Recommend?", "audience": "everyone"}
        )
        surveys.survey_send(actor=boss, survey=made)
        survey = Survey.objects.get(pk=made.pk)
        # The critic was asked by the first survey if it ran before; invite them here.
        survey.invites.get_or_create(member=critic, defaults={"sent_at": survey.sent_at})
        return {"pk": surveys.survey_answer(member=critic, survey=survey, score=2, reason="slow").pk}

    return w.once("answer", build)


ACCESS = ACCESS + (
    page("insights:surveys", DECIDERS, visitor=302),
    page("insights:survey_new", DECIDERS, visitor=302),
    page(
        "insights:survey_new",
        DECIDERS,
        ok=302,
        method="post",
        data=lambda w: {"title": "T", "question": "Q?", "audience": "everyone"},
        visitor=302,
    ),
    page("insights:survey", DECIDERS, args=survey_args, visitor=302),
    page("insights:survey_edit", DECIDERS, args=lambda w: survey_args(w, status="draft"), visitor=302),
    page(
        "insights:survey_send",
        DECIDERS,
        ok=302,
        method="post",
        args=lambda w: survey_args(w, status="draft"),
        visitor=302,
        note="the second sender is told it has been sent",
    ),
    page("insights:survey_close", DECIDERS, ok=302, method="post", args=survey_args, visitor=302),
    page(
        "insights:answer",
        ("member",),
        args=lambda w: survey_args(w),
        visitor=302,
        note="the member was in the audience when it was sent; staff were not (404)",
    ),
    page(
        "insights:answer_tag",
        DECIDERS,
        ok=302,
        method="post",
        args=answer_args,
        data=lambda w: {"tags": "speed"},
        visitor=302,
    ),
    page("insights:answer_route", DECIDERS, ok=302, method="post", args=answer_args, visitor=302),
)

ACCESS = ACCESS + (
    page("insights:dashboard", DECIDERS, visitor=302),
    page("insights:dashboard_refresh", DECIDERS, ok=302, method="post", visitor=302),
    page("insights:dashboard_export", DECIDERS, method="post", visitor=302),
)

test_access = access_test(ACCESS)
