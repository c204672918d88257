"""Verified ownership: evidence (a purchase, a serial number) makes a member a verified
owner once per piece of evidence, also declares the product on their list, survives
the caller's transaction, and a refund ends verification only with the last evidence."""

import pytest
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.members import services
from fanrepublic.members.enums import OwnershipSource
from fanrepublic.members.models import VerifiedOwnership
from fanrepublic.members.selectors import is_verified_owner, senior_fans, verified_product_line_ids
from fanrepublic.members.tests.factories import MemberFactory, verified_owner
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db

PURCHASE = {"source": OwnershipSource.PURCHASE, "reference": "order:pos-sh:A1001"}
SERIAL = {"source": OwnershipSource.SERIAL, "reference": "serial:OP15-0042"}


class TestVerify:
    def test_a_purchase_verifies_once_and_declares_the_product(self):
        # Given a member who never said they own the phone
        member, phone = MemberFactory(), ProductLineFactory()
        # When the same purchase arrives twice (a replayed import)
        first = services.ownership_verify(member=member, product_line=phone, **PURCHASE)
        again = services.ownership_verify(member=member, product_line=phone, **PURCHASE)
        # Then one piece of evidence, one event, and the phone is on the member's list
        assert (first, again) == (True, False)
        assert VerifiedOwnership.objects.filter(member=member).count() == 1
        assert Event.objects.filter(verb="members.ownership.verified", owner=member).count() == 1
        assert is_verified_owner(member=member, product_line=phone)
        assert verified_product_line_ids(member=member) == {phone.pk}
        assert list(member.products_owned.all()) == [phone]

    def test_other_evidence_for_the_same_product_is_kept_too(self):
        member, phone = MemberFactory(), ProductLineFactory()
        assert services.ownership_verify(member=member, product_line=phone, **PURCHASE)
        assert services.ownership_verify(member=member, product_line=phone, **SERIAL)
        assert VerifiedOwnership.objects.filter(member=member, product_line=phone).count() == 2

    def test_inside_a_callers_transaction_a_repeat_spoils_nothing(self):
        # Given a store's import running in its own transaction
        member, phone = MemberFactory(), ProductLineFactory()
        with transaction.atomic():
            assert services.ownership_verify(member=member, product_line=phone, **PURCHASE)
            assert not services.ownership_verify(member=member, product_line=phone, **PURCHASE)
            # Then the caller's transaction is still usable
            other = MemberFactory()
        assert other.pk and is_verified_owner(member=member, product_line=phone)

    def test_losing_the_race_inside_a_callers_transaction_returns_false(self, monkeypatch):
        # Given evidence another writer stored between our look-up and our insert
        member, phone = MemberFactory(), ProductLineFactory()
        verified_owner(member, phone)
        real_get, missed = QuerySet.get, []

        def first_look_misses(self, *args, **kwargs):
            if self.model is VerifiedOwnership and not missed:
                missed.append(True)
                raise VerifiedOwnership.DoesNotExist
            return real_get(self, *args, **kwargs)

        monkeypatch.setattr(QuerySet, "get", first_look_misses)
        # When we try to store it inside a caller's transaction
        with transaction.atomic():
            assert not services.ownership_verify(member=member, product_line=phone, **PURCHASE)
            # Then the unique violation stayed inside its savepoint
            MemberFactory()
        assert missed and VerifiedOwnership.objects.count() == 1
        assert Event.objects.filter(verb="members.ownership.verified").count() == 1

    @pytest.mark.parametrize(
        "evidence", [{"source": "rumour", "reference": "x"}, {"source": "purchase", "reference": "  "}]
    )
    def test_unknown_or_empty_evidence_is_refused(self, evidence):
        with pytest.raises(ValidationFailed):
            services.ownership_verify(member=MemberFactory(), product_line=ProductLineFactory(), **evidence)
        assert not VerifiedOwnership.objects.exists()


class TestWithdraw:
    def test_a_refund_of_the_only_purchase_ends_verification_but_not_the_members_word(self):
        # Given a member verified by one purchase
        member, phone = MemberFactory(), ProductLineFactory()
        verified_owner(member, phone)
        # When the purchase is refunded (and the refund is replayed)
        assert services.ownership_withdraw(member=member, product_line=phone, **PURCHASE)
        assert not services.ownership_withdraw(member=member, product_line=phone, **PURCHASE)
        # Then they are no longer a verified owner, yet the phone stays on their list
        assert not is_verified_owner(member=member, product_line=phone)
        assert list(member.products_owned.all()) == [phone]
        event = Event.objects.get(verb="members.ownership.withdrawn")
        assert event.owner == member and event.properties["still_verified"] is False

    def test_other_evidence_keeps_the_member_verified(self):
        member, phone = MemberFactory(), ProductLineFactory()
        verified_owner(member, phone)
        services.ownership_verify(member=member, product_line=phone, **SERIAL)
        assert services.ownership_withdraw(member=member, product_line=phone, **PURCHASE)
        assert is_verified_owner(member=member, product_line=phone)
        assert Event.objects.get(verb="members.ownership.withdrawn").properties["still_verified"] is True

    def test_withdrawing_what_never_was_changes_nothing(self):
        member, phone = MemberFactory(), ProductLineFactory()
        assert not services.ownership_withdraw(member=member, product_line=phone, **PURCHASE)
        assert not Event.objects.filter(verb="members.ownership.withdrawn").exists()


def test_unticking_a_verified_product_on_the_profile_keeps_it_listed():
    # Given a verified owner of the phone who also declared a car
    member, phone, car = MemberFactory(), ProductLineFactory(), ProductLineFactory()
    verified_owner(member, phone)
    member.products_owned.add(car)
    # When they save their profile with nothing ticked
    services.profile_update(member=member, data={}, products_owned=[])
    # Then the car goes, the purchase-proven phone stays
    assert list(member.products_owned.all()) == [phone]


def test_senior_fans_can_ask_for_verified_owners_only():
    # Given two senior fans who say they own the phone, one of them with a purchase
    phone = ProductLineFactory()
    says_so, bought = MemberFactory(trust_level=3), MemberFactory(trust_level=3)
    says_so.products_owned.add(phone)
    verified_owner(bought, phone)
    # Then owners by their word are both; verified owners only the buyer
    assert set(senior_fans(product_line=phone)) == {says_so, bought}
    assert set(senior_fans(product_line=phone, verified_owner=True)) == {bought}


def test_the_profile_labels_each_product_verified_or_self_declared(client):
    # Given a member who bought the phone and only says they own the car
    member = MemberFactory()
    phone = ProductLineFactory(name="Orange 15 Pro")
    car = ProductLineFactory(name="Orange Car S7")
    verified_owner(member, phone)
    member.products_owned.add(car)
    # When anyone opens their profile
    page = client.get(reverse("members:profile", args=[member.username])).content.decode()
    # Then the phone is marked verified and the car self-declared
    owned = page[page.index('data-testid="products-owned"') :]
    owned = owned[: owned.index("</p>")]
    assert 'Orange 15 Pro <span class="badge owned-verified"' in owned
    assert 'Orange Car S7 <span class="badge"' in owned
    assert owned.count(">verified<") == 1 and owned.count(">self-declared<") == 1
