import factory

from fanrepublic.chains.models import BoardRule, Chain, Entry
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.members.tests.factories import MemberFactory, operator


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chain

    slug = factory.Sequence(lambda n: f"chain{n}")
    theme = factory.Sequence(lambda n: f"Never leave {n}")
    started_by = factory.LazyFunction(operator)
    pledge_label = "I will pre-order"
    pledge_max = 3


class EntryFactory(factory.django.DjangoModelFactory):
    """A line written straight to the table (counters untouched): for pages that only
    read; tests of counting go through services.entry_sign."""

    class Meta:
        model = Entry

    chain = factory.SubFactory(ChainFactory)
    member = factory.SubFactory(MemberFactory)
    number = factory.Sequence(lambda n: n + 1)
    message = "永不离开"


class BoardRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardRule

    board = factory.SubFactory(BoardFactory)
    members_may_start = True
    min_trust_level = 1
