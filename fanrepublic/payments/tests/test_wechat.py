"""WeChat Pay v3 end to end against the stand-in: the SDK signs our calls (the stand-in
checks them), the stand-in signs its answers and notifications (the platform checks
them), and every way a payment's money arrives, or does not, lands in the ledger once."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import reconcile, services
from fanrepublic.payments.enums import NoticeOutcome, PaymentStatus, RefundStatus
from fanrepublic.payments.models import Payment, ProviderNotice
from fanrepublic.payments.reconcile import bill_check
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .keys import key_pair

pytestmark = pytest.mark.django_db
NOTIFY = reverse("payments:notify", args=["wechat"])


def start(member=None, amount=8800):
    return services.payment_start(
        member=member or MemberFactory(),
        provider_code="wechat",
        amount_fen=amount,
        description="Band 9 deposit",
    )


def provider_balance():
    return sum(
        Posting.objects.filter(account__code="system:provider-wechat:CNY").values_list(
            "amount_minor", flat=True
        )
    )


def test_a_payment_opens_a_native_trade_and_shows_its_qr_code(wechat, client):
    member = MemberFactory()
    payment = start(member)
    assert payment.checkout_url.startswith("weixin://wxpay/bizpayurl?pr=")
    trade = wechat.trades[payment.reference]
    assert trade["amount"] == {"total": 8800, "currency": "CNY"}
    assert trade["notify_url"].endswith(NOTIFY)
    assert wechat.refused_signatures == 0  # the SDK signed the order with the merchant key
    client.force_login(member)
    page = client.get(payment.get_absolute_url())
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "¥88.00" in page.content.decode()


def test_the_notification_settles_the_payment_once_and_posts_to_the_ledger(wechat, client):
    payment = start()
    notice = wechat.pay(payment.reference)
    answer = wechat.deliver(client, NOTIFY, notice)
    assert answer.status_code == 204
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_trade_no == wechat.trades[payment.reference]["transaction_id"]
    assert provider_balance() == 8800
    # WeChat Pay sends it again (our answer was lost): success, and nothing twice.
    again = wechat.deliver(client, NOTIFY, notice)
    assert again.status_code == 204
    assert provider_balance() == 8800
    assert list(ProviderNotice.objects.order_by("id").values_list("outcome", flat=True)) == [
        NoticeOutcome.ACCEPTED,
        NoticeOutcome.DUPLICATE,
    ]
    assert ledger_problems() == []


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param({"signer": "stranger"}, id="signed-by-another-key"),
        pytest.param({"serial": "PUB_KEY_ID_SOMEONE_ELSE"}, id="unknown-key-id"),
        pytest.param({"key": "AnotherMerchantsApiV3Key_32bytes"}, id="encrypted-under-another-key"),
    ],
)
def test_a_forged_notification_is_refused_logged_and_changes_nothing(wechat, client, forgery):
    payment = start()
    wechat.pay(payment.reference)  # really paid at WeChat, but this notification is not WeChat's
    kwargs = dict(forgery)
    if kwargs.get("signer"):
        kwargs["signer"] = key_pair("stranger")
    forged = wechat.notice(
        "TRANSACTION.SUCCESS", wechat._transaction(payment.reference), original="transaction", **kwargs
    )
    answer = wechat.deliver(client, NOTIFY, forged)
    assert answer.status_code == 400
    assert answer.json()["code"] == "FAIL"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert provider_balance() == 0
    assert ProviderNotice.objects.get().outcome == NoticeOutcome.FORGED


def test_a_tampered_body_fails_the_signature(wechat, client):
    payment = start()
    notice = wechat.pay(payment.reference)
    notice["body"] = notice["body"].replace(b"TRANSACTION.SUCCESS", b"TRANSACTION.SUCCESS ")
    assert wechat.deliver(client, NOTIFY, notice).status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_an_old_notification_sent_again_is_a_replay(wechat, client):
    payment = start()
    wechat.pay(payment.reference)
    stale = wechat.notice(
        "TRANSACTION.SUCCESS",
        wechat._transaction(payment.reference),
        original="transaction",
        timestamp=int(time.time()) - 3600,
    )
    answer = wechat.deliver(client, NOTIFY, stale)
    assert answer.status_code == 400
    assert ProviderNotice.objects.get().outcome == NoticeOutcome.REPLAYED
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_notification_for_another_amount_is_not_settled(wechat, client):
    payment = start(amount=8800)
    notice = wechat.pay(payment.reference, amount=1)
    assert wechat.deliver(client, NOTIFY, notice).status_code == 204  # recorded: WeChat may stop
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and "1 fen" in payment.problem
    assert ProviderNotice.objects.get().outcome == NoticeOutcome.MISMATCH
    assert provider_balance() == 0


def test_a_notification_for_no_payment_of_ours_is_recorded_as_unknown(wechat, client):
    payment = start()
    notice = wechat.pay(payment.reference)
    Payment.objects.filter(pk=payment.pk).update(reference="FRSOMETHINGELSE")
    assert wechat.deliver(client, NOTIFY, notice).status_code == 204
    assert ProviderNotice.objects.get().outcome == NoticeOutcome.UNKNOWN


@pytest.mark.parametrize("body", [b"", b"not json", b'{"id": 1}', "标".encode("gbk")])
def test_garbage_is_refused(wechat, client, body):
    notice = {"headers": wechat._signed_headers(body.decode("latin-1")), "body": body}
    assert wechat.deliver(client, NOTIFY, notice).status_code == 400
    assert ProviderNotice.objects.get().outcome in (NoticeOutcome.MALFORMED, NoticeOutcome.FORGED)


def test_a_payment_whose_notification_never_comes_is_asked_about_and_settled(wechat):
    payment = start()
    wechat.pay(payment.reference)  # the notification is lost
    assert services.payments_check_due()["payments"] == 0  # too early: WeChat is usually quicker
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert services.payments_check_due(now=later) == {"payments": 1, "refunds": 0, "unreachable": 0}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert provider_balance() == 8800


def test_an_unpaid_payment_past_its_time_is_closed_at_the_provider(wechat):
    payment = start()
    after = payment.expires_at + datetime.timedelta(seconds=1)
    services.payments_check_due(now=after)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED
    assert wechat.trades[payment.reference]["trade_state"] == "CLOSED"
    assert provider_balance() == 0


def test_money_arriving_after_the_payment_was_closed_is_kept(wechat, client):
    payment = start()
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.CLOSED)
    wechat.deliver(client, NOTIFY, wechat.pay(payment.reference))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.problem == "paid after it was closed"
    assert provider_balance() == 8800


def test_a_provider_that_cannot_be_reached_charges_nothing(wechat):
    wechat.fail_next(1, 503)
    with pytest.raises(services.ProviderUnavailable):
        start()
    assert Payment.objects.get().status == PaymentStatus.FAILED


def paid(wechat, client, amount=8800):
    payment = start(amount=amount)
    wechat.deliver(client, NOTIFY, wechat.pay(payment.reference))
    payment.refresh_from_db()
    return payment


def test_a_refund_is_made_once_per_key_and_posted_back(wechat, client):
    payment = paid(wechat, client)
    refund = services.refund_request(payment=payment, amount_fen=3000, reason="Campaign failed", key="k1")
    assert refund.status == RefundStatus.SUCCEEDED
    again = services.refund_request(payment=payment, amount_fen=3000, reason="Campaign failed", key="k1")
    assert again.pk == refund.pk
    assert len(wechat.refunds) == 1
    payment.refresh_from_db()
    assert payment.refunded_fen == 3000
    assert provider_balance() == 5800
    with pytest.raises(services.ValidationFailed):
        services.refund_request(payment=payment, amount_fen=5801, reason="Too much", key="k2")
    assert ledger_problems() == []


def test_a_refund_in_progress_completes_by_notification_or_by_asking(wechat, client):
    payment = paid(wechat, client)
    wechat.refund_answer = "PROCESSING"
    first = services.refund_request(payment=payment, amount_fen=1000, reason="Part", key="a")
    second = services.refund_request(payment=payment, amount_fen=1000, reason="Part", key="b")
    assert first.status == second.status == RefundStatus.PROCESSING
    assert wechat.deliver(client, NOTIFY, wechat.refund_finish(first.reference)).status_code == 204
    first.refresh_from_db()
    assert first.status == RefundStatus.SUCCEEDED
    wechat.refund_finish(second.reference)  # its notification is lost
    services.payments_check_due(now=timezone.now() + datetime.timedelta(minutes=2))
    second.refresh_from_db()
    assert second.status == RefundStatus.SUCCEEDED
    payment.refresh_from_db()
    assert payment.refunded_fen == 2000 and provider_balance() == 6800


def test_a_refund_the_provider_cannot_take_yet_is_sent_again_later(wechat, client):
    payment = paid(wechat, client)
    wechat.fail_next(1, 500)
    refund = services.refund_request(payment=payment, amount_fen=8800, reason="Failed campaign", key="r")
    assert refund.status == RefundStatus.REQUESTED and refund.problem
    services.payments_check_due(now=timezone.now() + datetime.timedelta(minutes=2))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    assert len(wechat.refunds) == 1
    assert provider_balance() == 0


@pytest.mark.parametrize("chunk", [2000, 1])
def test_the_daily_bill_matches_the_ledger_and_differences_are_reported(wechat, client, chunk, monkeypatch):
    # chunk=1: a bill larger than the lookups' chunk is read in several queries, same result.
    monkeypatch.setattr(reconcile, "CHUNK", chunk)
    first = paid(wechat, client, amount=8800)
    paid(wechat, client, amount=12345)
    services.refund_request(payment=first, amount_fen=800, reason="Part", key="x")
    today = timezone.localdate()
    check = bill_check(provider_code="wechat", day=today)
    assert check.error == "" and check.lines == 3 and check.differences == []
    # Paid at WeChat, but its notification and our check never came: the bill says so.
    lost = start(amount=500)
    wechat.pay(lost.reference)
    check = bill_check(provider_code="wechat", day=today)
    assert [(d["reference"], d["problem"]) for d in check.differences] == [
        (lost.reference, "in the bill, not recorded as paid here")
    ]
