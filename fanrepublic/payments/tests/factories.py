import datetime

import factory
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments.models import (
    BillCheck,
    OfflineRefund,
    OfflineTrade,
    Payment,
    ProviderNotice,
    Refund,
)


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment row as the services leave it before the provider is asked (tests that
    need a real one call payments.services.payment_start)."""

    class Meta:
        model = Payment

    reference = factory.Sequence(lambda n: f"FRTEST{n:010d}")
    provider = "offline"
    member = factory.SubFactory(MemberFactory)
    amount_fen = 8800
    description = "Deposit for the Band 9 pre-order"
    ledger_account = "system:payments-held:CNY"
    ledger_account_kind = "escrow"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=15))


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory)
    reference = factory.Sequence(lambda n: f"RFTEST{n:010d}")
    amount_fen = 100
    reason = "Changed my mind"


class ProviderNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderNotice

    provider = "wechat"
    outcome = "forged"
    detail = "signature does not verify"


class OfflineTradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfflineTrade

    reference = factory.Sequence(lambda n: f"FRDEMO{n:010d}")
    trade_no = factory.Sequence(lambda n: f"DEMO{n:016d}")
    amount_fen = 8800


class OfflineRefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfflineRefund

    trade = factory.SubFactory(OfflineTradeFactory)
    reference = factory.Sequence(lambda n: f"RFDEMO{n:010d}")
    refund_no = factory.Sequence(lambda n: f"DEMOR{n:016d}")
    amount_fen = 100
    refunded_at = factory.LazyFunction(timezone.now)


class BillCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillCheck

    provider = "offline"
    bill_date = factory.LazyFunction(timezone.localdate)
