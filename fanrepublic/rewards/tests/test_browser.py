"""The store journey in Chromium, in English and Chinese: a fan redeems a voucher with
points, the store manager fulfils it, and the fan sees the code and the new balance."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.members.tests.factories import store_manager  # noqa: E402
from fanrepublic.points.services import points_award  # noqa: E402
from fanrepublic.rewards.tests.factories import RewardFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {"redeem": "Redeem", "fulfilled": "Fulfilled", "fulfil": "Mark fulfilled"},
    "zh-hans": {"redeem": "兑换", "fulfilled": "已兑现", "fulfil": "标记为已兑现"},
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_redeem_and_fulfil(browser, live_server, lang):
    words = WORDS[lang]
    base = live_server.url
    fan = verified_member(language=lang)
    manager = verified_member(store_manager, language=lang)
    points_award(member=fan, points=5000, key="seed", memo="Suggestion shipped")
    reward = RewardFactory(
        slug="cloud-200gb",
        name="Cloud storage 200 GB",
        name_zh="云空间 200GB 年卡",
        kind="voucher",
        price_points=2000,
        stock=5,
    )

    page = new_page(browser, lang)
    sign_in(page, base, fan, lang)
    page.goto(f"{base}{reward.get_absolute_url()}")
    page.get_by_role("button", name=words["redeem"], exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/rewards/orders/")

    staff = new_page(browser, lang)
    sign_in(staff, base, manager, lang)
    staff.goto(f"{base}/rewards/staff/orders/")
    staff.fill("input[name=voucher_code]", "CLOUD-2026-ABCD")
    staff.get_by_role("button", name=words["fulfil"]).click()
    staff.wait_for_load_state("networkidle")

    page.goto(f"{base}/rewards/orders/")
    expect(page.locator("[data-testid=order-status]").first).to_have_text(words["fulfilled"])
    assert "CLOUD-2026-ABCD" in page.content()
    page.goto(f"{base}/points/")
    expect(page.locator("[data-testid=balance]")).to_have_text("3000")
    page.screenshot(path=f"/tmp/fanrepublic-store-{lang}.png", full_page=True)
