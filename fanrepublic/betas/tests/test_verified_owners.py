"""Betas for verified owners: a programme may require that applicants' ownership be
shown by a purchase or a registered serial number, says so on its page, refuses a
member's word alone, and refuses the rule when there is no product to own."""

import pytest
from django.urls import reverse

from fanrepublic.betas import services
from fanrepublic.betas.models import Application, BetaProgramme
from fanrepublic.betas.tests.factories import BetaProgrammeFactory
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory, operator, verified_owner
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def verified_only_programme():
    programme = BetaProgrammeFactory(
        open=True, product_line=ProductLineFactory(name="Orange SU7"), required_products_verified=True
    )
    programme.required_products.add(programme.product_line)
    return programme


def test_a_self_declared_owner_cannot_apply_and_a_verified_one_can():
    # Given an open programme for verified owners of the car
    programme = verified_only_programme()
    says_so = MemberFactory()
    says_so.products_owned.add(programme.product_line)
    # When the member who only says so applies, they are told what counts
    with pytest.raises(Forbidden) as refused:
        services.application_submit(member=says_so, programme=programme, answers={})
    assert "verified owners of: Orange SU7" in str(refused.value.message)
    # Then a verified owner applies
    bought = verified_owner(MemberFactory(), programme.product_line)
    services.application_submit(member=bought, programme=programme, answers={})
    assert list(Application.objects.values_list("member", flat=True)) == [bought.pk]


def test_without_the_flag_the_members_word_is_enough():
    programme = verified_only_programme()
    BetaProgramme.objects.filter(pk=programme.pk).update(required_products_verified=False)
    programme.refresh_from_db()
    says_so = MemberFactory()
    says_so.products_owned.add(programme.product_line)
    services.application_submit(member=says_so, programme=programme, answers={})
    assert Application.objects.count() == 1


def test_the_programme_page_names_the_rule_and_the_apply_form_refuses(client):
    programme = verified_only_programme()
    says_so = MemberFactory()
    says_so.products_owned.add(programme.product_line)
    client.force_login(says_so)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Verified owners of Orange SU7" in page and 'data-testid="not-eligible"' in page
    client.post(reverse("betas:apply", args=[programme.slug]))
    assert not Application.objects.exists()


def test_verified_owners_needs_a_product_to_own():
    programme = BetaProgrammeFactory.build(
        product_line=ProductLineFactory(), created_by=None, required_products_verified=True
    )
    with pytest.raises(ValidationFailed) as refused:
        services.programme_save(actor=operator(), programme=programme, required_products=())
    assert "required_products_verified" in refused.value.errors
    assert not BetaProgramme.objects.exists()
    services.programme_save(actor=operator(), programme=programme, required_products=[programme.product_line])
    assert BetaProgramme.objects.get().required_products_verified
