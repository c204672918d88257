"""Back a campaign and pay the deposit, in Chromium, in English and Chinese, on a phone:
the member chooses units, lands on the payment page (labelled as a demo), pays on the demo
provider's page, sees the payment paid, and the campaign counts them as a backer."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from fanrepublic.campaigns.models import Backing  # noqa: E402
from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402

from .factories import CampaignFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "back": "Back and pay the deposit",
        "go": "Pay with the demo provider",
        "pay": "Pay ¥1,000.00 (demo)",
        "paid": "Paid",
        "held": "Deposit held",
    },
    "zh-hans": {
        "back": "支持并支付定金",
        "go": "使用演示服务商付款",
        "pay": "支付 ¥1,000.00（演示）",
        "paid": "已付款",
        "held": "定金托管中",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_member_backs_a_campaign_and_pays_the_deposit(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    campaign = CampaignFactory()
    member = verified_member(language=lang)
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, member, lang)
    page.goto(f"{base}{campaign.get_absolute_url()}")
    expect(page.locator("[data-testid=backer-count]")).to_have_text("0")
    page.fill("input[name=units]", "2")
    page.get_by_role("button", name=t["back"]).click()
    expect(page.locator("[data-testid=demo-banner]")).to_be_visible()
    expect(page.locator("[data-testid=payment-amount]")).to_have_text("¥1,000.00")
    page.get_by_role("link", name=t["go"]).click()
    page.get_by_role("button", name=t["pay"]).click()
    expect(page.locator("[data-testid=payment-state]")).to_have_text(t["paid"])
    assert Backing.objects.get().status == "held"
    page.goto(f"{base}{campaign.get_absolute_url()}")
    expect(page.locator("[data-testid=backer-count]")).to_have_text("1")
    expect(page.locator("[data-testid=my-backing]")).to_contain_text(t["held"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
