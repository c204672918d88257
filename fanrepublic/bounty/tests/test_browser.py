"""Filing a bug report in Chromium, in English and Chinese: while the member types, the
reports that read alike appear beside the form; the report is filed with a screenshot."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from fanrepublic.bounty.models import BountyReport  # noqa: E402
from fanrepublic.bounty.tests.factories import BountyReportFactory, PublishedReleaseFactory  # noqa: E402
from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.forum.tests.test_services import png_bytes  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "file": "File the report",
        "status": "New",
        "title": "Camera crashes switching to telephoto",
        "earlier": "Camera app crashes when switching to telephoto",
    },
    "zh-hans": {
        "file": "提交报告",
        "status": "新提交",
        "title": "相机切换长焦闪退",
        "earlier": "打开相机切换长焦镜头就闪退",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_similar_reports_appear_while_typing_and_the_report_is_filed(browser, live_server, lang, tmp_path):
    t = TEXT[lang]
    base = live_server.url
    release = PublishedReleaseFactory(version="2.0.8")
    earlier = BountyReportFactory(
        release=release,
        title=t["earlier"],
        actual="crash",
    )
    fan = verified_member(language=lang)
    page = new_page(browser, lang)
    sign_in(page, base, fan, lang)
    page.goto(f"{base}/bounty/new/")
    page.select_option("#id_release", str(release.pk))
    page.type("#id_title", t["title"])
    expect(page.locator("[data-testid=similar]")).to_contain_text(f"#{earlier.pk}")
    page.fill("#id_steps", "1. Open the camera\n2. Tap 5x on the lens switcher")
    page.fill("#id_expected", "The telephoto lens opens")
    page.fill("#id_actual", "The app closes")
    page.select_option("#id_claimed_severity", "high")
    shot = tmp_path / "shot.png"
    shot.write_bytes(png_bytes())
    page.set_input_files("#id_images", str(shot))
    page.get_by_role("button", name=t["file"]).click()
    page.wait_for_load_state("networkidle")
    report = BountyReport.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(report.get_absolute_url())
    expect(page.locator("[data-testid=report-status]")).to_have_text(t["status"])
    assert report.attachments.count() == 1
    page.screenshot(path=f"/tmp/fanrepublic-bounty-{lang}.png", full_page=True)
