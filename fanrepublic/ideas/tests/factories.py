from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.products.tests.factories import ProductLineFactory

from ..models import Comment, Proposal, ProposalImage, ProposalRevision, Review, ReviewRound, Support


class ProposalFactory(factory.django.DjangoModelFactory):
    """A bare proposal row (admin and page checks); real ones come from proposal_create."""

    class Meta:
        model = Proposal

    author = factory.SubFactory(MemberFactory)
    product_line = factory.SubFactory(ProductLineFactory)
    language = "en"
    title = factory.Sequence(lambda n: f"Idea {n}")
    pitch = "A pot for the dorm that never trips the breaker."
    target_price = "199.00"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRound

    name = factory.Sequence(lambda n: f"2026-{n}")
    cutoff = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    decide_by = factory.LazyFunction(lambda: timezone.now() + timedelta(days=100))


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    member = factory.SubFactory(MemberFactory)
    created_at = factory.LazyFunction(timezone.now)


class ProposalRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalRevision

    proposal = factory.SubFactory(ProposalFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Dorm cooker"
    pitch = "A pot for the dorm that never trips the breaker."
    target_price = "199.00"
    edited_by = factory.LazyAttribute(lambda o: o.proposal.author)
    edited_at = factory.LazyFunction(timezone.now)


class ProposalImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalImage

    proposal = factory.SubFactory(ProposalFactory)
    image = factory.django.ImageField(filename="idea.png")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(MemberFactory)
    body = "Could it have a timer?"
    created_at = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    proposal = factory.SubFactory(ProposalFactory)
    review_round = factory.SubFactory(ReviewRoundFactory)
    reviewer = factory.SubFactory(MemberFactory)
    role = "engineer"
    recommendation = "adopt"
    reasons = "Feasible with parts we already make."
    created_at = factory.LazyFunction(timezone.now)
