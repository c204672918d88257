import datetime
import uuid

import factory
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments.models import (
    BillCheck,
    OfflineRefund,
    OfflineTrade,
    PayeeAccount,
    Payment,
    Payout,
    PayoutPolicy,
    ProviderNotice,
    Refund,
)
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.services import AccountRef, ledger_post, wallet_ref


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


class PayeeAccountFactory(factory.django.DjangoModelFactory):
    """A linked payout account. Linked two days ago by default, so the new-account wait
    is over (`payee(...)` below takes `hours_ago`)."""

    class Meta:
        model = PayeeAccount
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    provider = "alipay"
    identifier = factory.Sequence(lambda n: f"138{n:08d}")
    real_name = "张三"

    @factory.post_generation
    def hours_ago(obj, create, extracted, **kwargs):
        hours = 48 if extracted is None else extracted
        if create and hours:
            PayeeAccount.objects.filter(pk=obj.pk).update(
                created_at=timezone.now() - datetime.timedelta(hours=hours)
            )
            obj.refresh_from_db()


class PayoutFactory(factory.django.DjangoModelFactory):
    """A payout row as stored, without its ledger transactions (tests of the money call
    payments.payouts.payout_request)."""

    class Meta:
        model = Payout

    reference = factory.Sequence(lambda n: f"POTEST{n:010d}")
    member = factory.SubFactory(MemberFactory)
    provider = "offline"
    payee_identifier = factory.Sequence(lambda n: f"demo-{n}")
    amount_fen = 5000


class PayoutPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayoutPolicy

    version = factory.Sequence(lambda n: n + 1)
    minimum_fen = 1000
    tax_rate = "0.2000"


def fund_wallet(member, fen: int, key: str | None = None):
    """Royalties into the member's yuan wallet, as the ideas app credits them."""
    source = AccountRef(code="system:idea-royalties:CNY", kind=AccountKind.SETTLEMENT, currency=Currency.CNY)
    return ledger_post(
        key=key or f"test:fund:{member.pk}:{uuid.uuid4().hex}",
        kind="royalty",
        memo="Royalties (test)",
        entries=[(source, -fen), (wallet_ref(member, Currency.CNY), fen)],
    )
