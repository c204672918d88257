"""Given/when/then: importing sales and refunds through the API's service and CSV files,
ownership that purchases verify, and every bad input."""

from decimal import Decimal

import pytest

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.members.selectors import is_verified_owner
from fanrepublic.members.tests.factories import MemberFactory, operator, store_manager
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.stores.models import Contact, Order, OrderLine
from fanrepublic.stores.purchases import orders_import, orders_import_csv

from .factories import StoreFactory, pos, refund, sale

pytestmark = pytest.mark.django_db


def test_a_sale_to_a_member_is_stored_with_lines_and_makes_them_a_verified_owner():
    phone = ProductLineFactory(slug="orange-15")
    member, store, source = MemberFactory(), StoreFactory(), pos()
    item = sale(
        store=store,
        customer={"member": member.pk},
        lines=[
            {"sku": "O15-BLK", "product": "orange-15", "quantity": 1, "unit_price": "3999.00"},
            {"sku": "CASE", "quantity": 2, "unit_price": "49.90"},
        ],
        total="4098.80",
    )
    [result] = orders_import(integration=source, items=[item])
    assert result.status == "created", result.errors
    order = Order.objects.get(pk=result.id)
    assert order.total == Decimal("4098.80") and order.currency == "CNY"
    assert order.member == member and order.contact.member == member
    assert [line.sku for line in order.lines.all()] == ["O15-BLK", "CASE"]
    assert is_verified_owner(member=member, product_line=phone)
    event = Event.objects.get(verb="stores.purchase.recorded")
    assert event.actor_id == member.pk and event.properties["total"] == "4098.80"
    assert event.object_type == "stores.contact" and event.source == source.slug
    assert store.customers.filter(contact=order.contact).exists()


def test_sending_the_same_order_again_changes_nothing():
    source = pos()
    first = orders_import(integration=source, items=[sale("A1")])
    again = orders_import(integration=source, items=[sale("A1"), sale("A1")])
    assert first[0].status == "created"
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    assert {r.id for r in again} == {first[0].id}
    assert Order.objects.count() == 1 and Event.objects.filter(verb="stores.purchase.recorded").count() == 1


def test_another_order_reusing_a_number_is_refused_not_merged():
    source = pos()
    orders_import(integration=source, items=[sale("A1")])
    changed = sale("A1", lines=[{"sku": "X", "quantity": 1, "unit_price": "1.00"}])
    [result] = orders_import(integration=source, items=[changed])
    assert result.status == "rejected" and "order_id" in result.errors
    assert Order.objects.get().total == Decimal("3999.00")


def test_order_numbers_are_per_source():
    orders_import(integration=pos(), items=[sale("A1")])
    [result] = orders_import(integration=pos(), items=[sale("A1")])
    assert result.status == "created" and Order.objects.count() == 2


def test_one_bad_order_does_not_keep_out_the_good_ones():
    source = pos()
    results = orders_import(integration=source, items=[sale("G1"), {"order_id": "B1"}, sale("G2")])
    assert [r.status for r in results] == ["created", "rejected", "created"]
    assert set(results[1].errors) >= {"lines", "occurred_at", "currency"}


