import datetime

import factory
from django.utils import timezone

from fanrepublic.campaigns.models import Backing, Campaign, CampaignUpdate
from fanrepublic.members.tests.factories import MemberFactory, operator


class CampaignFactory(factory.django.DjangoModelFactory):
    """An open campaign: ¥3,999 a unit, ¥500 deposit, a goal of 10 units."""

    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"band-9-pre-order-{n}")
    title = "Band 9 pre-order"
    title_zh = "手环 9 预订"
    product = "Orange Band 9"
    product_zh = "橙子手环 9"
    description = "The band we build together."
    unit_price_fen = 399_900
    deposit_fen = 50_000
    goal_units = 10
    per_member_limit = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    status = "open"
    created_by = factory.LazyFunction(operator)


class BackingFactory(factory.django.DjangoModelFactory):
    """A backing waiting for its deposit (no payment yet: tests that pay call the services)."""

    class Meta:
        model = Backing

    campaign = factory.SubFactory(CampaignFactory)
    member = factory.SubFactory(MemberFactory)
    units = 1
    deposit_fen = 50_000


class CampaignUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignUpdate

    campaign = factory.SubFactory(CampaignFactory)
    title = "Stretch goal: a titanium edition"
    body = "Reached 5,000 backers: every band ships with a titanium clasp."
    posted_by = factory.LazyFunction(operator)
