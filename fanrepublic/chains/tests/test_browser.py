"""A chain sign-up in Chromium, in English and Chinese, on a phone-sized page: a member
opens the shared link, adds a line with a pledge, and sees the live count move when
someone else signs — without reloading."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from fanrepublic.chains import services  # noqa: E402
from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.members.tests.factories import MemberFactory  # noqa: E402

from .factories import ChainFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"sign": "Add my line", "done": "You are number 2 in the chain.", "line": "Never leave!"},
    "zh-hans": {"sign": "接龙", "done": "你是接龙的第 2 位。", "line": "永不离开！"},
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_member_signs_a_chain_and_watches_the_count_move(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    chain = ChainFactory(pledge_label="I will pre-order", pledge_max=2)
    services.entry_sign(actor=MemberFactory(), chain=chain, message="first!", pledge=1)
    member = verified_member(language=lang)

    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, member, lang)
    page.goto(f"{base}{chain.get_absolute_url()}")
    expect(page.locator("[data-testid=chain-count]")).to_have_text("1")
    page.fill("input[name=message]", t["line"])
    page.fill("input[name=pledge]", "2")
    page.get_by_role("button", name=t["sign"], exact=True).click()
    expect(page.locator(".messages")).to_contain_text(t["done"])
    expect(page.locator("[data-testid=chain-count]")).to_have_text("2")
    expect(page.locator("[data-testid=chain-pledged]")).to_have_text("3")
    expect(page.locator("[data-testid=chain-lines]")).to_contain_text(t["line"])

    # someone else signs: the live part shows it within a few seconds, no reload
    services.entry_sign(actor=MemberFactory(display_name="Late Fan"), chain=chain, message="me too", pledge=0)
    expect(page.locator("[data-testid=chain-count]")).to_have_text("3", timeout=10_000)
    expect(page.locator("[data-testid=chain-live]")).to_contain_text("Late Fan")
    # nothing on the phone page is wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
