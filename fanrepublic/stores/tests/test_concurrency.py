"""Concurrency proofs on PostgreSQL with real concurrent connections: imports replayed
at once store each order once, refunds racing for one sale never give back more than
was sold, and staff adding one customer at once make one contact."""

import pytest

from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.members.tests.factories import operator
from fanrepublic.stores import services
from fanrepublic.stores.models import Contact, Order, OrderLine
from fanrepublic.stores.purchases import orders_import, orders_import_csv

from .factories import StoreFactory, pos, refund, sale

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_callers_replaying_one_batch_store_each_order_once():
    source, store = pos(), StoreFactory()
    batch = [sale(f"A{i}", store=store, customer={"phone": f"+8613800138{i:03d}"}) for i in range(20)]
    results, errors = run_at_once(lambda i: orders_import(integration=source, items=batch), 8)
    assert errors == []
    statuses = [r.status for batch_results in results for r in batch_results]
    assert statuses.count("created") == 20 and statuses.count("duplicate") == 140
    assert Order.objects.count() == 20 and Contact.objects.count() == 20


def test_refunds_racing_for_one_unit_give_back_exactly_one():
    source = pos()
    orders_import(
        integration=source, items=[sale("S1", lines=[{"sku": "P", "quantity": 1, "unit_price": "9.00"}])]
    )
    line = [{"sku": "P", "quantity": 1, "unit_price": "9.00", "refunds_line": 1}]
    results, errors = run_at_once(
        lambda i: orders_import(integration=source, items=[refund(f"R{i}", "S1", line)])[0].status, 6
    )
    assert errors == []
    assert sorted(results) == ["created"] + ["rejected"] * 5
    assert OrderLine.objects.filter(order__kind="refund").count() == 1


def test_two_uploads_of_one_file_at_once_import_it_once():
    store, actor, source = StoreFactory(), operator(), pos()
    header = "order_id,occurred_at,channel,store,currency,sku,quantity,unit_price\n"
    rows = "".join(f"C{i},2026-11-20T10:00:00+08:00,store,{store.slug},CNY,S,1,1.00\n" for i in range(30))
    content = (header + rows).encode()
    results, errors = run_at_once(
        lambda i: orders_import_csv(actor=actor, integration=source, content=content), 2
    )
    assert errors == []
    assert sorted((r.created, r.duplicates) for r in results) == [(0, 30), (30, 0)]
    assert Order.objects.count() == 30


def test_staff_of_five_stores_adding_one_customer_at_once_make_one_contact():
    stores = [StoreFactory() for _ in range(5)]
    results, errors = run_at_once(
        lambda i: services.contact_add(actor=stores[i].manager, store=stores[i], phone="13800138000")[1], 5
    )
    assert errors == []
    assert sorted(results) == [False] * 4 + [True]
    contact = Contact.objects.get()
    assert contact.stores.count() == 5
