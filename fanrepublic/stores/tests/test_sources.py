"""What an integration reporting sales may say (SalesSource): its stores, online sales,
member ids; and which integrations a store manager may make tokens for."""

import pytest
from django.urls import reverse

from fanrepublic.activity.models import Event
from fanrepublic.activity.services import events_ingest
from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.core.capabilities import Verb, declared_verbs
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.stores.models import Order
from fanrepublic.stores.purchases import REFUND_VERB, SALE_VERB, orders_import, orders_import_csv

from .factories import StoreFactory, pos, sale

pytestmark = pytest.mark.django_db


def statuses(results):
    return [(r.status, sorted(r.errors)) for r in results]


def test_a_till_reports_only_for_its_own_stores():
    mine, other = StoreFactory(), StoreFactory()
    till = pos(stores=[mine], sells_online=False, names_members=False)

    results = orders_import(integration=till, items=[sale("A1", store=mine), sale("A2", store=other)])

    assert statuses(results) == [("created", []), ("rejected", ["store"])]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["A1"]


def test_a_till_names_no_member_and_sells_nothing_online():
    store, member = StoreFactory(), MemberFactory()
    till = pos(stores=[store], sells_online=False, names_members=False)

    results = orders_import(
        integration=till,
        items=[
            sale("A1", store=store, customer={"member": member.pk}),
            sale("A2", channel="online"),
            sale("A3", store=store, customer={"phone": "+8613800138000"}),
        ],
    )

    assert statuses(results) == [
        ("rejected", ["customer.member"]),
        ("rejected", ["channel"]),
        ("created", []),
    ]
    assert not member.verified_ownerships.exists()


def test_the_online_shop_names_its_signed_in_members():
    member = MemberFactory()
    shop = pos(stores=[], sells_online=True, names_members=True)

    results = orders_import(
        integration=shop, items=[sale("W1", channel="online", customer={"member": member.pk})]
    )

    assert statuses(results) == [("created", [])]
    assert Order.objects.get().member == member


def test_an_integration_not_connected_to_stores_sends_no_purchases():
    loose = IntegrationFactory(verbs=[SALE_VERB, REFUND_VERB])
    with pytest.raises(Forbidden) as refused:
        orders_import(integration=loose, items=[sale("A1", store=StoreFactory())])
    assert refused.value.code == "source_not_connected"
    assert not Order.objects.exists()


def test_a_managers_csv_keeps_to_the_tills_stores_too():
    store, other = StoreFactory(), StoreFactory(manager=None)
    till = pos(stores=[other])
    csv = (
        "order_id,occurred_at,kind,refund_of,channel,store,currency,sku,product,description,quantity,unit_price\n"
        f"C1,2026-11-20T10:00:00+08:00,sale,,store,{store.slug},CNY,SKU1,,Case,1,99.00\n"
    ).encode()
    with pytest.raises(ValidationFailed) as refused:
        orders_import_csv(actor=store.manager, integration=till, content=csv, filename="day.csv")
    assert "does not report sales for this store" in " ".join(refused.value.errors["file"])
    assert not Order.objects.exists()


class TestTokensForTills:
    def test_a_manager_makes_tokens_for_their_own_stores_till_only(self):
        store = StoreFactory()
        manager = store.manager
        own_till = pos(stores=[store], sells_online=False, names_members=False)
        shared_till = pos(stores=[store, StoreFactory()], sells_online=False, names_members=False)
        chain_pos = pos(sells_online=False, names_members=False)  # every store
        shop = pos(stores=[store], sells_online=True, names_members=True)
        other_app = IntegrationFactory(channel="app")

        token, _secret = api_token_create(
            owner=manager, name="till", scopes=["events:ingest"], integration=own_till
        )
        assert token.integration == own_till
        for refused in (shared_till, chain_pos, shop, other_app):
            with pytest.raises(ValidationFailed) as error:
                api_token_create(owner=manager, name="x", scopes=["events:ingest"], integration=refused)
            assert "integration" in error.value.errors

    def test_the_token_page_offers_a_manager_only_their_till(self, client):
        store = StoreFactory()
        own_till = pos(stores=[store], sells_online=False, names_members=False, name="Shop 12 till")
        pos(name="Chain POS")
        client.force_login(store.manager)
        page = client.get(reverse("members:tokens")).content.decode()
        assert "Shop 12 till" in page and "Chain POS" not in page
        assert own_till.name in page

    def test_operators_connect_any_integration(self):
        shop = pos()
        token, _secret = api_token_create(
            owner=operator(), name="shop", scopes=["events:ingest"], integration=shop
        )
        assert token.integration == shop


def test_the_event_api_refuses_the_platforms_own_object_types():
    app = IntegrationFactory(channel="app", verbs=["app.opened"])
    with declared_verbs(Verb("app.opened", "opened the app", external=True)):
        results = events_ingest(
            integration=app,
            items=[
                {
                    "idempotency_key": "k1",
                    "verb": "app.opened",
                    "occurred_at": "2026-11-20T10:00:00+08:00",
                    "object_type": "stores.contact",
                    "object_id": "1",
                },
                {
                    "idempotency_key": "k2",
                    "verb": "app.opened",
                    "occurred_at": "2026-11-20T10:00:00+08:00",
                    "object_type": " Stores.Contact ",
                    "object_id": "1",
                },
                {
                    "idempotency_key": "k3",
                    "verb": "app.opened",
                    "occurred_at": "2026-11-20T10:00:00+08:00",
                    "object_type": "app_screen",
                    "object_id": "home",
                },
            ],
        )
    assert [r.status for r in results] == ["rejected", "rejected", "created"]
    assert "object_type" in results[0].errors
    assert list(Event.objects.values_list("object_type", flat=True)) == ["app_screen"]
