"""The header in Chromium, in English and Chinese, for a visitor, a member and an operator.

On a phone (390×844) the sticky header is one row (brand, menu button, bell); the menu
button opens a panel that reaches every section, and every menu's items lie inside the
screen. On wide screens the menus are dropdowns that stay inside the screen too."""

import os

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the fixtures touch the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from fanrepublic.core.tests.browser import LOCALES, new_page, verified_member  # noqa: E402
from fanrepublic.members.tests.factories import MemberFactory, operator  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_ROW = 64  # px: the header's height when brand, menu button and bell share one row
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}
OTHER_LANG = {"en": "zh-Hans", "zh-hans": "en"}
# The sections each kind of user has (menus: their <details class="menu"> in header order).
MENUS = {"visitor": 1, "member": 2, "operator": 3}


def _user(who: str, lang: str):
    if who == "visitor":
        return None
    factory = operator if who == "operator" else MemberFactory
    return verified_member(factory, language=lang, display_name="Xiaoming Zhang 张晓明")


def _sign_in(page, base: str, user) -> None:
    """Sign in with the password and, when the site asks for it (staff), the code of the
    member's authenticator app."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    if page.locator("main input[name=code]").count():
        from fanrepublic.members.tests.factories import current_totp_code

        page.fill("main input[name=code]", current_totp_code(user))
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
    expect(page.locator("details.menu > summary", has_text=user.public_name)).to_have_count(1)


def _open_page(browser, base: str, who: str, lang: str, *, width: int, height: int):
    page = new_page(browser, lang, width=width, height=height)
    user = _user(who, lang)
    if user:
        _sign_in(page, base, user)
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    return page


def _assert_inside(page, locator) -> int:
    """Every element of `locator`, once scrolled into view, lies inside the viewport."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    count = locator.count()
    assert count, "nothing to measure"
    for i in range(count):
        item = locator.nth(i)
        item.scroll_into_view_if_needed()
        box = item.bounding_box()
        assert box is not None, f"{item.inner_text()!r} is not shown"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (item.inner_text(), box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (item.inner_text(), box)
    return count


def _assert_one_row(page, who: str) -> None:
    header = page.locator(".site-header").bounding_box()
    assert header["y"] == 0 and header["height"] <= ONE_ROW, header
    row = [".brand", ".nav-toggle > summary"] + ([".bell-compact"] if who != "visitor" else [])
    for selector in row:
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not shown"
        assert box["y"] >= 0 and box["y"] + box["height"] <= header["height"], (selector, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], (selector, box)
    expect(page.locator("#site-search")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _open_panel(page):
    toggle = page.locator(".nav-toggle > summary")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#site-nav")
    expect(panel).to_be_visible()
    return panel


def _follow(page, link) -> None:
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state("domcontentloaded")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("who", ["visitor", "member", "operator"])
def test_phone_header_is_one_row_and_menu_reaches_every_section(browser, live_server, who, lang):
    base = live_server.url
    page = _open_page(browser, base, who, lang, width=390, height=844)
    _assert_one_row(page, who)
    toggle = page.locator(".nav-toggle > summary")
    expect(toggle).to_have_attribute("aria-controls", "site-nav")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#site-nav")).to_be_hidden()

    # The panel holds the search and every section, all inside the screen.
    panel = _open_panel(page)
    expect(panel.locator("#site-search")).to_be_visible()
    _assert_inside(page, panel.locator(".header-search, .nav-list > li:visible"))
    menus = panel.locator("details.menu")
    assert menus.count() == MENUS[who]
    expect(panel.locator("a[href='/rewards/']")).to_be_visible()
    expect(panel.locator("a[href='/badges/']")).to_be_visible()
    if who == "visitor":
        expect(panel.locator("a[href='/accounts/login/']")).to_be_visible()
        expect(panel.locator("a[href='/accounts/signup/']")).to_be_visible()
    else:
        expect(page.locator("a.bell")).to_be_hidden()  # the bell sits in the row instead

    # Each menu opens inside the screen, and one of its items can be followed.
    for index in range(MENUS[who]):
        if index:
            page.goto(base + "/")
            panel = _open_panel(page)
        menu = panel.locator("details.menu").nth(index)
        menu.locator("summary").click()
        expect(menu.locator("summary")).to_have_attribute("aria-expanded", "true")
        assert _assert_inside(page, menu.locator("ul > li")) >= 5
        _follow(page, menu.locator("ul > li a").first)
        _assert_one_row(page, who)

    # The search works from the panel.
    page.goto(base + "/")
    panel = _open_panel(page)
    panel.locator("#site-search").fill("phone")
    panel.locator("#site-search").press("Enter")
    page.wait_for_url("**/search/?q=phone*")

    if who != "visitor":
        bell = page.locator(".bell-compact")
        _follow(page, bell)

    # The language switch is in the panel too.
    page.goto(base + "/")
    panel = _open_panel(page)
    switch = panel.locator(".nav-lang a, .nav-lang button")
    _assert_inside(page, switch)
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", OTHER_LANG[lang])
    _assert_one_row(page, who)
    page.screenshot(path=f"/tmp/header_test_{who}_{lang}.png")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_phone_menu_button_works_with_the_keyboard(browser, live_server, lang):
    page = _open_page(browser, live_server.url, "operator", lang, width=390, height=844)
    toggle = page.locator(".nav-toggle > summary")
    panel = page.locator("#site-nav")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(page.locator("#site-search")).to_be_focused()
    page.keyboard.press("Tab")
    take_part = panel.locator("details.menu > summary").first
    expect(take_part).to_be_focused()
    page.keyboard.press("Enter")
    expect(take_part).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(panel.locator("details.menu").first.locator("ul a").first).to_be_focused()

    # Escape closes the panel and gives the focus back to the menu button.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # A click outside (below the panel) closes it too. (The take-part menu opened above
    # is folded again first: open, it makes the panel as tall as the screen.)
    toggle.click()
    expect(panel).to_be_visible()
    take_part.click()
    expect(take_part).to_have_attribute("aria-expanded", "false")
    assert panel.bounding_box()["y"] + panel.bounding_box()["height"] < 800
    page.mouse.click(195, 820)
    expect(panel).to_be_hidden()
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_phone_menu_works_without_javascript(browser, live_server, lang):
    context = browser.new_context(
        locale=LOCALES[lang], viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/")
    _assert_one_row(page, "visitor")
    page.locator(".nav-toggle > summary").click()
    panel = page.locator("#site-nav")
    expect(panel).to_be_visible()
    menu = panel.locator("details.menu").first
    menu.locator("summary").click()
    _assert_inside(page, menu.locator("ul > li"))
    _follow(page, menu.locator("ul > li a").nth(1))
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_narrowest_phone_keeps_one_row(browser, live_server, lang):
    page = _open_page(browser, live_server.url, "operator", lang, width=360, height=740)
    _assert_one_row(page, "operator")
    panel = _open_panel(page)
    for index in range(MENUS["operator"]):
        menu = panel.locator("details.menu").nth(index)
        menu.locator("summary").click()
        _assert_inside(page, menu.locator("ul > li"))
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("who", ["visitor", "operator"])
@pytest.mark.parametrize("width", [900, 1280])
def test_wide_header_menus_are_dropdowns_inside_the_screen(browser, live_server, width, who, lang):
    base = live_server.url
    page = _open_page(browser, base, who, lang, width=width, height=800)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= ONE_ROW, header
    expect(page.locator(".nav-toggle")).to_be_hidden()
    expect(page.locator("#site-search")).to_be_visible()
    if who != "visitor":
        expect(page.locator("a.bell")).to_be_visible()
        expect(page.locator(".bell-compact")).to_be_hidden()
    menus = page.locator(".site-header details.menu")
    assert menus.count() == MENUS[who]
    for index in range(MENUS[who]):
        menu = menus.nth(index)
        menu.locator("summary").click()
        expect(menu.locator("summary")).to_have_attribute("aria-expanded", "true")
        assert page.locator(".site-header details.menu[open]").count() == 1  # one at a time
        _assert_inside(page, menu.locator("ul > li"))
    page.keyboard.press("Escape")
    expect(page.locator(".site-header details.menu[open]")).to_have_count(0)
    menus.first.locator("summary").click()
    _follow(page, menus.first.locator("ul > li a").first)
    page.context.close()
