"""The whole co-creation loop in Chromium, in English and Chinese: a member files a
suggestion, an engineer plans it into Friday's release and publishes it, and the member
is told it shipped and sees the points it earned."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.forum.models import Topic  # noqa: E402
from fanrepublic.forum.tests.factories import BoardFactory  # noqa: E402
from fanrepublic.members.tests.factories import engineer  # noqa: E402
from fanrepublic.points.tests.factories import EarningRuleFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "new_topic": "New topic",
        "post_topic": "Post topic",
        "plan": "Plan",
        "add": "Add to release",
        "publish": "Publish",
        "shipped": "is now Shipped",
        "status": "Shipped",
        "reason": "Suggestion shipped in a release",
        "thanks": "thanks to",
    },
    "zh-hans": {
        "new_topic": "发布新主题",
        "post_topic": "发布",
        "plan": "规划",
        "add": "加入版本",
        "publish": "发布",
        "shipped": "已上线",
        "thanks": "感谢",
        "status": "已上线",
        "reason": "建议随版本发布",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_suggestion_goes_from_post_to_shipped_and_pays(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    EarningRuleFactory(
        name="Suggestion shipped in a release",
        name_zh="建议随版本发布",
        verb="releases.item.shipped",
        match_properties={"source": "suggestion"},
        points=1000,
    )
    board = BoardFactory(name="Orange Phone", name_zh="橙子手机")
    fan = verified_member(language=lang)
    eng = verified_member(engineer, language=lang)

    member = new_page(browser, lang)
    sign_in(member, base, fan, lang)
    member.goto(f"{base}{board.get_absolute_url()}")
    member.get_by_role("link", name=t["new_topic"]).click()
    member.check("input[name=kind][value=suggestion]")
    member.fill("input[name=title]", "Game do-not-disturb mode 游戏免打扰")
    member.fill("textarea[name=body]", "Please **silence calls** while I play.")
    member.get_by_role("button", name=t["post_topic"], exact=True).click()
    member.wait_for_load_state("networkidle")
    topic = Topic.objects.get()

    staff = new_page(browser, lang)
    staff.on("dialog", lambda dialog: dialog.accept())  # "Publish this release now?"
    sign_in(staff, base, eng, lang)
    staff.goto(f"{base}/releases/staff/")
    staff.select_option("select[name=product_line]", str(board.product_line.pk))
    staff.fill("input[name=version]", "2.1.3")
    staff.get_by_role("button", name=t["plan"], exact=True).click()
    staff.wait_for_load_state("networkidle")
    candidates = staff.locator("[data-testid=candidates]")
    expect(candidates).to_contain_text("Game do-not-disturb mode")
    candidates.get_by_role("button", name=t["add"]).click()
    staff.wait_for_load_state("networkidle")
    expect(staff.locator("[data-testid=release-item]")).to_contain_text("Game do-not-disturb mode")
    staff.locator("main .page-head").get_by_role("button", name=t["publish"], exact=True).click()
    staff.wait_for_load_state("networkidle")
    assert staff.url.endswith(f"/releases/{board.product_line.slug}/2.1.3/")
    expect(staff.locator("[data-testid=release-item]")).to_contain_text(t["thanks"])

    member.goto(base + "/")
    member.locator("a.bell").click()
    expect(member.locator("[data-testid=notification-list]")).to_contain_text(t["shipped"])
    member.goto(f"{base}{topic.get_absolute_url()}")
    expect(member.locator("[data-testid=topic-status]")).to_have_text(t["status"])
    member.goto(f"{base}/points/")
    expect(member.locator("[data-testid=balance]")).to_have_text("1000")
    expect(member.locator("main")).to_contain_text(t["reason"])
    member.screenshot(path=f"/tmp/fanrepublic-release-loop-{lang}.png", full_page=True)
