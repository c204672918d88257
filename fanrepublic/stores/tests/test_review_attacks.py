"""A security review's attacks on stores and purchases, each written as the attacker
would try it: store staff reading a linked member's activity elsewhere on the platform,
odd digits and oversized cells crashing an import, a store manager's file naming any
member or refunding another store's sale, a registered serial number outliving its
refund, a demoted store manager still reading a store's customers, and a body nested
too deep for the door's JSON check."""

import pytest

from fanrepublic.activity.services import record_event
from fanrepublic.activity.tests.factories import EventFactory, IntegrationFactory
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.members.selectors import is_verified_owner
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator, store_manager
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.stores import selectors, services
from fanrepublic.stores.models import Contact, Order, SerialRegistration, StoreCustomer
from fanrepublic.stores.purchases import orders_import, orders_import_csv

from .factories import ContactFactory, StoreFactory, pos, refund, sale

pytestmark = pytest.mark.django_db

CSV_HEADER = (
    "order_id,kind,refund_of,occurred_at,channel,store,currency,member,"
    "line,sku,quantity,unit_price,refunds_line\n"
)


def _linked(store, member):
    contact = ContactFactory()
    contact.stores.add(store)
    code, _link = services.link_code_create(member=member)
    return services.contact_link(actor=store.manager, contact=contact, code=code)


# The customer timeline ------------------------------------------------------------------


def test_store_staff_see_the_customer_s_store_app_and_chat_history_not_their_other_platform_activity(client):
    # given a member linked to a store's customer record, who elsewhere on the platform
    # filed a security report and flagged a post, and whose app reported them opening it
    store, member = StoreFactory(), MemberFactory()
    contact = _linked(store, member)
    record_event(verb="bounty.report.filed", actor=member, owner=member, properties={"security": True})
    record_event(verb="forum.topic.flagged", actor=member, properties={"topic": 1})
    EventFactory(
        verb="app.opened", actor=member, channel="app", integration=IntegrationFactory(channel="app")
    )

    # when the store's manager opens the customer, on the API and on the page
    client.force_login(store.manager)
    timeline = client.get(f"/api/v1/stores/customers/{contact.pk}").json()["timeline"]
    page = client.get(contact.get_absolute_url())

    # then the store's and the app's history is there, the rest of their activity is not
    verbs = {e["verb"] for e in timeline}
    assert {"stores.contact.linked", "app.opened"} <= verbs
    assert not verbs & {"bounty.report.filed", "forum.topic.flagged"}
    assert page.status_code == 200
    assert {e.verb for e in page.context["timeline"]} == verbs


def test_the_timeline_of_a_linked_member_includes_their_other_customer_records():
    # given a member with a record at two stores (one linked by code, one by checking in)
    first, second, member = StoreFactory(), StoreFactory(), MemberFactory()
    contact = _linked(first, member)
    other = Contact.objects.create(member=member, origin="visit")
    services.visit_record(actor=second.manager, store=second, contact=other)

    # then one timeline holds the visit at the second store
    assert "stores.visit.recorded" in {e.verb for e in selectors.customer_timeline(contact=contact)}


# Numbers that are digits only to str.isdigit() ------------------------------------------------


@pytest.mark.parametrize("quantity", ["²", "١٢", "9" * 5000, " 3 "])
def test_odd_digits_in_a_quantity_are_a_field_error_not_a_server_error(quantity):
    item = sale("Q1", lines=[{"sku": "S", "quantity": quantity, "unit_price": "1.00"}])
    [result] = orders_import(integration=pos(), items=[item])
    if quantity == " 3 ":
        assert result.status == "created", result.errors
    else:
        assert result.status == "rejected" and "lines.1.quantity" in result.errors


def test_a_csv_member_cell_with_a_superscript_digit_is_a_row_error_not_a_server_error():
    content = (CSV_HEADER + "C1,sale,,2026-11-20T10:00:00+08:00,online,,CNY,²,1,S,1,1.00,\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=operator(), integration=pos(), content=content)
    assert any("customer.member" in p for p in caught.value.errors["file"])


def test_a_csv_cell_larger_than_the_csv_module_reads_is_refused_with_a_reason(client):
    # given a file whose one cell is larger than the csv module's field limit (128 KiB)
    manager = store_manager()
    store = StoreFactory(manager=manager)
    source = pos()
    content = (
        CSV_HEADER + f"C1,sale,,2026-11-20T10:00:00+08:00,store,{store.slug},CNY,,1,{'X' * 200_000},1,1.00,\n"
    ).encode()

    # then the service refuses it as a file problem
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=manager, integration=source, content=content)
    assert "file" in caught.value.errors

    # and the upload page says so instead of failing
    client.force_login(manager)
    upload = client.post(
        "/stores/desk/purchases/upload/",
        {"integration": source.pk, "file": _file(content)},
    )
    assert upload.status_code == 422
    assert not Order.objects.exists()


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("day.csv", content, content_type="text/csv")


# A store manager's purchase file -----------------------------------------------------------


