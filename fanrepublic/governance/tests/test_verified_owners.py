"""Votes for verified owners only: a member's word that they own the product is not
enough, a purchase or a registered serial number is; the electorate (turnout's
denominator) follows the same rule, and a rule without a product is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.governance import services
from fanrepublic.governance.models import Ballot, Vote
from fanrepublic.governance.tests.factories import VoteFactory
from fanrepublic.members.tests.factories import MemberFactory, operator, verified_owner
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def ids(vote):
    return list(vote.options.values_list("pk", flat=True))


def verified_only_vote():
    phone = ProductLineFactory(name="Orange 15 Pro")
    return VoteFactory(product_line=phone, owners_only=True, owners_verified_only=True), phone


def test_a_self_declared_owner_is_refused_and_a_verified_one_votes():
    # Given a vote for verified owners of the phone
    vote, phone = verified_only_vote()
    says_so = MemberFactory()
    says_so.products_owned.add(phone)
    bought = verified_owner(MemberFactory(), phone)
    # When the member who only says so casts a ballot, they are told what counts
    with pytest.raises(Forbidden) as refused:
        services.ballot_cast(member=says_so, vote=vote, option_ids=[ids(vote)[0]])
    assert "verified owners of: Orange 15 Pro" in str(refused.value.message)
    assert "registered serial number" in str(refused.value.message)
    # Then the verified owner votes, and only they count among the eligible
    services.ballot_cast(member=bought, vote=vote, option_ids=[ids(vote)[0]])
    assert list(services.eligible_members(vote)) == [bought]


def test_the_vote_page_states_the_rule_and_refuses_a_self_declared_owner(client):
    vote, phone = verified_only_vote()
    says_so = MemberFactory()
    says_so.products_owned.add(phone)
    client.force_login(says_so)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert 'data-testid="owners-rule"' in page and "Only verified owners of Orange 15 Pro vote" in page
    assert 'data-testid="not-eligible"' in page
    response = client.post(reverse("governance:cast", args=[vote.slug]), {"option": ids(vote)[0]})
    assert response.status_code == 403 and not Ballot.objects.exists()
    client.force_login(verified_owner(MemberFactory(), phone))
    client.post(reverse("governance:cast", args=[vote.slug]), {"option": ids(vote)[0]})
    assert Ballot.objects.count() == 1


def test_an_owners_vote_without_verification_still_takes_the_members_word():
    phone = ProductLineFactory()
    vote = VoteFactory(product_line=phone, owners_only=True)
    says_so = MemberFactory()
    says_so.products_owned.add(phone)
    services.ballot_cast(member=says_so, vote=vote, option_ids=[ids(vote)[0]])
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize("rule", [{"owners_only": False}, {"product_line": None}])
def test_verified_owners_only_needs_owners_only_and_a_product(rule):
    # Given an operator asking for verified owners without saying of what
    fields = {
        "slug": "colour",
        "question": "Which colour?",
        "method": "single",
        "opens_at": timezone.now() + timedelta(days=1),
        "closes_at": timezone.now() + timedelta(days=8),
        "product_line": ProductLineFactory(),
        "owners_only": True,
        "owners_verified_only": True,
        **rule,
    }
    # Then the service refuses it, naming the field, and stores nothing
    with pytest.raises(ValidationFailed) as refused:
        services.vote_create(actor=operator(), options=[{"label": "Orange"}, {"label": "Blue"}], **fields)
    assert "owners_verified_only" in refused.value.errors
    assert not Vote.objects.exists()
    # And so does the model's own check (what the admin validates against)
    with pytest.raises(ValidationError):
        Vote(created_by=operator(), **fields).validate_constraints()


def test_the_staff_form_refuses_verified_owners_without_a_product(client):
    client.force_login(operator())
    data = {
        "slug": "price-15",
        "question": "Price of the Orange 15 Pro?",
        "options": "2,999\n3,299",
        "method": "single",
        "seats": "1",
        "min_trust_level": "0",
        "quorum": "0",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-01-08T10:00",
        "owners_verified_only": "on",
    }
    response = client.post(reverse("governance:new"), data)
    assert response.status_code == 422
    assert "Verified owners only needs a product and owners only." in response.content.decode()
    phone = ProductLineFactory()
    response = client.post(reverse("governance:new"), {**data, "product_line": phone.pk, "owners_only": "on"})
    assert response.status_code == 302
    assert Vote.objects.get(slug="price-15").owners_verified_only