BAD = [
    ({"currency": "XXX"}, "currency"),
    ({"currency": 5}, "currency"),
    ({"occurred_at": "2026-11-20T15:00:00"}, "occurred_at"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": "2099-01-01T00:00:00+08:00"}, "occurred_at"),
    ({"channel": "pigeon"}, "channel"),
    ({"channel": "store"}, "store"),
    ({"store": "nowhere"}, "store"),
    ({"kind": "gift"}, "kind"),
    ({"refund_of": "A0"}, "refund_of"),
    ({"total": "1.00"}, "total"),
    ({"order_id": ""}, "order_id"),
    ({"order_id": "x" * 101}, "order_id"),
    ({"order_id": "bad\x00"}, "order_id"),
    ({"order_id": "\ud800"}, "order_id"),
    ({"customer": {"member": 999999}}, "customer.member"),
    ({"customer": {"phone": "12"}}, "customer.phone"),
    ({"customer": {"email": "a@b.c"}}, "customer.email"),
    ({"customer": "Li Lei"}, "customer"),
    ({"lines": []}, "lines"),
    ({"lines": "1x phone"}, "lines"),
    ({"lines": [{"sku": "A", "quantity": 0, "unit_price": "1.00"}]}, "lines.1.quantity"),
    ({"lines": [{"sku": "A", "quantity": -1, "unit_price": "1.00"}]}, "lines.1.quantity"),
    ({"lines": [{"sku": "A", "quantity": True, "unit_price": "1.00"}]}, "lines.1.quantity"),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": 19.99}]}, "lines.1.unit_price"),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "-1.00"}]}, "lines.1.unit_price"),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "1.001"}]}, "lines.1.unit_price"),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "NaN"}]}, "lines.1.unit_price"),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "1e12"}]}, "lines.1.unit_price"),
    ({"lines": [{"sku": "", "quantity": 1, "unit_price": "1.00"}]}, "lines.1.sku"),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "1.00", "product": "nope"}]}, "lines.1.product"),
    (
        {"lines": [{"sku": "A", "quantity": 1, "unit_price": "1.00", "refunds_line": 1}]},
        "lines.1.refunds_line",
    ),
    ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "1.00", "colour": "red"}]}, "lines.1.colour"),
    (
        {"lines": [{"sku": "A", "quantity": 1, "unit_price": "1.00", "line": 1}] * 2},
        "lines.2.line",
    ),
    ({"discount": "5%"}, "discount"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_each_bad_field_is_named_and_nothing_is_stored(change, field):
    [result] = orders_import(integration=pos(), items=[{**sale("A1"), **change}])
    assert result.status == "rejected"
    assert field in result.errors, result.errors
    assert not Order.objects.exists() and not Contact.objects.exists()


def test_a_batch_that_is_not_a_list_or_too_long_is_refused(settings):
    settings.STORES_IMPORT_MAX_BATCH = 2
    with pytest.raises(ValidationFailed):
        orders_import(integration=pos(), items=[sale("A"), sale("B"), sale("C")])
    with pytest.raises(ValidationFailed):
        orders_import(integration=pos(), items={"orders": []})


def test_an_integration_must_be_allowed_to_send_purchases_and_switched_on():
    from fanrepublic.activity.tests.factories import IntegrationFactory

    with pytest.raises(Forbidden):
        orders_import(integration=IntegrationFactory(), items=[sale()])
    with pytest.raises(Forbidden):
        orders_import(integration=pos(is_active=False), items=[sale()])


def test_a_customer_given_by_phone_becomes_one_contact_across_orders_and_spellings():
    source, store = pos(), StoreFactory()
    orders_import(
        integration=source,
        items=[
            sale("A1", store=store, customer={"phone": "138 0013 8000", "name": "Li Lei"}),
            sale("A2", store=store, customer={"phone": "+86 138-0013-8000"}),
        ],
    )
    contact = Contact.objects.get()
    assert contact.phone == "+8613800138000" and contact.name == "Li Lei"
    assert Order.objects.filter(contact=contact).count() == 2 and contact.member is None


def test_a_refund_gives_back_lines_and_withdraws_ownership_when_nothing_is_kept():
    product = ProductLineFactory(slug="orange-15")
    member, source = MemberFactory(), pos()
    orders_import(
        integration=source,
        items=[
            sale(
                "S1",
                customer={"member": member.pk},
                lines=[{"sku": "O15", "product": "orange-15", "quantity": 2, "unit_price": "100.00"}],
            )
        ],
    )
    [partial] = orders_import(
        integration=source,
        items=[
            refund("R1", "S1", [{"sku": "O15", "quantity": 1, "unit_price": "100.00", "refunds_line": 1}])
        ],
    )
    assert partial.status == "created", partial.errors
    assert is_verified_owner(member=member, product_line=product)
    [rest] = orders_import(
        integration=source,
        items=[
            refund("R2", "S1", [{"sku": "O15", "quantity": 1, "unit_price": "100.00", "refunds_line": 1}])
        ],
    )
    assert rest.status == "created"
    assert not is_verified_owner(member=member, product_line=product)
    refund_order = Order.objects.get(external_id="R2")
    assert refund_order.refund_of.external_id == "S1" and refund_order.member == member
    assert refund_order.lines.get().product_line == product  # taken from the sale's line
    assert refund_order.signed_total == Decimal("-100.00")


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([{"sku": "O15", "quantity": 3, "unit_price": "100.00", "refunds_line": 1}], "lines.1.quantity"),
        ([{"sku": "O15", "quantity": 1, "unit_price": "100.01", "refunds_line": 1}], "lines.1.unit_price"),
        ([{"sku": "O15", "quantity": 1, "unit_price": "1.00", "refunds_line": 7}], "lines.1.refunds_line"),
        (
            [
                {"sku": "O15", "quantity": 2, "unit_price": "1.00", "refunds_line": 1, "line": 1},
                {"sku": "O15", "quantity": 1, "unit_price": "1.00", "refunds_line": 1, "line": 2},
            ],
            "lines.2.quantity",
        ),
    ],
)
def test_a_refund_cannot_give_back_more_than_was_sold(lines, field):
    source = pos()
    orders_import(
        integration=source, items=[sale("S1", lines=[{"sku": "O15", "quantity": 2, "unit_price": "100.00"}])]
    )
    [result] = orders_import(integration=source, items=[refund("R1", "S1", lines)])
    assert result.status == "rejected" and field in result.errors, result.errors
    assert not Order.objects.filter(kind="refund").exists()


def test_a_refund_must_name_a_sale_of_the_same_source_in_its_currency_and_after_it():
    source = pos()
    orders_import(integration=source, items=[sale("S1")])
    line = [{"sku": "PHONE-15-BLK", "quantity": 1, "unit_price": "1.00", "refunds_line": 1}]
    [other_source] = orders_import(integration=pos(), items=[refund("R1", "S1", line)])
    [currency] = orders_import(integration=source, items=[refund("R2", "S1", line, currency="USD")])
    [early] = orders_import(
        integration=source, items=[refund("R3", "S1", line, at="2026-11-01T00:00:00+08:00")]
    )
    assert "refund_of" in other_source.errors
    assert "currency" in currency.errors
    assert "occurred_at" in early.errors


