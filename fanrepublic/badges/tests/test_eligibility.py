"""Who may take part: ownership by the member's word and ownership a purchase or a
serial number shows are different rules with different advice."""

import pytest

from fanrepublic.badges.eligibility import eligibility_problems
from fanrepublic.members.tests.factories import MemberFactory, verified_owner
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def test_a_self_declared_owner_is_told_how_to_become_a_verified_one():
    # Given a member who says they own the phone
    phone = ProductLineFactory(name="Orange 15 Pro")
    member = MemberFactory()
    member.products_owned.add(phone)
    # Then they pass the owners rule but not the verified owners rule, which says what counts
    assert eligibility_problems(member, product_lines=[phone]) == []
    problems = eligibility_problems(member, verified_product_lines=[phone])
    assert problems == [
        "Only for verified owners of: Orange 15 Pro. A purchase from a store or the online shop, "
        "or a registered serial number, verifies ownership."
    ]


def test_the_two_ownership_rules_read_differently():
    phone = ProductLineFactory(name="Orange 15 Pro")
    member = MemberFactory()
    [declared] = eligibility_problems(member, product_lines=[phone])
    [verified] = eligibility_problems(member, verified_product_lines=[phone])
    assert declared == "Only for owners of: Orange 15 Pro." and verified != declared


def test_a_verified_owner_passes_only_for_what_was_verified():
    phone, car = ProductLineFactory(name="Orange 15 Pro"), ProductLineFactory(name="Orange Car S7")
    member = verified_owner(MemberFactory(), phone)
    assert eligibility_problems(member, verified_product_lines=[phone]) == []
    [problem] = eligibility_problems(member, verified_product_lines=[phone, car])
    assert "Orange Car S7" in problem and "Orange 15 Pro" not in problem
