"""Concurrency proofs on PostgreSQL with real concurrent connections: a payment's
notification delivered many times while the periodic check asks about it settles once;
refunds racing never refund more than was paid; one key is one refund however often it
is sent at once."""

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from fanrepublic.core.errors import ValidationFailed
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import services
from fanrepublic.payments.enums import NoticeOutcome, PaymentStatus, RefundStatus
from fanrepublic.payments.models import Payment, ProviderNotice, Refund
from fanrepublic.payments.providers import registry
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def provider_postings():
    return Posting.objects.filter(account__code="system:provider-wechat:CNY")


def test_notifications_and_checks_racing_settle_the_payment_once(wechat):
    payment = services.payment_start(
        member=MemberFactory(), provider_code="wechat", amount_fen=8800, description="Deposit"
    )
    notice = wechat.pay(payment.reference)
    read = registry.provider("wechat").read_notice(headers=notice["headers"], body=notice["body"], params={})
    later = timezone.now() + datetime.timedelta(minutes=2)

    def work(i):
        if i % 2:
            return services.notice_apply(provider_code="wechat", notice=read)
        return services.payment_check(payment=Payment.objects.get(pk=payment.pk), now=later).status

    results, errors = run_at_once(work, 12)
    assert errors == []
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert provider_postings().count() == 1
    outcomes = sorted(ProviderNotice.objects.values_list("outcome", flat=True))
    assert outcomes == [NoticeOutcome.ACCEPTED] + [NoticeOutcome.DUPLICATE] * 5
    assert ledger_problems() == []


def test_refunds_racing_never_refund_more_than_was_paid(wechat):
    member = MemberFactory()
    payment = services.payment_start(member=member, provider_code="wechat", amount_fen=8800, description="D")
    services.notice_apply(
        provider_code="wechat",
        notice=registry.provider("wechat").read_notice(
            **{k: v for k, v in wechat.pay(payment.reference).items()}, params={}
        ),
    )
    payment.refresh_from_db()

    def work(i):
        try:
            return services.refund_request(
                payment=payment, amount_fen=2000, reason="Part", key=f"k{i}"
            ).status
        except ValidationFailed:
            return "refused"

    results, errors = run_at_once(work, 8)
    assert errors == []
    assert sorted(results) == ["refused"] * 4 + [RefundStatus.SUCCEEDED] * 4
    payment.refresh_from_db()
    assert payment.refunded_fen == 8000
    assert provider_postings().aggregate(total=Sum("amount_minor"))["total"] == 800
    assert len(wechat.refunds) == 4
    assert ledger_problems() == []


def test_one_key_sent_at_once_is_one_refund(wechat):
    payment = services.payment_start(
        member=MemberFactory(), provider_code="wechat", amount_fen=500, description="D"
    )
    services.notice_apply(
        provider_code="wechat",
        notice=registry.provider("wechat").read_notice(**wechat.pay(payment.reference), params={}),
    )
    payment.refresh_from_db()
    results, errors = run_at_once(
        lambda i: services.refund_request(payment=payment, amount_fen=500, reason="All", key="same").pk, 8
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Refund.objects.count() == 1 and len(wechat.refunds) == 1
    assert Payment.objects.get(pk=payment.pk).refunded_fen == 500
