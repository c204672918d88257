"""Given/when/then over HTTP: purchases from an integration's token, check-ins, the
member's own records and the desk's customers, as the API's callers meet them."""

import json

import pytest

from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.stores.checkin_codes import screen_code
from fanrepublic.stores.models import Order

from .factories import StoreFactory, pos, sale

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/stores/orders"


def token_for(integration):
    _token, secret = api_token_create(
        owner=operator(), name="pos", scopes=["events:ingest"], integration=integration
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, headers, orders):
    return client.post(
        ORDERS, data=json.dumps({"orders": orders}), content_type="application/json", **headers
    )


def test_a_point_of_sale_sends_a_batch_and_hears_what_became_of_each_order(client):
    store = StoreFactory()
    headers = token_for(pos())
    response = send(client, headers, [sale("A1", store=store), {"order_id": "A2"}, sale("A1", store=store)])
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (1, 1, 1)
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "duplicate"]
    assert body["results"][1]["errors"]["lines"]
    assert Order.objects.count() == 1


def test_errors_come_in_the_callers_language(client):
    headers = token_for(pos())
    body = send(
        client, {**headers, "HTTP_ACCEPT_LANGUAGE": "zh-hans"}, [{**sale("A1"), "currency": "XXX"}]
    ).json()
    message = body["results"][0]["errors"]["currency"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_only_an_integrations_token_may_send_purchases(client):
    _t, personal = api_token_create(owner=operator(), name="me", scopes=["read", "write"])
    assert send(client, {"HTTP_AUTHORIZATION": f"Bearer {personal}"}, [sale()]).status_code == 401
    assert send(client, {}, [sale()]).status_code == 401
    client.force_login(operator())
    assert send(client, {}, [sale()]).status_code == 401
    assert not Order.objects.exists()


def test_an_integration_not_listing_purchases_is_refused(client):
    from fanrepublic.activity.tests.factories import IntegrationFactory

    response = send(client, token_for(IntegrationFactory(verbs=["store.visited"])), [sale()])
    assert response.status_code == 403 and response.json()["error"]["code"] == "verb_not_allowed"


def test_a_body_that_is_not_a_batch_is_a_clear_422(client):
    headers = token_for(pos())
    for raw in ('{"orders": "A1"}', "[]", '{"orders": []}', "not json"):
        response = client.post(ORDERS, data=raw, content_type="application/json", **headers)
        assert response.status_code in (400, 422), raw
    assert not Order.objects.exists()


def test_a_member_checks_in_by_api_and_reads_their_holdings(client):
    store, member = StoreFactory(), MemberFactory()
    client.force_login(member)
    first = client.post(
        "/api/v1/stores/check-in",
        data=json.dumps({"store": store.slug, "code": screen_code(store)}),
        content_type="application/json",
    )
    again = client.post(
        "/api/v1/stores/check-in",
        data=json.dumps({"store": store.slug, "code": screen_code(store)}),
        content_type="application/json",
    )
    wrong = client.post(
        "/api/v1/stores/check-in",
        data=json.dumps({"store": store.slug, "code": "x"}),
        content_type="application/json",
    )
    assert (first.status_code, again.status_code, wrong.status_code) == (201, 200, 404)
    assert first.json()["store"] == store.slug
    holdings = client.get("/api/v1/stores/me").json()
    assert holdings["visits"] == 1 and holdings["customer_records"] == 1 and holdings["orders"] == []


def test_a_link_code_from_the_api_links_at_the_desk_and_the_customer_reads_back_masked(client):
    store, member = StoreFactory(), MemberFactory()
    client.force_login(member)
    code = client.post("/api/v1/stores/me/link-code").json()["code"]
    assert len(code) == 9 and code[4] == "-"
    client.force_login(store.manager)
    added = client.post(
        f"/api/v1/stores/desk/{store.slug}/customers",
        data=json.dumps({"name": "Li Lei", "phone": "13800138000"}),
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["phone"] == "+86138****8000"
    contact_id = added.json()["id"]
    linked = client.post(
        f"/api/v1/stores/customers/{contact_id}/link",
        data=json.dumps({"code": code}),
        content_type="application/json",
    )
    assert linked.status_code == 200 and linked.json()["member"] == member.username
    detail = client.get(f"/api/v1/stores/customers/{contact_id}").json()
    assert detail["stores"] == [store.slug] and detail["phone"] == "+86138****8000"
    assert {e["verb"] for e in detail["timeline"]} >= {"stores.contact.added", "stores.contact.linked"}
    listed = client.get(f"/api/v1/stores/desk/{store.slug}/customers?q=8000").json()
    assert [c["id"] for c in listed] == [contact_id]


def test_another_stores_manager_meets_404_for_the_store_and_its_customers(client):
    store, other = StoreFactory(), StoreFactory()
    client.force_login(store.manager)
    contact = client.post(
        f"/api/v1/stores/desk/{store.slug}/customers",
        data=json.dumps({"phone": "13800138000"}),
        content_type="application/json",
    ).json()
    client.force_login(other.manager)
    assert client.get(f"/api/v1/stores/customers/{contact['id']}").status_code == 404
    assert client.get(f"/api/v1/stores/desk/{store.slug}/customers").status_code == 404
    assert client.get(f"/api/v1/stores/customers/{contact['id'] + 999}").status_code == 404
