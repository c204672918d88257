"""Alipay end to end against the stand-in: the cashier address the platform signs, the
signed notifications it checks, and query, close, refund and bill through the SDK."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import services
from fanrepublic.payments.enums import NoticeOutcome, PaymentStatus, RefundStatus
from fanrepublic.payments.models import Payment, ProviderNotice
from fanrepublic.payments.reconcile import bill_check
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .keys import key_pair

pytestmark = pytest.mark.django_db
NOTIFY = reverse("payments:notify", args=["alipay"])


def start(amount=8800):
    return services.payment_start(
        member=MemberFactory(), provider_code="alipay", amount_fen=amount, description="Band 9 deposit"
    )


def provider_balance():
    return sum(
        Posting.objects.filter(account__code="system:provider-alipay:CNY").values_list(
            "amount_minor", flat=True
        )
    )


def test_the_cashier_address_is_signed_for_the_amount(alipay):
    payment = start(amount=12345)
    biz = alipay.open_cashier(payment.checkout_url)  # raises unless the app's signature verifies
    assert biz["out_trade_no"] == payment.reference
    assert biz["total_amount"] == "123.45"
    assert biz["product_code"] == "FAST_INSTANT_TRADE_PAY"


def test_the_notification_settles_once(alipay, client):
    payment = start()
    alipay.open_cashier(payment.checkout_url)
    notice = alipay.pay(payment.reference)
    answer = alipay.deliver(client, NOTIFY, notice)
    assert answer.content == b"success"
    assert alipay.deliver(client, NOTIFY, notice).content == b"success"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert provider_balance() == 8800
    assert [n.outcome for n in ProviderNotice.objects.order_by("id")] == ["accepted", "duplicate"]


@pytest.mark.parametrize(
    "kind",
    ["another-key", "another-app", "tampered", "no-signature", "old"],
)
def test_forged_and_replayed_notifications_change_nothing(alipay, client, kind):
    payment = start()
    alipay.open_cashier(payment.checkout_url)
    alipay.pay(payment.reference)
    fields = {
        "trade_status": "TRADE_SUCCESS",
        "out_trade_no": payment.reference,
        "trade_no": alipay.trades[payment.reference]["trade_no"],
        "total_amount": "88.00",
        "gmt_payment": "2026-12-01 10:00:00",
    }
    if kind == "another-key":
        notice = alipay.notice(fields, signer=key_pair("stranger"))
    elif kind == "another-app":
        notice = alipay.notice(fields, app_id="2021009999999999")
    elif kind == "old":
        notice = alipay.notice(fields, notify_time="2026-01-01 10:00:00")
    else:
        notice = alipay.notice(fields)
        notice["body"] = (
            notice["body"].replace(b"total_amount=88.00", b"total_amount=0.01")
            if kind == "tampered"
            else b"&".join(p for p in notice["body"].split(b"&") if not p.startswith(b"sign="))
        )
    answer = alipay.deliver(client, NOTIFY, notice)
    assert answer.content == b"failure"
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert provider_balance() == 0
    expected = {"old": NoticeOutcome.REPLAYED, "no-signature": NoticeOutcome.MALFORMED}.get(
        kind, NoticeOutcome.FORGED
    )
    assert ProviderNotice.objects.get().outcome == expected


def test_a_missed_notification_is_made_good_by_asking(alipay):
    payment = start()
    alipay.open_cashier(payment.checkout_url)
    alipay.pay(payment.reference)
    services.payments_check_due(now=timezone.now() + datetime.timedelta(minutes=2))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and provider_balance() == 8800


def test_a_cashier_never_opened_is_closed_when_it_expires(alipay):
    payment = start()
    services.payments_check_due(now=payment.expires_at + datetime.timedelta(seconds=5))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED


def test_refunds_complete_once_and_their_notification_changes_nothing_more(alipay, client):
    payment = start()
    alipay.open_cashier(payment.checkout_url)
    alipay.deliver(client, NOTIFY, alipay.pay(payment.reference))
    payment.refresh_from_db()
    refund = services.refund_request(payment=payment, amount_fen=8800, reason="Campaign failed", key="all")
    assert refund.status == RefundStatus.SUCCEEDED
    assert alipay.deliver(client, NOTIFY, alipay.refund_notice(refund.reference)).content == b"success"
    payment.refresh_from_db()
    assert payment.refunded_fen == 8800 and provider_balance() == 0
    assert ledger_problems() == []


def test_the_daily_bill_reconciles(alipay, client):
    payments = []
    for amount in (8800, 199):
        payment = start(amount=amount)
        alipay.open_cashier(payment.checkout_url)
        alipay.deliver(client, NOTIFY, alipay.pay(payment.reference))
        payment.refresh_from_db()
        payments.append(payment)
    services.refund_request(payment=payments[1], amount_fen=99, reason="Part", key="p")
    check = bill_check(provider_code="alipay", day=timezone.localdate())
    assert (check.error, check.lines, check.differences) == ("", 3, [])
    # A refund made in Alipay's own console, outside the platform: reported.
    alipay.refunds["CONSOLE-1"] = {
        "out_trade_no": payments[0].reference,
        "refund_amount": "1.00",
        "gmt_refund": alipay.refunds[next(iter(alipay.refunds))]["gmt_refund"],
    }
    check = bill_check(provider_code="alipay", day=timezone.localdate())
    assert [(d["kind"], d["reference"], d["problem"]) for d in check.differences] == [
        ("refund", "CONSOLE-1", "in the bill, unknown here")
    ]


def test_a_gateway_that_answers_garbage_is_unreachable_not_a_crash(alipay):
    payment = start()
    alipay.open_cashier(payment.checkout_url)
    alipay.fail_next(1, 502)
    assert services.payments_check_due(now=timezone.now() + datetime.timedelta(minutes=2))["unreachable"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
