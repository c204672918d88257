"""Stored court rows, bypassing the services (for pages and selectors)."""

import gzip

import factory
from django.utils import timezone

from fanrepublic.court import draw
from fanrepublic.members.tests.factories import MemberFactory

from ..models import Case, CourtPolicy, Juror, JuryDraw


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"2026-{n + 1:05d}")
    claimant = factory.SubFactory(MemberFactory)
    title = "Burned-in screen"
    account = "The screen burned in after three months of normal use."
    remedy_sought = "Replace the phone."
    filed_at = factory.LazyFunction(timezone.now)


class JuryDrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryDraw

    case = factory.SubFactory(CaseFactory, status="admitted")
    seed = factory.LazyFunction(draw.new_seed)
    pseudonym_key = factory.LazyFunction(draw.new_seed)
    commitment = factory.LazyAttribute(lambda o: draw.commitment(o.seed))
    committed_at = factory.LazyFunction(timezone.now)
    fans_wanted = 10
    legal_wanted = 2
    # An empty pool, well formed: a drawn record's pages and file read it.
    pool = factory.LazyFunction(lambda: gzip.compress(draw.pool_text([], []).encode(), mtime=0))
    pool_digest = factory.LazyFunction(lambda: draw.pool_digest([], []))


class JurorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Juror

    draw = factory.SubFactory(JuryDrawFactory)
    member = factory.SubFactory(MemberFactory)
    kind = "fan"
    position = factory.Sequence(lambda n: n + 1)
    pseudonym = factory.Sequence(lambda n: f"{n + 1:016x}")
    state = "invited"
    invited_at = factory.LazyFunction(timezone.now)


class CourtPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourtPolicy

    version = factory.Sequence(lambda n: n + 1)
    min_trust_level = 3
    min_tenure_days = 365
    juror_cases_per_year = 3
    answer_hours = 48
    jury_fans = 10
    jury_legal = 2
    reason = "The rules of the court"
    created_by = factory.SubFactory(MemberFactory)
    created_at = factory.LazyFunction(timezone.now)
