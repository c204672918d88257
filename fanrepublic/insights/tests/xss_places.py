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
    "insights.SurveyResponse.language": "the language code the answer came in, set by the code",
    "insights.SurveyResponse.tag_keys": "the tags, casefolded, for searching; never shown (tags are a place)",
    "insights.InteractionEstimate.key": "the codes of the kinds compared, joined by the code",
}
# Named pages that never show stored text, each with the reason.
NOT_PAGES: dict[str, str] = {
    "insights:refit": "a form action: redirects to the fit",
    "insights:fit_status": "the running fit's status box: dates and numbers only",
    "insights:fit_export": "a CSV download: the CSV exporter's own tests cover formulas in it",
    "insights:effects": "figures and the names of the kinds of interaction (from the code) only",
    "insights:effects_compute": "a form action: redirects to the report",
    "insights:survey_send": "a form action: redirects to the survey",
    "insights:survey_close": "a form action: redirects to the survey",
    "insights:answer_tag": "a form action: redirects to the survey",
    "insights:answer_route": "a form action: redirects to the survey",
    "insights:dashboard_refresh": "a form action: redirects to the dashboard",
    "insights:dashboard_export": "a CSV download: figures and their definitions (from the code) only",
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


@place(
    "insights-surveys",
    "insights.Survey.title",
    "insights.Survey.title_zh",
    "insights.Survey.question",
    "insights.Survey.question_zh",
    "insights.Survey.follow_up",
    "insights.Survey.follow_up_zh",
    "insights.SurveyResponse.reason",
    "insights.SurveyResponse.follow_up_answer",
)
def insights_surveys(pages: Pages):
    from fanrepublic.core.tests.xss_payloads import CORPUS, joined, packs
    from fanrepublic.insights import surveys
    from fanrepublic.members.tests.factories import MemberFactory, operator

    boss = operator()
    titles, questions = packs(120), packs(200)
    count = max(len(titles), len(questions))
    made = []
    for n in range(count):
        title = joined(titles[n % len(titles)])
        question = joined(questions[n % len(questions)])
        survey = surveys.survey_save(
            actor=boss,
            data={
                "title": title,
                "title_zh": title,
                "question": question,
                "question_zh": question,
                "follow_up": question,
                "follow_up_zh": question,
                "audience": "everyone",
            },
        )
        made.append((survey, titles[n % len(titles)] + questions[n % len(questions)]))
    draft = surveys.survey_save(
        actor=boss,
        data={"title": joined(titles[0]), "question": joined(questions[0]), "audience": "everyone"},
    )
    for survey, _shown in made:
        # A fresh member for each survey: the throttle would leave the others out.
        member = MemberFactory()
        surveys.survey_send(actor=boss, survey=survey)
        surveys.survey_answer(member=member, survey=survey, score=3, reason=CORPUS, follow_up_answer=CORPUS)
    pages.check(boss, _reverse("insights:surveys"), shows=markers(titles[0]))
    pages.check(boss, _reverse("insights:survey_edit", draft.pk))
    pages.check(boss, _reverse("insights:survey_new"))
    for survey, shown in made:
        pages.check(boss, _reverse("insights:survey", survey.pk), shows=markers(shown))
    invited = made[0][0].invites.first().member
    pages.check(invited, _reverse("insights:answer", made[0][0].pk))
    pages.check(invited, _reverse("notifications:list"))


@place("insights-dashboard")
def insights_dashboard(pages: Pages):
    """The dashboard lists votes and campaigns by their names: the other apps' stored
    text, shown here too."""
    from fanrepublic.campaigns.tests.factories import CampaignFactory
    from fanrepublic.core.tests.xss_payloads import joined, packs
    from fanrepublic.governance.tests.factories import VoteFactory
    from fanrepublic.insights.services import dashboard_refresh
    from fanrepublic.members.tests.factories import operator

    questions, titles = packs(300), packs(120)
    for group in questions:
        VoteFactory(question=joined(group), question_zh=joined(group))
    for group in titles[:10]:
        CampaignFactory(title=joined(group), title_zh=joined(group), deposits_held_fen=100, backer_count=1)
    dashboard_refresh()
    boss = operator()
    shown = [m for group in questions[:12] for m in markers(group)]
    pages.check(boss, _reverse("insights:dashboard"), shows=shown + markers(titles[0]))
