"""Given/when/then: stores, customers, visits, linking a customer to a member with their
consent, unlinking, serial numbers — every rule and every bad input."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.selectors import is_verified_owner
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator, store_manager
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.stores import selectors, services
from fanrepublic.stores.checkin_codes import daily_code, screen_code
from fanrepublic.stores.models import Contact, Order, Store, Visit
from fanrepublic.stores.purchases import orders_import

from .factories import ContactFactory, StoreFactory, pos, refund, sale

pytestmark = pytest.mark.django_db


# --- stores --------------------------------------------------------------------------------

STORE = {
    "slug": "shanghai-jingan",
    "name": "Jing'an flagship",
    "name_zh": "静安旗舰店",
    "city": "Shanghai",
    "city_zh": "上海",
    "address": "1601 Nanjing West Road",
    "opening_hours": "10:00–22:00",
}


@pytest.mark.parametrize("role", [operator, founder])
def test_operators_and_founders_open_stores_and_it_is_audited(role):
    actor, manager = role(), store_manager()
    store = services.store_save(actor=actor, data={**STORE, "manager": manager})
    assert store.manager == manager and len(store.checkin_key) >= 32
    assert AuditEntry.objects.filter(
        action="stores.store.opened", target_id=str(store.pk), actor=actor
    ).exists()


@pytest.mark.parametrize("role", [MemberFactory, engineer, store_manager])
def test_no_one_else_opens_stores(role):
    with pytest.raises(Forbidden):
        services.store_save(actor=role(), data=STORE)
    assert not Store.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "has space"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"name": ""}, "name"),
        ({"city": "Shang\x07hai"}, "city"),
        ({"address": "x" * 201}, "address"),
        ({"name_zh": "\ud800"}, "name_zh"),
        ({"manager": "engineer"}, "manager"),
    ],
)
def test_bad_store_fields_are_named(change, field):
    if change.get("manager") == "engineer":
        change = {"manager": engineer()}
    with pytest.raises(ValidationFailed) as caught:
        services.store_save(actor=operator(), data={**STORE, **change})
    assert field in caught.value.errors
    assert not Store.objects.exists()


def test_a_taken_short_name_is_refused():
    services.store_save(actor=operator(), data=STORE)
    with pytest.raises(ValidationFailed) as caught:
        services.store_save(actor=operator(), data=STORE)
    assert "slug" in caught.value.errors


def test_a_new_qr_code_voids_the_old_one():
    store = StoreFactory()
    old_screen, old_sign = screen_code(store), daily_code(store)
    services.store_checkin_key_rotate(actor=store.manager, store=store)
    member = MemberFactory()
    for old in (old_screen, old_sign):
        with pytest.raises(NotFound) as caught:
            services.visit_check_in(member=member, store_slug=store.slug, code=old)
        assert caught.value.code == "not_found"
    services.visit_check_in(member=member, store_slug=store.slug, code=screen_code(store))
    with pytest.raises(Forbidden):
        services.store_checkin_key_rotate(actor=StoreFactory().manager, store=store)


# --- visits ----------------------------------------------------------------------------------


def test_a_member_checks_in_once_a_day_per_store_and_becomes_its_customer():
    store, member = StoreFactory(), MemberFactory()
    visit, created = services.visit_check_in(member=member, store_slug=store.slug, code=screen_code(store))
    again, created_again = services.visit_check_in(
        member=member, store_slug=store.slug, code=screen_code(store)
    )
    assert created and not created_again and visit == again
    assert visit.member == member and visit.contact.member == member and visit.source == "qr"
    assert store.customers.filter(contact__member=member).exists()
    assert Event.objects.filter(verb="stores.visit.recorded", actor=member).count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        _, next_day = services.visit_check_in(member=member, store_slug=store.slug, code=screen_code(store))
    assert next_day and Visit.objects.count() == 2


@pytest.mark.parametrize("code", ["", "wrong", None, "key"])
def test_a_wrong_or_missing_code_checks_no_one_in(code):
    store = StoreFactory()
    if code == "key":
        code = store.checkin_key  # the secret itself is no code
    with pytest.raises(NotFound):
        services.visit_check_in(member=MemberFactory(), store_slug=store.slug, code=code)
    assert not Visit.objects.exists()


def test_a_closed_store_takes_no_check_ins():
    store = StoreFactory(is_active=False)
    with pytest.raises(NotFound):
        services.visit_check_in(member=MemberFactory(), store_slug=store.slug, code=screen_code(store))


def test_a_suspended_member_cannot_check_in():
    store = StoreFactory()
    member = MemberFactory(suspended_until=timezone.now() + timedelta(days=1))
    with pytest.raises(Forbidden):
        services.visit_check_in(member=member, store_slug=store.slug, code=screen_code(store))


def test_staff_record_a_visit_only_in_their_store():
    store = StoreFactory()
    clerk = MemberFactory()
    store.staff.add(clerk)
    contact = ContactFactory()
    visit, created = services.visit_record(actor=clerk, store=store, contact=contact)
    assert created and visit.recorded_by == clerk and visit.source == "staff"
    assert store.customers.filter(contact=contact).exists()
    with pytest.raises(NotFound):
        services.visit_record(actor=StoreFactory().manager, store=store, contact=contact)


# --- contacts -----------------------------------------------------------------------------


def test_two_staff_adding_the_same_customer_make_one_contact_known_to_both_stores():
    first, second = StoreFactory(), StoreFactory()
    a, created_a = services.contact_add(actor=first.manager, store=first, name="Li Lei", phone="13800138000")
    b, created_b = services.contact_add(
        actor=second.manager, store=second, name="", phone="+86 138 0013 8000"
    )
    assert created_a and not created_b and a == b
    assert Contact.objects.count() == 1 and a.phone == "+8613800138000" and b.name == "Li Lei"
    assert set(a.stores.all()) == {first, second}


def test_a_phone_and_a_wecom_id_of_two_different_customers_conflict():
    store = StoreFactory()
    ContactFactory(phone="+8613800138000")
    ContactFactory(phone="+8613900139000", wecom_external_userid="wmABC")
    with pytest.raises(Conflict):
        services.contact_add(
            actor=store.manager, store=store, phone="13800138000", wecom_external_userid="wmABC"
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Li"}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "138\x0000138000"}, "phone"),
        ({"phone": "13800138000", "name": "Li\x1bLei"}, "name"),
        ({"phone": "13800138000", "name": "x" * 101}, "name"),
    ],
)
def test_bad_customer_details_are_named(data, field):
    store = StoreFactory()
    with pytest.raises(ValidationFailed) as caught:
        services.contact_add(actor=store.manager, store=store, **data)
    assert field in caught.value.errors
    assert not Contact.objects.exists()


def test_store_staff_cannot_add_customers_to_a_store_they_do_not_work_in():
    store = StoreFactory()
    for outsider in (MemberFactory(), engineer(), StoreFactory().manager):
        with pytest.raises(NotFound):
            services.contact_add(actor=outsider, store=store, phone="13800138000")
    assert not Contact.objects.exists()


def test_a_store_manager_sees_their_stores_customers_and_never_another_stores():
    mine, theirs = StoreFactory(), StoreFactory()
    own, _ = services.contact_add(actor=mine.manager, store=mine, phone="13800138000")
    other, _ = services.contact_add(actor=theirs.manager, store=theirs, phone="13900139000")
    assert list(selectors.contacts_visible(viewer=mine.manager)) == [own]
    assert list(selectors.contacts_visible(viewer=mine.manager, store=theirs)) == []
    with pytest.raises(NotFound):
        selectors.contact_get_for_desk(viewer=mine.manager, pk=other.pk)
    with pytest.raises(NotFound):
        selectors.store_get_for_desk(viewer=mine.manager, slug=theirs.slug)
    assert set(selectors.contacts_visible(viewer=operator())) == {own, other}
    for nobody in (MemberFactory(), engineer()):
        assert not selectors.contacts_visible(viewer=nobody).exists()


def test_a_manager_stripped_of_the_role_no_longer_works_in_the_store():
    store = StoreFactory()
    store.manager.groups.clear()
    manager = type(store.manager).objects.get(pk=store.manager.pk)
    with pytest.raises(NotFound):
        selectors.store_get_for_desk(viewer=manager, slug=store.slug)


# --- linking --------------------------------------------------------------------------------


def _bought(contact_phone="+8613800138000", product="orange-15"):
    ProductLineFactory(slug=product)
    store = StoreFactory()
    orders_import(
        integration=pos(),
        items=[
            sale(
                "S1",
                store=store,
                customer={"phone": contact_phone},
                lines=[{"sku": "O15", "product": product, "quantity": 1, "unit_price": "10.00"}],
            )
        ],
    )
    return store, Contact.objects.get(phone=contact_phone)


def test_a_member_s_code_links_the_store_s_record_history_and_all():
    store, contact = _bought()
    member = MemberFactory()
    code, _ = services.link_code_create(member=member)
    services.contact_link(actor=store.manager, contact=contact, code=code.lower().replace("-", " "))
    contact.refresh_from_db()
    assert contact.member == member and contact.linked_at
    assert Order.objects.get().member == member
    assert is_verified_owner(member=member, product_line=ProductLineFactory(slug="orange-15"))
    assert Event.objects.filter(verb="stores.contact.linked", owner=member).exists()
    assert AuditEntry.objects.filter(action="stores.contact.linked", target_id=str(contact.pk)).exists()
    timeline = selectors.customer_timeline(contact=contact)
    assert {e.verb for e in timeline} >= {"stores.purchase.recorded", "stores.contact.linked"}


def test_a_code_works_once_and_expires():
    store, contact = _bought()
    member = MemberFactory()
    code, _ = services.link_code_create(member=member)
    services.contact_link(actor=store.manager, contact=contact, code=code)
    other = ContactFactory()
    other.stores.add(store)
    with pytest.raises(ValidationFailed):
        services.contact_link(actor=store.manager, contact=other, code=code)
    late, _ = services.link_code_create(member=member)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)), pytest.raises(ValidationFailed):
        services.contact_link(actor=store.manager, contact=other, code=late)
    assert Contact.objects.get(pk=other.pk).member is None


def test_a_new_code_replaces_the_old_one():
    store, contact = _bought()
    member = MemberFactory()
    old, _ = services.link_code_create(member=member)
    services.link_code_create(member=member)
    with pytest.raises(ValidationFailed):
        services.contact_link(actor=store.manager, contact=contact, code=old)


def test_guessing_codes_is_rate_limited(settings):
    settings.STORES_LINK_TRY_RATE = "3/h"
    store, contact = _bought()
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            services.contact_link(actor=store.manager, contact=contact, code="AAAA-AAAA")
    with pytest.raises(RateLimited):
        services.contact_link(actor=store.manager, contact=contact, code="AAAA-AAAA")


def test_only_staff_of_a_store_that_knows_the_customer_may_link_them():
    store, contact = _bought()
    code, _ = services.link_code_create(member=MemberFactory())
    with pytest.raises(NotFound):
        services.contact_link(actor=StoreFactory().manager, contact=contact, code=code)


def test_a_customer_linked_to_one_member_is_not_taken_by_another():
    store, contact = _bought()
    first, second = MemberFactory(), MemberFactory()
    services.contact_link(
        actor=store.manager, contact=contact, code=services.link_code_create(member=first)[0]
    )
    with pytest.raises(Conflict):
        services.contact_link(
            actor=store.manager, contact=contact, code=services.link_code_create(member=second)[0]
        )
    assert Contact.objects.get(pk=contact.pk).member == first


def test_unlinking_by_the_member_or_an_operator_is_audited_and_withdraws_purchase_ownership():
    store, contact = _bought()
    member = MemberFactory()
    services.contact_link(
        actor=store.manager, contact=contact, code=services.link_code_create(member=member)[0]
    )
    product = ProductLineFactory(slug="orange-15")
    with pytest.raises(NotFound):
        services.contact_unlink(actor=store.manager, contact=contact, reason="asked")
    with pytest.raises(ValidationFailed):
        services.contact_unlink(actor=operator(), contact=contact, reason="")  # staff give a reason
    services.contact_unlink(actor=member, contact=contact, reason="")
    contact.refresh_from_db()
    assert contact.member is None and Order.objects.get().member is None
    assert not is_verified_owner(member=member, product_line=product)
    assert member.products_owned.filter(pk=product.pk).exists()  # what they declared stays
    assert AuditEntry.objects.filter(action="stores.contact.unlinked", actor=member).exists()
    with pytest.raises(Conflict):
        services.contact_unlink(actor=operator(), contact=contact, reason="again")


# --- serial numbers ---------------------------------------------------------------------------


def test_a_sold_serial_number_makes_its_registrant_a_verified_owner_once():
    product = ProductLineFactory(slug="orange-15")
    orders_import(
        integration=pos(),
        items=[
            sale(
                "S1",
                lines=[
                    {
                        "sku": "O15",
                        "product": "orange-15",
                        "quantity": 1,
                        "unit_price": "1.00",
                        "serial_number": "SN-9",
                    }
                ],
            )
        ],
    )
    member, other = MemberFactory(), MemberFactory()
    registration = services.serial_register(member=member, serial_number=" SN-9 ")
    assert registration.order_line.order.external_id == "S1"
    assert is_verified_owner(member=member, product_line=product)
    assert services.serial_register(member=member, serial_number="SN-9") == registration
    with pytest.raises(ValidationFailed):
        services.serial_register(member=other, serial_number="SN-9")
    assert not is_verified_owner(member=other, product_line=product)


@pytest.mark.parametrize("serial", ["SN-404", "", "SN\x00"])
def test_unknown_or_bad_serial_numbers_are_refused(serial):
    with pytest.raises(ValidationFailed):
        services.serial_register(member=MemberFactory(), serial_number=serial)


def test_a_serial_of_a_refunded_or_someone_elses_purchase_is_refused():
    ProductLineFactory(slug="orange-15")
    buyer, source = MemberFactory(), pos()
    line = {"sku": "O15", "product": "orange-15", "quantity": 1, "unit_price": "1.00"}
    orders_import(
        integration=source,
        items=[
            sale("S1", lines=[{**line, "serial_number": "SN-1"}]),
            sale("S2", customer={"member": buyer.pk}, lines=[{**line, "serial_number": "SN-2"}]),
            refund("R1", "S1", [{"sku": "O15", "quantity": 1, "unit_price": "1.00", "refunds_line": 1}]),
        ],
    )
    for serial in ("SN-1", "SN-2"):
        with pytest.raises(ValidationFailed):
            services.serial_register(member=MemberFactory(), serial_number=serial)
    assert services.serial_register(member=buyer, serial_number="SN-2")
