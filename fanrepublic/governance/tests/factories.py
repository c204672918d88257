from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.governance.enums import VoteStatus
from fanrepublic.governance.models import Ballot, Vote, VoteOption
from fanrepublic.members.tests.factories import MemberFactory


class VoteFactory(factory.django.DjangoModelFactory):
    """A stored vote (open by default, for an hour from a minute ago)."""

    class Meta:
        model = Vote
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"price-vote-{n}")
    question = "What should the Orange 15 Pro cost?"
    question_zh = "橙子 15 Pro 应该定价多少？"
    status = VoteStatus.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    created_by = factory.SubFactory(MemberFactory)

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        for position, label in enumerate(extracted or ["2,999 yuan", "3,299 yuan", "3,499 yuan"]):
            VoteOption.objects.create(vote=self, label=label, position=position)


class VoteOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoteOption

    vote = factory.SubFactory(VoteFactory, labels=[])
    label = factory.Sequence(lambda n: f"Option {n}")


class BallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ballot

    vote = factory.SubFactory(VoteFactory)
    voter_key = factory.Sequence(lambda n: f"key{n:060d}")
    receipt = factory.Sequence(lambda n: f"{n:032x}")
    choice = factory.LazyAttribute(lambda o: [o.vote.options.first().pk])
