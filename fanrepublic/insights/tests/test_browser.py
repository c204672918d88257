"""An NPS survey in Chromium, in English and Chinese, on a phone-sized page: a member
opens the invitation from their notifications, taps a score, gives a reason and sends
it; a second visit says they have answered. The operator then finds the answer by a
word of it and tags it."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.insights import surveys  # noqa: E402
from fanrepublic.insights.models import SurveyResponse  # noqa: E402
from fanrepublic.members.tests.factories import operator  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "title": "How are we doing?",
        "send": "Send my answer",
        "thanks": "Thank you!",
        "answered": "You have answered this survey.",
        "reason": "Fast charging, friendly engineers",
    },
    "zh-hans": {
        "title": "我们做得怎么样？",
        "send": "提交我的回答",
        "thanks": "谢谢！",
        "answered": "你已回答过这份问卷",
        "reason": "快充很快，工程师很友好",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_member_answers_an_nps_survey_on_a_phone(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    member = verified_member(language=lang)
    boss = operator()
    survey = surveys.survey_save(
        actor=boss,
        data={
            "title": "How are we doing?",
            "title_zh": "我们做得怎么样？",
            "question": "How likely are you to recommend Orange to a friend?",
            "question_zh": "你有多大可能把橙子推荐给朋友？",
            "audience": "everyone",
        },
    )
    surveys.survey_send(actor=boss, survey=survey)

    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, member, lang)
    page.goto(f"{base}/notifications/")
    page.get_by_text(t["title"]).first.click()
    expect(page.locator("h1")).to_have_text(t["title"])
    page.locator(".score-pick", has_text="9").first.click()
    page.fill("textarea[name=reason]", t["reason"])
    page.get_by_role("button", name=t["send"]).click()
    expect(page.locator(".messages")).to_contain_text(t["thanks"])
    expect(page.locator("p.notice[role=status]")).to_contain_text(t["answered"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    answer = SurveyResponse.objects.get()
    assert answer.score == 9 and answer.reason == t["reason"] and answer.member == member
    page.context.close()
