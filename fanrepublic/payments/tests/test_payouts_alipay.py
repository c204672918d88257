"""Payouts to Alipay (alipay.fund.trans.uni.transfer, asked about with
alipay.fund.trans.common.query) against the stand-in, in Alipay's certificate mode: the
SDK signs our calls and names our certificates (the stand-in checks them), the stand-in
signs its answers (the platform checks them)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory, confirm_password
from fanrepublic.notifications.models import Notification
from fanrepublic.payments import payout_transfers, payouts, selectors
from fanrepublic.payments.enums import PayoutState
from fanrepublic.payments.models import PayeeAccount, Payout
from fanrepublic.payments.providers import registry
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .factories import PayeeAccountFactory, fund_wallet

pytestmark = pytest.mark.django_db
LOGIN = "13800138000"


def paid_out() -> int:
    return sum(
        Posting.objects.filter(account__code="system:provider-alipay-payouts:CNY").values_list(
            "amount_minor", flat=True
        )
    )


@pytest.fixture
def creator(alipay):
    alipay.accounts[LOGIN] = "张三"
    member = MemberFactory()
    fund_wallet(member, 1_000_00)
    PayeeAccountFactory(member=member, provider="alipay", identifier=LOGIN, real_name="张三")
    return member


def request(member, amount, run, key="k"):
    with run(execute=True):
        payout = payouts.payout_request(member=member, provider="alipay", amount=amount, key=key)
    payout.refresh_from_db()
    return payout


def later(minutes=2):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_payout_to_an_alipay_login_is_paid_out_once_and_proves_the_account(
    alipay, creator, django_capture_on_commit_callbacks
):
    payout = request(creator, 123_45, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.DONE and payout.provider_no
    order = alipay.transfers[payout.reference]
    assert order["fields"] == (LOGIN, "张三", 123_45)
    assert alipay.refused_signatures == 0
    assert any("app_cert_sn" in target for target in alipay.requests)  # certificate mode
    assert paid_out() == 123_45 and selectors.wallet_balance_fen(creator) == 876_55
    assert PayeeAccount.objects.get(member=creator).verified_at is not None
    assert ledger_problems() == []


def test_dealing_then_success_found_by_asking(alipay, creator, django_capture_on_commit_callbacks):
    alipay.transfer_answer = "DEALING"
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and payout.provider_state == "DEALING"
    payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.state == PayoutState.SENT  # still dealing
    alipay.transfer_finish(payout.reference, "SUCCESS")
    payout_transfers.payouts_check_due(now=later(10))
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and paid_out() == 100_00
    assert ledger_problems() == []


@pytest.mark.parametrize(
    "accounts,code,says",
    [
        ({LOGIN: "李四"}, "PAYEE_USER_INFO_ERROR", "real name does not match"),
        ({}, "PAYEE_NOT_EXIST", "cannot receive this transfer"),
    ],
)
def test_a_refusal_about_the_payee_is_final_and_returns_the_money(
    alipay, creator, django_capture_on_commit_callbacks, accounts, code, says
):
    alipay.accounts = dict(accounts)
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.FAILED and payout.failure_code == code
    assert says in payout.failure_text
    assert selectors.wallet_balance_fen(creator) == 1_000_00 and paid_out() == 0
    assert Notification.objects.get(recipient=creator, kind="payments_payout").params["reason"] == code
    assert ledger_problems() == []


def test_a_transfer_that_fails_later_returns_the_money(alipay, creator, django_capture_on_commit_callbacks):
    alipay.transfer_answer = "DEALING"
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    alipay.transfer_finish(payout.reference, "FAIL", "PAYEE_ACCOUNT_STATUS_ERROR")
    payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.state == PayoutState.FAILED and payout.failure_code == "PAYEE_ACCOUNT_STATUS_ERROR"
    assert selectors.wallet_balance_fen(creator) == 1_000_00
    assert ledger_problems() == []


def test_unreachable_then_sent_again_under_the_same_number(
    alipay, creator, django_capture_on_commit_callbacks
):
    alipay.fail_next(1, 502)
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and payout.problem and alipay.transfers == {}
    payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and list(alipay.transfers) == [payout.reference]
    assert ledger_problems() == []


def test_an_answer_with_a_bad_signature_is_not_believed(alipay, creator, django_capture_on_commit_callbacks):
    alipay.sign_badly_next(1)
    payout = request(creator, 100_00, django_capture_on_commit_callbacks)
    assert payout.state == PayoutState.SENT and "signature" in payout.problem
    payout_transfers.payouts_check_due(now=later())
    payout.refresh_from_db()
    assert payout.state == PayoutState.DONE and payout.attempts == 1 and len(alipay.transfers) == 1
    assert ledger_problems() == []


def test_without_the_certificates_alipay_payouts_are_not_offered(alipay, settings):
    assert "alipay" in registry.payout_codes()
    settings.PAYOUT_ALIPAY_ROOT_CERT = ""
    assert "alipay" not in registry.payout_codes()


def test_linking_an_alipay_account_from_the_page(alipay, client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    client.force_login(member)
    confirm_password(client, member)  # the page asks for it again before linking
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("payments:payee_alipay"), {"login": "Zhang@Example.com", "real_name": "张三"}
        )
    assert answer.status_code == 302
    payee = PayeeAccount.objects.get(member=member)
    assert payee.identifier == "zhang@example.com" and payee.verified_at is None
    notice = Notification.objects.get(recipient=member)
    assert notice.params["account"] == "z***@example.com"
    page = client.get(reverse("payments:payouts")).content.decode()
    assert "z***@example.com" in page and "zhang@example.com" not in page
    # A changed account is a new one, with a new wait; the old one is kept, removed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:payee_alipay"), {"login": LOGIN, "real_name": "张三"})
    assert PayeeAccount.objects.filter(member=member).count() == 2
    assert PayeeAccount.objects.filter(member=member, removed_at__isnull=True).get().identifier == LOGIN
    assert Notification.objects.filter(recipient=member).count() == 2
    refused = client.post(
        reverse("payments:payee_alipay"), {"login": "not a login", "real_name": "张\u200b三"}
    )
    assert refused.status_code == 422
    assert PayeeAccount.objects.filter(member=member).count() == 2
    assert Payout.objects.count() == 0
