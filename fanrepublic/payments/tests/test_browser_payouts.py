"""The payout journey in Chromium, in English and Chinese: an author with royalties in
their yuan wallet links an account (typing the password again when asked), asks for a
payout, and sees it paid out and the wallet lighter by exactly that."""

import os
import re

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import translation  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.payments.enums import PayoutState  # noqa: E402
from fanrepublic.payments.models import Payout  # noqa: E402
from fanrepublic.payments.selectors import wallet_balance_fen  # noqa: E402

from .factories import fund_wallet  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_an_author_links_an_account_and_is_paid_out(browser, live_server, lang, settings):
    settings.PAYOUT_NEW_PAYEE_HOLD_HOURS = 0  # the day's wait for a new account is tested in test_payouts
    author = verified_member(language=lang)
    fund_wallet(author, 345_67)
    page = new_page(browser, lang)
    sign_in(page, live_server.url, author, lang)
    page.goto(f"{live_server.url}/payments/payouts/")
    expect(page.get_by_test_id("wallet-balance")).to_contain_text("345.67")
    page.get_by_test_id("link-demo").click()
    # Where payouts go is asked for with the password again, then the link goes through.
    expect(page).to_have_url(re.compile(r".*/accounts/reauthenticate/"))
    page.fill("input[name=password]", "pass-word-123")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_test_id("remove-offline")).to_be_visible()
    page.fill("input[name=amount]", "300")
    page.get_by_test_id("request-payout").click()
    with translation.override(lang):
        done = str(PayoutState.DONE.label)
    for _attempt in range(10):  # sent by the task after the request's commit
        if page.get_by_test_id("payout-state").inner_text().strip() == done:
            break
        page.wait_for_timeout(300)
        page.reload()
    expect(page.get_by_test_id("payout-state")).to_have_text(done)
    expect(page.get_by_test_id("payout-amount")).to_contain_text("300.00")
    payout = Payout.objects.get(member=author)
    assert payout.state == PayoutState.DONE and payout.amount_fen == 300_00
    assert wallet_balance_fen(author) == 45_67
    page.goto(f"{live_server.url}/payments/payouts/")
    expect(page.get_by_test_id("wallet-balance")).to_contain_text("45.67")
    expect(page.get_by_test_id("my-payouts")).to_contain_text(payout.reference)
    page.context.close()