def test_a_store_manager_s_file_cannot_name_a_member_and_so_join_their_record_to_the_store():
    # given a member who never showed this store a code, with a record at another store
    ProductLineFactory(slug="orange-15")
    manager = store_manager()
    mine, elsewhere = StoreFactory(manager=manager), StoreFactory()
    victim = MemberFactory()
    record = _linked(elsewhere, victim)

    # when the manager uploads a sale of their store naming the member's id
    content = (
        CSV_HEADER + f"C1,sale,,2026-11-20T10:00:00+08:00,store,{mine.slug},CNY,{victim.pk},1,S,1,1.00,\n"
    ).encode()
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=manager, integration=pos(), content=content)

    # then nothing is stored: the member's record stays unknown to the store
    assert any("member" in p for p in caught.value.errors["file"])
    assert not Order.objects.exists()
    assert not StoreCustomer.objects.filter(store=mine).exists()
    assert not selectors.contacts_visible(viewer=manager).filter(pk=record.pk).exists()


def test_an_operator_s_file_may_still_name_a_member():
    member = MemberFactory()
    content = (
        CSV_HEADER + f"C1,sale,,2026-11-20T10:00:00+08:00,online,,CNY,{member.pk},1,S,1,1.00,\n"
    ).encode()
    assert orders_import_csv(actor=operator(), integration=pos(), content=content).created == 1
    assert Order.objects.get().member == member


def test_a_store_manager_s_file_cannot_refund_another_store_s_sale():
    # given a sale of another store from the shared point of sale
    manager = store_manager()
    mine, theirs = StoreFactory(manager=manager), StoreFactory()
    source = pos()
    [sold] = orders_import(integration=source, items=[sale("S1", store=theirs)])
    assert sold.status == "created"

    # when the manager uploads a refund of it, booked in their own store
    content = (
        CSV_HEADER
        + f"R1,refund,S1,2026-11-21T10:00:00+08:00,store,{mine.slug},CNY,,1,PHONE-15-BLK,1,3999.00,1\n"
    ).encode()
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=manager, integration=source, content=content)

    # then it is refused and the sale stays whole
    assert any("refund_of" in p for p in caught.value.errors["file"])
    assert not Order.objects.filter(kind="refund").exists()

    # while the same refund of a sale of their own store goes through
    orders_import(integration=source, items=[sale("S2", store=mine)])
    own = content.replace(b",S1,", b",S2,").replace(b"R1,", b"R2,")
    assert orders_import_csv(actor=manager, integration=source, content=own).created == 1


# Serial numbers and refunds -------------------------------------------------------------------


def test_a_refund_withdraws_ownership_proven_by_a_registered_serial_and_frees_the_serial():
    # given a phone sold to a walk-in customer, whose serial number a member registered
    product = ProductLineFactory(slug="orange-15")
    source, member = pos(), MemberFactory()
    line = {
        "sku": "O15",
        "product": "orange-15",
        "quantity": 1,
        "unit_price": "3999.00",
        "serial_number": "SN-R",
    }
    orders_import(integration=source, items=[sale("S1", lines=[line])])
    services.serial_register(member=member, serial_number="SN-R")
    assert is_verified_owner(member=member, product_line=product)

    # when the phone is returned
    [given_back] = orders_import(
        integration=source,
        items=[
            refund("R1", "S1", [{"sku": "O15", "quantity": 1, "unit_price": "3999.00", "refunds_line": 1}])
        ],
    )
    assert given_back.status == "created", given_back.errors

    # then the member is no longer a verified owner through it
    assert not is_verified_owner(member=member, product_line=product)
    assert not SerialRegistration.objects.exists()

    # and whoever buys the unit when it is sold again registers it
    orders_import(integration=source, items=[sale("S2", lines=[line], at="2026-11-25T10:00:00+08:00")])
    buyer = MemberFactory()
    registration = services.serial_register(member=buyer, serial_number="SN-R")
    assert registration.order_line.order.external_id == "S2"
    assert is_verified_owner(member=buyer, product_line=product)


# A store manager whose role was taken away -------------------------------------------------------


def test_a_manager_whose_role_was_taken_away_reads_no_customers_of_the_store_still_named_for_them(client):
    # given a manager of one store who also works as staff in another
    manager = store_manager()
    former, current = StoreFactory(manager=manager), StoreFactory()
    current.staff.add(manager)
    customer = ContactFactory()
    customer.stores.add(former)

    # when the role is taken away (the store still names them as its manager)
    manager.groups.clear()
    client.force_login(manager)

    # then the former store's customers answer 404 like missing ones, on the API and page
    assert client.get(f"/api/v1/stores/customers/{customer.pk}").status_code == 404
    assert client.get(customer.get_absolute_url()).status_code == 404
    listed = client.get(f"/api/v1/stores/desk/{current.slug}/customers").json()
    assert customer.pk not in [c["id"] for c in listed]
    # while the store they work in still opens
    assert client.get(f"/stores/desk/{current.slug}/").status_code == 200


# Bodies nested too deep ------------------------------------------------------------------------


def test_an_order_batch_nested_too_deep_with_a_surrogate_escape_is_a_400_not_a_server_error(client):
    # The door's check for lone surrogates parses JSON bodies that carry a "\ud800" escape
    # first; nested deeper than the parser's recursion limit, that parse must not crash.
    _token, secret = api_token_create(
        owner=operator(), name="pos", scopes=["events:ingest"], integration=pos()
    )
    depth = 100_000
    body = '{"orders": [' + "[" * depth + '"\\ud800"' + "]" * depth + "]}"
    response = client.post(
        "/api/v1/stores/orders",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert not Order.objects.exists()
