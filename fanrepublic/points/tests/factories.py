import factory

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.models import Account, EarningRule, PointLot, Posting, Transaction


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    kind = AccountKind.WALLET
    currency = Currency.POINTS
    owner = factory.SubFactory(MemberFactory)
    code = factory.Sequence(lambda n: f"test:account:{n}")


class TransactionFactory(factory.django.DjangoModelFactory):
    """A bare transaction row (for admin and factory checks). Real postings are made
    by points.services.ledger_post, which keeps balances and lots consistent."""

    class Meta:
        model = Transaction

    idempotency_key = factory.Sequence(lambda n: f"test:tx:{n}")
    kind = "award"
    memo = "Test"


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    transaction = factory.SubFactory(TransactionFactory)
    account = factory.SubFactory(AccountFactory)
    currency = Currency.POINTS
    amount_minor = 10


class PointLotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointLot

    account = factory.SubFactory(AccountFactory)
    earned_by = factory.SubFactory(TransactionFactory)
    amount = 10
    remaining = 10
    earned_at = factory.LazyFunction(__import__("django.utils.timezone", fromlist=["now"]).now)


class EarningRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EarningRule

    name = "Suggestion accepted"
    name_zh = "建议被采纳"
    verb = "forum.topic.accepted"
    points = 1000
