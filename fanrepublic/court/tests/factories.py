"""Stored court rows, bypassing the services (for pages and selectors)."""

import gzip
import hashlib
import secrets
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from fanrepublic.court import draw
from fanrepublic.members.tests.factories import MemberFactory

from ..models import (
    Ballot,
    Case,
    Citation,
    CourtPolicy,
    Evidence,
    Juror,
    JuryDraw,
    Message,
    Obligation,
    Question,
    Remedy,
    Ruling,
    Settlement,
    Verdict,
)


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


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    case = factory.SubFactory(CaseFactory)
    side = "claimant"
    uploaded_by = factory.LazyAttribute(lambda o: o.case.claimant)
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 stored", name="evidence.pdf"))
    name = "receipt.pdf"
    caption = "The receipt"
    content_type = "application/pdf"
    size = 15
    sha256 = hashlib.sha256(b"%PDF-1.4 stored").hexdigest()
    uploaded_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    case = factory.SubFactory(CaseFactory, status="seated")
    asked_by = factory.SubFactory(MemberFactory)
    to = "company"
    text = "Did the store look at the phone?"
    asked_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    case = factory.SubFactory(CaseFactory, status="seated")
    author = factory.SubFactory(MemberFactory)
    body = "Let us read the photographs first."
    body_html = "<p>Let us read the photographs first.</p>"
    created_at = factory.LazyFunction(timezone.now)


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    case = factory.SubFactory(CaseFactory, status="seated")
    version = factory.Sequence(lambda n: n + 1)
    foreperson = factory.SubFactory(MemberFactory)
    outcome = "upheld"
    reasons = "The burn-in appeared within the warranty period under normal use."
    seated = 12
    proposed_at = factory.LazyFunction(timezone.now)


class RemedyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remedy

    verdict = factory.SubFactory(VerdictFactory)
    kind = "replace"
    description = "Replace the phone."


class BallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ballot

    verdict = factory.SubFactory(VerdictFactory)
    voter_key = factory.LazyFunction(lambda: secrets.token_hex(32))
    receipt = factory.LazyFunction(lambda: secrets.token_hex(8))
    choice = "approve"


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    verdict = factory.SubFactory(VerdictFactory, state="adopted")
    case = factory.LazyAttribute(lambda o: o.verdict.case)
    kind = "replace"
    description = "Replace the phone."
    owner = factory.SubFactory(MemberFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    case = factory.SubFactory(CaseFactory, status="admitted")
    side = "company"
    proposed_by = factory.SubFactory(MemberFactory)
    terms = "We replace the earbuds and add points for the trouble."
    proposed_at = factory.LazyFunction(timezone.now)


class RulingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ruling

    case = factory.SubFactory(CaseFactory, status="closed", outcome="upheld")
    title = "Burned-in screen within the warranty"
    facts = "The screen burned in after three months of normal use."
    reasons = "Burn-in within three months is not normal wear; the panel is under warranty."
    outcome = "upheld"
    state = "published"
    search_document = "burned in screen within the warranty"
    drafted_by = factory.SubFactory(MemberFactory)
    drafted_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    case = factory.SubFactory(CaseFactory, status="admitted")
    ruling = factory.SubFactory(RulingFactory)
    cited_by = factory.SubFactory(MemberFactory)
    cited_at = factory.LazyFunction(timezone.now)
