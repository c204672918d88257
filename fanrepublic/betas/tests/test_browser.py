"""A tester's journey in Chromium, in English and Chinese: apply with answers, get a seat
in the draw, accept the NDA, read the confidential brief and file a test report."""

import os
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.betas import services  # noqa: E402
from fanrepublic.betas.models import BetaProgramme, TestReport  # noqa: E402
from fanrepublic.betas.tests.factories import ApplicationQuestionFactory, BetaProgrammeFactory  # noqa: E402
from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.members.tests.factories import operator  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "apply": "Apply",
        "applied": "Applied",
        "selected": "Selected",
        "accept": "Accept and start testing",
        "file": "File the report",
        "submitted": "Submitted",
    },
    "zh-hans": {
        "apply": "报名",
        "applied": "已报名",
        "selected": "已入选",
        "accept": "接受并开始测试",
        "file": "提交报告",
        "submitted": "已提交",
    },
}
BRIEF = "Build 1.7 brings a new heat-pump strategy."


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_apply_get_a_seat_sign_the_nda_and_report(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    programme = BetaProgrammeFactory(brief=BRIEF, brief_zh=BRIEF, capacity=1)
    question = ApplicationQuestionFactory(programme=programme, prompt="City?", prompt_zh="城市？")
    programme = services.programme_open(actor=operator(), programme=programme)
    fan = verified_member(language=lang)

    page = new_page(browser, lang)
    sign_in(page, base, fan, lang)
    page.goto(f"{base}{programme.get_absolute_url()}")
    assert BRIEF not in page.content()
    page.fill(f"[name=q{question.pk}]", "Harbin 哈尔滨")
    page.locator("[data-testid=my-application]").get_by_role("button", name=t["apply"], exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=application-status]")).to_have_text(t["applied"])

    BetaProgramme.objects.filter(pk=programme.pk).update(
        applications_close_at=timezone.now() - timedelta(minutes=1)
    )
    services.selection_run(actor=operator(), programme=programme)

    page.reload()
    expect(page.locator("[data-testid=application-status]")).to_have_text(t["selected"])
    assert BRIEF not in page.content()  # not before the NDA
    page.check("input[name=agree]")
    page.get_by_role("button", name=t["accept"]).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=confidential]")).to_contain_text(BRIEF)
    page.fill("#id_title", "Range jumps after a cold night")
    page.fill("#id_steps", "Park outside at -15 °C overnight, then start the car.")
    page.fill("#id_expected", "A stable estimate")
    page.fill("#id_actual", "420 km becomes 310 km")
    page.select_option("#id_severity", "medium")
    page.fill("#id_device", "SU7 Max")
    page.fill("#id_build", "1.7.0-beta.3")
    page.get_by_role("button", name=t["file"]).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=test-report-status]").first).to_have_text(t["submitted"])
    assert TestReport.objects.get().tester == fan
    page.screenshot(path=f"/tmp/fanrepublic-beta-{lang}.png", full_page=True)
