"""The core user journey in a real browser (Debian's Chromium driven by Playwright), in
English and in Chinese: sign up and confirm the email, post a suggestion, another fan
votes, an engineer replies and changes the status, and the author sees the notification."""

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls
# happen in its own thread, but fixtures here touch the ORM too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.forum.models import Topic  # noqa: E402
from fanrepublic.forum.tests.factories import BoardFactory  # noqa: E402
from fanrepublic.members.tests.factories import engineer  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "locale": "en-US",
        "join": "Join",
        "new_topic": "New topic",
        "post_topic": "Post topic",
        "vote": "+1 Vote",
        "post_reply": "Post reply",
        "update_status": "Update status",
        "planned": "Planned",
        "replied": "replied to",
        "status_now": "is now Planned",
        "sign_in_button": "Sign In",
    },
    "zh-hans": {
        "locale": "zh-CN",
        "join": "注册",
        "new_topic": "发布新主题",
        "post_topic": "发布",
        "vote": "+1 投票",
        "post_reply": "发表回复",
        "update_status": "更新状态",
        "planned": "已计划",
        "replied": "回复了",
        "status_now": "已计划",
        "sign_in_button": "登录",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_suggestion_journey(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    board = BoardFactory(name="Orange Phone", name_zh="橙子手机")
    voter = verified_member(language=lang)
    eng = verified_member(engineer, language=lang)

    # A newcomer joins from the header and confirms the email address.
    fan = new_page(browser, lang)
    fan.goto(base + "/")
    fan.get_by_role("link", name=t["join"], exact=True).click()
    fan.fill("input[name=email]", f"newfan-{lang}@example.com")
    fan.fill("input[name=username]", f"newfan_{lang.replace('-', '_')}")
    fan.fill("input[name=password1]", "a-long-Passw0rd!")
    fan.fill("input[name=password2]", "a-long-Passw0rd!")
    fan.locator("form button[type=submit]").last.click()
    fan.wait_for_load_state("networkidle")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    fan.goto(link)
    fan.locator("form button[type=submit]").last.click()
    fan.wait_for_load_state("networkidle")

    # The new member posts a suggestion on the phone board.
    fan.goto(f"{base}{board.get_absolute_url()}")
    fan.get_by_role("link", name=t["new_topic"]).click()
    fan.check("input[name=kind][value=suggestion]")
    fan.fill("input[name=title]", "Game do-not-disturb mode 游戏免打扰")
    fan.fill("textarea[name=body]", "Please **silence calls** while I play.")
    fan.get_by_role("button", name=t["post_topic"], exact=True).click()
    fan.wait_for_load_state("networkidle")
    assert fan.locator("h1").inner_text() == "Game do-not-disturb mode 游戏免打扰"
    assert fan.locator("[data-testid=vote-count]").inner_text() == "1"
    topic = Topic.objects.get()
    assert topic.author.language == lang

    # Another fan votes; htmx updates the count in place.
    other = new_page(browser, lang)
    sign_in(other, base, voter, lang)
    other.goto(f"{base}{topic.get_absolute_url()}")
    other.get_by_role("button", name=t["vote"]).click()
    expect(other.locator("[data-testid=vote-count]")).to_have_text("2")

    # An engineer answers and plans it.
    staff = new_page(browser, lang)
    sign_in(staff, base, eng, lang)
    staff.goto(f"{base}{topic.get_absolute_url()}")
    staff.fill("textarea[name=body]", "Thanks! We will look at this for the next release.")
    staff.get_by_role("button", name=t["post_reply"]).click()
    staff.wait_for_load_state("networkidle")
    assert staff.locator("article.post.staff .badge-engineer").count() >= 1
    staff.select_option("select[name=status]", "planned")
    staff.fill("textarea[name=note]", "Planned for Orange Friday.")
    staff.get_by_role("button", name=t["update_status"]).click()
    staff.wait_for_load_state("networkidle")
    assert staff.locator("[data-testid=topic-status]").inner_text() == t["planned"]

    # The author sees two unread notifications and what they say.
    fan.goto(base + "/")
    assert fan.locator("[data-testid=unread-count]").inner_text() == "2"
    fan.locator("a.bell").click()
    items = fan.locator("[data-testid=notification-list]").inner_text()
    assert t["replied"] in items and t["status_now"] in items
    fan.screenshot(path=f"/tmp/fanrepublic-journey-{lang}.png", full_page=True)


def test_phone_width_layout_has_no_horizontal_scroll(browser, live_server):
    BoardFactory()
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    context.close()
