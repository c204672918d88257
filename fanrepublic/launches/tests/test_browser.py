"""Two members vote live in Chromium while the host runs the question, in English and
Chinese: each sees the other's answer move the count without reloading.

The hall needs WebSockets, so this test serves the project's ASGI application (the same
`config.asgi` routing) with uvicorn in a thread instead of Django's WSGI live server."""

import os
import re
import socket
import threading
import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.launches.tests.factories import LaunchEventFactory, LiveQuestionFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "join": "Join the hall",
        "open": "Open",
        "close": "Close",
        "prompt": "Should the Orange Phone 3 come in titanium?",
        "yes": "Yes",
        "no": "No",
        "two": "2 answers",
        "closed": "Closed",
        "live": "Live · updated",
    },
    "zh-hans": {
        "join": "进入会场",
        "open": "开放",
        "close": "关闭",
        "prompt": "橙子手机 3 要出钛金属版吗？",
        "yes": "要",
        "no": "不要",
        "two": "2 个回答",
        "closed": "已关闭",
        "live": "直播中 · 更新于",
    },
}


@pytest.fixture
def asgi_live_server(transactional_db):
    """The project's ASGI application (HTTP with static files, and the hall's socket)
    served by uvicorn on a free port, for as long as the test runs."""
    import uvicorn
    from django.core.asgi import get_asgi_application

    from config.asgi import websocket_app

    app = ProtocolTypeRouter(
        {"http": ASGIStaticFilesHandler(get_asgi_application()), "websocket": websocket_app}
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def answer_count(page, label):
    # The option whose label is exactly `label` (要 is also the end of 不要).
    exact = page.locator(".label", has_text=re.compile(rf"^{re.escape(label)}(\s|$)"))
    return page.locator(".live-results li").filter(has=exact).get_by_test_id("option-count")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_two_members_vote_live_and_see_the_result_move(browser, asgi_live_server, lang):
    words = WORDS[lang]
    base = asgi_live_server
    host = verified_member(language=lang)
    event = LaunchEventFactory(host=host, created_by=host)
    LiveQuestionFactory(event=event)
    members = [verified_member(language=lang, display_name=name) for name in ("Ada Orange", "Bo Lime")]

    pages = []
    for member in members:
        page = new_page(browser, lang)
        sign_in(page, base, member, lang)
        page.goto(f"{base}{event.get_absolute_url()}")
        page.get_by_role("button", name=words["join"]).click()
        expect(page.get_by_test_id("live-clock")).to_contain_text(words["live"])
        pages.append(page)
    ada, bo = pages
    # Bo joined second: Ada's hall shows Bo's avatar arriving without a reload.
    expect(ada.get_by_test_id("hall-grid")).to_contain_text("Bo Lime")

    console = new_page(browser, lang)
    sign_in(console, base, host, lang)
    console.goto(f"{base}/launches/{event.slug}/host/")
    console.get_by_role("button", name=words["open"], exact=True).click()

    # The question reaches both halls without a reload.
    for page in pages:
        expect(page.get_by_test_id("question-prompt")).to_have_text(words["prompt"])
        # Screen readers hear the new question once (the counts are not announced).
        expect(page.locator("#hall-announce")).to_contain_text(words["prompt"])
    ada.get_by_role("button", name=words["yes"], exact=True).click()
    expect(answer_count(ada, words["yes"])).to_have_text("1")
    expect(answer_count(bo, words["yes"])).to_have_text("1")  # moved on Bo's screen by the hall
    bo.get_by_role("button", name=words["no"], exact=True).click()
    expect(answer_count(ada, words["no"])).to_have_text("1")  # and Bo's answer on Ada's
    expect(ada.get_by_test_id("question-total")).to_have_text(words["two"])
    # Each has answered: no buttons left to press twice.
    for page in pages:
        expect(page.get_by_test_id("answer")).to_have_count(0)

    console.goto(f"{base}/launches/{event.slug}/host/")
    console.get_by_role("button", name=words["close"], exact=True).click()
    for page in pages:
        expect(page.get_by_test_id("question-status")).to_have_text(words["closed"])
        expect(answer_count(page, words["yes"])).to_have_text("1")
