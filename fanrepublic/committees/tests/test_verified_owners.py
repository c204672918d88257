"""Committees of verified owners: only members a purchase or a registered serial number
shows to own the product stand, vote in the election and move up into a vacancy."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fanrepublic.committees import services
from fanrepublic.committees.enums import ElectionStatus
from fanrepublic.committees.models import Committee, Election
from fanrepublic.committees.tests.factories import (
    CandidacyFactory,
    CommitteeFactory,
    ElectionFactory,
    SeatFactory,
)
from fanrepublic.core.errors import Forbidden
from fanrepublic.governance import services as votes
from fanrepublic.members import services as members
from fanrepublic.members.tests.factories import MemberFactory, operator, verified_owner
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db
STATEMENT = "I will bring the voice of night-shift photographers to the committee."


def verified_committee():
    return CommitteeFactory(
        product_line=ProductLineFactory(name="Orange 15 Pro"), owners_only=True, owners_verified_only=True
    )


def self_declared(committee, **kwargs):
    member = MemberFactory(**kwargs)
    member.products_owned.add(committee.product_line)
    return member


def test_a_self_declared_owner_may_not_stand_and_a_verified_one_may():
    # Given an election of a committee of verified owners
    election = ElectionFactory(committee=verified_committee())
    product = election.committee.product_line
    # When a member who only says they own the phone stands, they are told what counts
    with pytest.raises(Forbidden) as refused:
        services.candidacy_submit(
            member=self_declared(election.committee, trust_level=3), election=election, statement=STATEMENT
        )
    assert "verified owners of: Orange 15 Pro" in str(refused.value.message)
    # Then a verified owner stands
    bought = verified_owner(MemberFactory(trust_level=3), product)
    assert services.candidacy_submit(member=bought, election=election, statement=STATEMENT).member == bought


def test_the_elections_vote_admits_only_verified_owners():
    # Given three verified candidates for two seats, voting started
    election = ElectionFactory(committee=verified_committee(), seats_to_fill=2)
    product = election.committee.product_line
    for i in range(3):
        services.candidacy_submit(
            member=verified_owner(MemberFactory(trust_level=3), product, reference=f"order:{i}"),
            election=election,
            statement=STATEMENT,
        )
    Election.objects.filter(pk=election.pk).update(candidacy_closes_at=timezone.now() - timedelta(minutes=1))
    election = services.election_start_voting(actor=operator(), election=election)
    vote = election.vote
    assert vote.owners_only and vote.owners_verified_only and vote.product_line == product
    choice = list(vote.options.values_list("pk", flat=True))[:1]
    # When a member who only says they own the phone votes, they are refused
    with pytest.raises(Forbidden):
        votes.ballot_cast(
            member=self_declared(election.committee, trust_level=1), vote=vote, option_ids=choice
        )
    # Then a verified owner votes
    voter = verified_owner(MemberFactory(trust_level=1), product, reference="serial:1")
    assert votes.ballot_cast(member=voter, vote=vote, option_ids=choice).choice == choice


def test_a_vacancy_skips_a_candidate_whose_ownership_is_no_longer_verified():
    # Given a seated election whose second-ranked candidate's purchase was refunded
    committee = verified_committee()
    election = ElectionFactory(committee=committee, status=ElectionStatus.SEATED)
    product = committee.product_line
    leaving = SeatFactory(election=election, member=verified_owner(MemberFactory(trust_level=3), product))
    refunded = verified_owner(MemberFactory(trust_level=3), product, reference="order:refunded")
    members.ownership_withdraw(
        member=refunded, product_line=product, source="purchase", reference="order:refunded"
    )
    still = verified_owner(MemberFactory(trust_level=3), product, reference="order:kept")
    CandidacyFactory(election=election, member=leaving.member, rank=1)
    CandidacyFactory(election=election, member=refunded, rank=2)
    CandidacyFactory(election=election, member=still, rank=3)
    # When the seat is vacated
    following = services.seat_vacate(actor=operator(), seat=leaving, reason="Moved abroad")
    # Then the next candidate who may still stand moves up
    assert following.member == still


def test_verified_owners_only_needs_owners_only():
    committee = Committee(
        product_line=ProductLineFactory(),
        slug="c",
        name="C",
        seats=3,
        owners_only=False,
        owners_verified_only=True,
    )
    with pytest.raises(ValidationError):
        committee.validate_constraints()


def test_the_committee_page_says_verified_owners_only(client):
    committee = verified_committee()
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "verified owners only" in page
    CommitteeFactory(owners_only=True, slug="plain")
    page = client.get(Committee.objects.get(slug="plain").get_absolute_url()).content.decode()
    assert "verified owners only" not in page and "owners only" in page
