"""Flash sales in Chromium, in English and Chinese, on a phone: a member joins the waiting
room, reserves when it is their turn and pays on the demo provider's page; another
member's hold runs out unpaid and the page tells them, without reloading, that the unit
went back to the pool."""

import datetime
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.flashsales import services  # noqa: E402
from fanrepublic.flashsales.models import Hold, Unit  # noqa: E402

from .factories import open_sale  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "join": "Join the waiting room",
        "reserve": "Reserve one for ¥5,000.00",
        "pay_now": "Pay now",
        "pay": "Pay ¥5,000.00 (demo)",
        "paid": "Paid",
        "bought": "You bought unit 1.",
    },
    "zh-hans": {
        "join": "加入排队",
        "reserve": "以 ¥5,000.00 预订一台",
        "pay_now": "立即付款",
        "pay": "支付 ¥5,000.00（演示）",
        "paid": "已付款",
        "bought": "你买到了第 1 台。",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_member_reserves_in_a_flash_sale_and_pays(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    sale = open_sale(units=3)
    member = verified_member(language=lang)
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, member, lang)
    page.goto(f"{base}{sale.get_absolute_url()}")
    expect(page.locator("[data-testid=units-left]")).to_have_text("3")
    page.get_by_role("button", name=t["join"]).click()
    page.get_by_role("button", name=t["reserve"]).click()
    expect(page.locator("[data-testid=demo-banner]")).to_be_visible()
    page.locator("[data-testid=pay-link]").click()
    page.get_by_role("button", name=t["pay"]).click()
    expect(page.locator("[data-testid=payment-state]")).to_have_text(t["paid"])
    page.goto(f"{base}{sale.get_absolute_url()}")
    expect(page.locator("[data-testid=bought]")).to_have_text(t["bought"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_hold_not_paid_runs_out_and_the_page_says_so(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    sale = open_sale(units=1, hold_seconds=30)
    member = verified_member(language=lang)
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, member, lang)
    page.goto(f"{base}{sale.get_absolute_url()}")
    page.get_by_role("button", name=t["join"]).click()
    page.get_by_role("button", name=t["reserve"]).click()
    page.goto(f"{base}{sale.get_absolute_url()}")
    expect(page.locator("[data-testid=my-hold]")).to_be_visible()
    expect(page.get_by_role("link", name=t["pay_now"])).to_be_visible()
    # The member does not pay; the hold's time passes and the sweep gives the unit back.
    past = timezone.now() - datetime.timedelta(seconds=61)
    Hold.objects.filter(sale=sale).update(expires_at=past)
    services.holds_expire_due()
    expect(page.locator("[data-testid=hold-expired]")).to_be_visible(timeout=10_000)
    expect(page.locator("[data-testid=units-left]")).to_have_text("1")
    assert Unit.objects.get(sale=sale).state == "free"
    page.context.close()
