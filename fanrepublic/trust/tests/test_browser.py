"""The article's journey in Chromium, in English and Chinese: a customer asks three
times in a WeCom group (encrypted callbacks over HTTP, as WeCom sends them) → the rule
opens a case on the store manager's console → the manager answers → the customer buys
at the till (the point of sale's API) → the case closes as bought."""

import json
import os
from datetime import timedelta

import pytest
import requests

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.members.services import api_token_create  # noqa: E402
from fanrepublic.members.tests.factories import operator, store_manager  # noqa: E402
from fanrepublic.products.tests.factories import ProductLineFactory  # noqa: E402
from fanrepublic.stores.tests.factories import StoreFactory, pos  # noqa: E402
from fanrepublic.trust import services, wecom  # noqa: E402
from fanrepublic.trust.models import ServiceCase  # noqa: E402

from .factories import ASKED_THREE_TIMES, WeComStaffFactory  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"send": "Send", "bought": "Bought", "reply": "Yes, we have it in stock — come by today!"},
    "zh-hans": {"send": "发送", "bought": "已购买", "reply": "亲，店里有现货，今天就可以来提！"},
}
QUESTIONS = ["这款 15 Pro 多少钱？", "店里有现货吗？", "我想买一台，怎么下单？"]
CUSTOMER = "wmCUSTOMER0000000000001"


def deliver(base: str, payload: str) -> None:
    body, query = wecom.seal_callback(payload=payload)
    response = requests.post(f"{base}/trust/wecom/callback/", params=query, data=body, timeout=10)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_three_questions_open_a_case_the_manager_answers_and_a_purchase_closes_it(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    ProductLineFactory(slug="orange-15-pro")
    manager = verified_member(factory=store_manager, language=lang)
    store = StoreFactory(manager=manager)
    WeComStaffFactory(member=manager, userid="manager.1")
    op = operator()
    rule = services.rule_save(actor=op, data=ASKED_THREE_TIMES)
    services.rule_switch(actor=op, rule=rule, on=True)
    services.group_sync(
        snapshot={"chat_id": "wrJOURNEY", "name": "15 Pro 用户群", "owner": "manager.1", "member_list": []},
        at=timezone.now(),
    )

    # The customer asks three times in the group, over a few minutes.
    for n, text in enumerate(QUESTIONS):
        at = timezone.now() - timedelta(minutes=len(QUESTIONS) - n)
        deliver(
            base,
            wecom.archive_message_json(msgid=f"q{n}", chat_id="wrJOURNEY", sender=CUSTOMER, text=text, at=at),
        )
    case = ServiceCase.objects.get()
    assert case.assignee == manager and case.store == store

    page = new_page(browser, lang)
    sign_in(page, base, manager, lang)
    page.goto(f"{base}/trust/console/")
    row = page.locator("[data-testid=case-row]")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.locator("[data-testid=response-timer]")).to_be_visible()
    page.fill("textarea[name=text]", t["reply"])
    page.get_by_role("button", name=t["send"], exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=entries]")).to_contain_text(t["reply"])
    expect(page.locator("[data-testid=response-timer]")).to_have_count(0)

    # The customer comes in and buys: the point of sale reports it through the API.
    _token, secret = api_token_create(owner=op, name="till", scopes=["events:ingest"], integration=pos())
    order = {
        "order_id": "TILL-1",
        "occurred_at": timezone.now().isoformat(),
        "store": store.slug,
        "currency": "CNY",
        "customer": {"wecom_external_userid": CUSTOMER},
        "lines": [{"sku": "O15P", "product": "orange-15-pro", "quantity": 1, "unit_price": "5999.00"}],
    }
    response = requests.post(
        f"{base}/api/v1/stores/orders",
        data=json.dumps({"orders": [order]}),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.json()["created"] == 1, response.text
    page.reload()
    expect(page.locator("[data-testid=case-status]")).to_have_text(t["bought"])
    page.context.close()
