from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.committees.models import (
    Candidacy,
    Committee,
    Decision,
    Election,
    Meeting,
    Need,
    NeedSupport,
    Seat,
)
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.products.tests.factories import ProductLineFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    product_line = factory.SubFactory(ProductLineFactory)
    slug = factory.Sequence(lambda n: f"committee-{n}")
    name = "Orange Phone users' committee"
    name_zh = "橙子手机用户委员会"
    seats = 3
    owners_only = False
    min_trust_to_stand = 2


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    committee = factory.SubFactory(CommitteeFactory)
    seats_to_fill = 2
    candidacy_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    voting_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class CandidacyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidacy

    election = factory.SubFactory(ElectionFactory)
    member = factory.SubFactory(MemberFactory, trust_level=3)
    statement = "I will bring the voice of night-shift photographers to the committee."


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    election = factory.SubFactory(ElectionFactory)
    committee = factory.LazyAttribute(lambda o: o.election.committee)
    member = factory.SubFactory(MemberFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    product_line = factory.SubFactory(ProductLineFactory)
    author = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Filter pet hair {n}")
    body = "The purifier clogs with cat hair within a week."


class NeedSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedSupport

    need = factory.SubFactory(NeedFactory)
    member = factory.SubFactory(MemberFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    quarter = "2026 Q4"
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory, held=True)
    text = "Add a pre-filter for pet hair in the next model."