CSV_HEADER = (
    "order_id,kind,refund_of,occurred_at,channel,store,currency,phone,customer_name,"
    "line,product,sku,quantity,unit_price,serial_number,refunds_line\n"
)


def _csv(store, rows: str) -> bytes:
    return (CSV_HEADER + rows.replace("{store}", store.slug)).encode()


def test_a_csv_file_imports_all_its_orders_and_a_second_upload_changes_nothing():
    ProductLineFactory(slug="orange-15")
    store, actor, source = StoreFactory(), operator(), pos()
    content = _csv(
        store,
        "C1,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,13800138000,Wang,1,orange-15,O15,1,3999.00,SN1,\n"
        "C1,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,13800138000,Wang,2,,CASE,1,49.00,,\n"
        "C2,sale,,2026-11-20T11:00:00+08:00,store,{store},CNY,,,1,,CABLE,3,9.90,,\n"
        "R1,refund,C1,2026-11-21T11:00:00+08:00,store,{store},CNY,,,1,,CASE,1,49.00,,2\n",
    )
    report = orders_import_csv(actor=actor, integration=source, content=content, filename="day.csv")
    assert (report.orders, report.created, report.duplicates, report.rows) == (3, 3, 0, 4)
    assert Order.objects.get(external_id="C1").total == Decimal("4048.00")
    again = orders_import_csv(actor=actor, integration=source, content=content, filename="day.csv")
    assert (again.created, again.duplicates) == (0, 3)
    assert Order.objects.count() == 3 and OrderLine.objects.count() == 4


def test_a_csv_file_with_a_bad_row_stores_nothing_and_names_each_bad_row():
    store, source = StoreFactory(), pos()
    content = _csv(
        store,
        "C1,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,,,1,,O15,1,3999.00,,\n"
        "C2,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,,,1,,O15,zero,3999.00,,\n"
        "C3,sale,,not-a-date,store,{store},CNY,,,1,,O15,1,3999.00,,\n"
        "C1,sale,,2026-11-20T10:00:00+08:00,store,{store},USD,,,2,,CASE,1,49.00,,\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=operator(), integration=source, content=content)
    problems = caught.value.errors["file"]
    assert any(p.startswith("Row 3 ") and "quantity" in p for p in problems), problems
    assert any(p.startswith("Row 4 ") and "occurred_at" in p for p in problems), problems
    assert any(p.startswith("Row 5:") and "currency" in p for p in problems), problems
    assert not Order.objects.exists() and not Contact.objects.exists()


def test_a_csv_refund_that_does_not_fit_rolls_back_the_whole_file():
    store, source = StoreFactory(), pos()
    content = _csv(
        store,
        "C1,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,,,1,,O15,1,10.00,,\n"
        "R1,refund,C1,2026-11-21T10:00:00+08:00,store,{store},CNY,,,1,,O15,2,10.00,,1\n",
    )
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=operator(), integration=source, content=content)
    assert any("Row 3" in p for p in caught.value.errors["file"])
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"order_id,sku\nA,B\n",
        b"order_id,occurred_at,currency,sku,quantity,unit_price,price_usd\n",
        b"\xff\xfe\x00\x00garbage",
        CSV_HEADER.encode() + b"A,sale,,2026-11-20T10:00:00+08:00,online,,CNY,,,1,,S,1,1.00,,,extra\n",
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content):
    with pytest.raises(ValidationFailed) as caught:
        orders_import_csv(actor=operator(), integration=pos(), content=content)
    assert caught.value.errors
    assert not Order.objects.exists()


def test_a_gb18030_export_is_read():
    store = StoreFactory()
    content = (
        CSV_HEADER + f"C1,sale,,2026-11-20T10:00:00+08:00,store,{store.slug},CNY,,张三,1,,O15,1,10.00,,\n"
    ).encode("gb18030")
    orders_import_csv(actor=operator(), integration=pos(), content=content)
    assert Order.objects.get().contact is None  # a name alone does not make a contact


def test_a_store_manager_imports_only_their_own_stores_rows():
    manager = store_manager()
    mine, theirs = StoreFactory(manager=manager), StoreFactory()
    source = pos()
    ok = _csv(mine, "C1,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,,,1,,O15,1,10.00,,\n")
    assert orders_import_csv(actor=manager, integration=source, content=ok).created == 1
    other = _csv(theirs, "C2,sale,,2026-11-20T10:00:00+08:00,store,{store},CNY,,,1,,O15,1,10.00,,\n")
    with pytest.raises(ValidationFailed):
        orders_import_csv(actor=manager, integration=source, content=other)
    online = (CSV_HEADER + "C3,sale,,2026-11-20T10:00:00+08:00,online,,CNY,,,1,,O15,1,10.00,,\n").encode()
    with pytest.raises(ValidationFailed):
        orders_import_csv(actor=manager, integration=source, content=online)
    with pytest.raises(Forbidden):
        orders_import_csv(actor=MemberFactory(), integration=source, content=ok)
    assert Order.objects.count() == 1
