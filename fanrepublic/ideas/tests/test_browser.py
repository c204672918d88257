"""An idea's journey in Chromium, in English and Chinese, on a phone and a desk: a member
proposes it, another supports it to the threshold, the schedule takes it into a review
round, an engineer reviews it, an operator adopts it with reasons and offers the adoption
agreement, the author accepts it, a month of the product's sales arrives through the
shops' import, and the author reads the month's royalty statement."""

import os
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.ideas import services  # noqa: E402
from fanrepublic.ideas.models import Adoption, Proposal  # noqa: E402
from fanrepublic.insights.tests.factories import shop  # noqa: E402
from fanrepublic.members.tests.factories import engineer, operator  # noqa: E402
from fanrepublic.products.tests.factories import ProductLineFactory  # noqa: E402
from fanrepublic.stores.purchases import orders_import  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "propose": "Propose an idea",
        "publish": "Publish my idea",
        "support": "Support this idea",
        "supported": "You support this idea.",
        "review": "Record my review",
        "decide": "Publish the decision",
        "adopted": "Adopted",
        "waiting": "It reached the threshold and waits for the next review round.",
        "offer": "Offer it to the author",
        "accept": "Accept the agreement",
        "royalties": "Royalty statements",
    },
    "zh-hans": {
        "propose": "提出创意",
        "publish": "发布我的创意",
        "support": "支持这个创意",
        "supported": "你已支持这个创意。",
        "review": "提交我的评审",
        "decide": "发布决定",
        "adopted": "已采纳",
        "waiting": "已达到门槛，等待下一轮评审。",
        "offer": "发给作者",
        "accept": "接受协议",
        "royalties": "分成对账单",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@override_settings(IDEAS_SUPPORT_THRESHOLD=1)
def test_propose_support_review_adopt_and_read_the_royalty_statement(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    ProductLineFactory(name="Orange Home", name_zh="橙子家居")
    author = verified_member(language=lang)
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, author, lang)
    page.goto(f"{base}/ideas/")
    page.get_by_role("link", name=t["propose"]).first.click()
    page.fill("input[name=title]", "多功能宿舍锅" if lang == "zh-hans" else "Multi-purpose dorm cooker")
    page.fill(
        "textarea[name=pitch]",
        "宿舍里只能用低功率电器，一口 600W 的小锅，煮面蒸蛋涮火锅都行。"
        if lang == "zh-hans"
        else "A 600 W pot for the dorm that boils noodles and never trips the breaker.",
    )
    page.fill("input[name=target_price]", "199")
    page.get_by_role("button", name=t["publish"]).click()
    expect(page.locator("[data-testid=supporters]")).to_be_visible()
    proposal = Proposal.objects.get()
    services.agreement_publish(
        actor=operator(),
        body="The author grants the brand the right to make the product; royalties monthly.",
        body_zh="作者授权品牌生产该产品；品牌按月支付分成。",
        rate="0.01",
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()

    fan = verified_member(language=lang)
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, fan, lang)
    page.goto(f"{base}{proposal.get_absolute_url()}")
    page.get_by_role("button", name=t["support"]).click()
    proposal.refresh_from_db()
    assert proposal.status == "in_review" and proposal.support_count == 1
    expect(page.get_by_text(t["waiting"])).to_be_visible()
    page.context.close()

    # The schedule's hourly task at the next cutoff.
    Proposal.objects.filter(pk=proposal.pk).update(qualified_at=timezone.now() - timedelta(days=400))
    services.rounds_open_due()

    reviewer = verified_member(engineer, language=lang)
    page = new_page(browser, lang)
    sign_in(page, base, reviewer, lang)
    page.goto(f"{base}/ideas/reviews/")
    page.locator("[data-testid=queue] a").first.click()
    page.select_option("select[name=recommendation]", "adopt")
    page.fill(
        "textarea[name=reasons]",
        "可行，零件我们都有。" if lang == "zh-hans" else "Feasible with parts we make.",
    )
    page.get_by_role("button", name=t["review"]).click()
    expect(page.locator("[data-testid=review]")).to_have_count(1)
    page.context.close()

    boss = verified_member(operator, language=lang)
    page = new_page(browser, lang)
    sign_in(page, base, boss, lang)
    page.goto(f"{base}{proposal.get_absolute_url()}")
    page.select_option("select[name=decision]", "adopt")
    page.fill(
        "form[action$='/decide/'] textarea[name=reasons]",
        "宿舍需求明确。" if lang == "zh-hans" else "Wanted and feasible.",
    )
    page.get_by_role("button", name=t["decide"]).click()
    expect(page.locator("[data-testid=status]")).to_have_text(t["adopted"])
    expect(page.locator("[data-testid=decision]")).to_be_visible()
    # The operator offers the agreement: the product it became and its SKU.
    page.fill("input[name=product_name]", "宿舍锅" if lang == "zh-hans" else "Dorm cooker")
    page.fill("textarea[name=skus]", "COOKER-1")
    page.get_by_role("button", name=t["offer"]).click()
    page.context.close()
    assert Proposal.objects.get().status == "adopted"

    # The author reads and accepts it; a month of the cooker's sales comes through the
    # shops' import, the month's statement is issued, and the author reads it.
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, author, lang)
    page.goto(f"{base}{proposal.get_absolute_url()}")
    page.check("input[name=agree]")
    page.get_by_role("button", name=t["accept"]).click()
    adoption = Adoption.objects.get()
    assert adoption.accepted_at is not None
    accepted = adoption.accepted_at
    Adoption.objects.filter(pk=adoption.pk).update(accepted_at=accepted - timedelta(days=62))
    sold_at = accepted - timedelta(days=45)
    orders_import(
        integration=shop(),
        items=[
            {
                "order_id": "COOK-1",
                "occurred_at": sold_at.isoformat(),
                "currency": "CNY",
                "channel": "online",
                "lines": [{"sku": "COOKER-1", "quantity": 3, "unit_price": "199.00"}],
            }
        ],
    )
    services.statements_issue_due()
    page.get_by_role("link", name=t["royalties"]).click()
    expect(page.locator("[data-testid=statement]").first).to_be_visible()
    expect(page.locator("[data-testid=royalties-total]")).to_have_text("¥5.97")  # 1 % of ¥597.00
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
