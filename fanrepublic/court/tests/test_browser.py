"""The court journey in Chromium, in English and Chinese: a member files a case, legal
staff admit it and draw the jury, a drawn senior fan accepts their place, and the draw's
public record shows the revealed seed and their pseudonym."""

import os
import re
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone, translation  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.court.enums import CaseStatus, JurorState  # noqa: E402
from fanrepublic.court.models import Case, Juror  # noqa: E402
from fanrepublic.members.tests.factories import MemberFactory, legal  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label(lang, status):
    with translation.override(lang):
        return str(CaseStatus(status).label)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_file_admit_draw_and_sit(browser, live_server, lang):
    base = live_server.url
    old = timezone.now() - timedelta(days=800)
    fans = [verified_member(MemberFactory, trust_level=3, date_joined=old, language=lang) for _ in range(10)]
    clerk = verified_member(legal, language=lang)
    for _ in range(2):
        legal()
    claimant = verified_member(language=lang)

    page = new_page(browser, lang)
    sign_in(page, base, claimant, lang)
    page.goto(f"{base}/court/")
    page.get_by_test_id("file-case").click()
    page.fill("input[name=title]", "Burned-in screen" if lang == "en" else "屏幕烧屏")
    page.fill(
        "textarea[name=account]",
        "The screen burned in after three months of normal use; the store refused a repair."
        if lang == "en"
        else "正常使用三个月后屏幕出现烧屏，门店拒绝维修。我有购买凭证和照片，希望法庭受理。",
    )
    page.fill("textarea[name=remedy_sought]", "Replace the phone." if lang == "en" else "更换手机并赔偿。")
    page.get_by_test_id("case-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "filed"))
    case = Case.objects.get()
    page.context.close()

    page = new_page(browser, lang)
    sign_in(page, base, clerk, lang)
    page.goto(f"{base}/court/queue/")
    page.get_by_test_id("waiting").get_by_role("link").first.click()
    page.get_by_test_id("admit").click()
    expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "admitted"))
    page.get_by_test_id("draw-jury").click()
    expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "drawn"))
    expect(page.get_by_test_id("jury").locator("tbody tr")).to_have_count(12)
    page.context.close()

    juror = (
        Juror.objects.filter(draw__case=case, kind="fan", state=JurorState.INVITED)
        .order_by("position")
        .first()
    )
    assert juror.member in fans
    page = new_page(browser, lang)
    sign_in(page, base, juror.member, lang)
    page.goto(f"{base}/court/mine/")
    page.get_by_test_id(f"accept-{juror.pk}").click()
    juror.refresh_from_db()
    assert juror.state == JurorState.ACCEPTED
    page.goto(f"{base}/court/cases/{case.number}/")
    expect(page.get_by_test_id("case-account")).to_contain_text(case.account[:10])
    page.goto(f"{base}/court/draws/{case.number}/1/")
    expect(page.get_by_test_id("seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.get_by_test_id("my-pseudonym")).to_contain_text(juror.pseudonym)
    page.context.close()
