"""The chains API: reading, signing and changing one's line, catching up by number."""

import json

import pytest

from fanrepublic.chains.models import Chain, Entry
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator

from .factories import BoardRuleFactory, ChainFactory

pytestmark = pytest.mark.django_db


def bearer(member, scopes=("read", "write")):
    _token, secret = api_token_create(owner=member, name="app", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def put(client, path, body, headers):
    return client.put(path, data=json.dumps(body), content_type="application/json", **headers)


def test_a_member_signs_changes_and_withdraws_by_api(client):
    chain = ChainFactory(pledge_max=2)
    headers = bearer(MemberFactory(display_name="Xiao Mi"))
    path = f"/api/v1/chains/{chain.slug}/entry"
    created = put(client, path, {"message": "永不离开", "pledge": 1}, headers)
    assert (
        created.status_code == 201 and created.json()["number"] == 1 and created.json()["name"] == "Xiao Mi"
    )
    changed = put(client, path, {"message": "永不离开！", "pledge": 2}, headers)
    assert changed.status_code == 200 and changed.json()["pledge"] == 2
    bad = put(client, path, {"message": "x", "pledge": 3}, headers)
    assert bad.status_code == 422 and "pledge" in bad.json()["error"]["fields"]
    assert client.get(f"/api/v1/chains/{chain.slug}").json()["pledge_total"] == 2
    assert client.delete(path, **headers).status_code == 204
    assert not Entry.objects.exists()


def test_a_read_only_token_cannot_sign():
    from django.test import Client

    chain = ChainFactory()
    refused = put(
        Client(), f"/api/v1/chains/{chain.slug}/entry", {"message": "x"}, bearer(MemberFactory(), ["read"])
    )
    assert refused.status_code == 403 and not Entry.objects.exists()


def test_readers_catch_up_by_number(client):
    from fanrepublic.chains.services import entry_sign

    chain = ChainFactory()
    for _ in range(5):
        entry_sign(actor=MemberFactory(), chain=chain, message="+1")
    first = client.get(f"/api/v1/chains/{chain.slug}/entries?limit=2").json()
    assert [e["number"] for e in first] == [1, 2]
    rest = client.get(f"/api/v1/chains/{chain.slug}/entries?after=2").json()
    assert [e["number"] for e in rest] == [3, 4, 5]
    assert client.get(f"/api/v1/chains/{chain.slug}/entries?after=-5&limit=100000").status_code == 200
    assert client.get("/api/v1/chains/nope/entries").status_code == 404


def test_members_start_chains_by_api_only_on_a_board_that_lets_them(client):
    rule = BoardRuleFactory(min_trust_level=0)
    headers = bearer(MemberFactory())
    no_board = client.post(
        "/api/v1/chains", data=json.dumps({"theme": "x"}), content_type="application/json", **headers
    )
    assert no_board.status_code == 403
    unknown = client.post(
        "/api/v1/chains",
        data=json.dumps({"theme": "x", "board": "nope"}),
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == 422 and "board" in unknown.json()["error"]["fields"]
    made = client.post(
        "/api/v1/chains",
        data=json.dumps(
            {"theme": "Band 9", "board": rule.board.slug, "pledge_label": "Units", "pledge_max": 2}
        ),
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201 and made.json()["board"] == rule.board.slug
    assert Chain.objects.get().started_by.pk != operator().pk


@pytest.mark.parametrize("body", [{"mesage": "typo"}, [], "x", {"message": "x", "pledge": 1, "extra": 1}])
def test_a_body_that_is_not_a_line_changes_nothing(client, body):
    chain = ChainFactory()
    refused = put(client, f"/api/v1/chains/{chain.slug}/entry", body, bearer(MemberFactory()))
    assert refused.status_code in (400, 422) and not Entry.objects.exists()


def test_moderators_hide_and_restore_a_line_and_hide_a_chain_by_api(client):
    from fanrepublic.chains.services import entry_sign
    from fanrepublic.core.models import AuditEntry

    chain = ChainFactory(pledge_max=3)
    entry_sign(actor=MemberFactory(), chain=chain, message="Buy cheap watches", pledge=3)
    entry_sign(actor=MemberFactory(), chain=chain, message="永不离开", pledge=1)
    staff, member = bearer(operator()), bearer(MemberFactory())
    base = f"/api/v1/chains/{chain.slug}"

    def post(path, body, headers):
        return client.post(path, data=json.dumps(body), content_type="application/json", **headers)

    assert post(f"{base}/entries/1/hide", {"reason": "Advertising"}, member).status_code == 404
    assert post(f"{base}/entries/1/hide", {"reason": ""}, staff).status_code == 422
    assert post(f"{base}/entries/1/hide", {"reason": "Advertising"}, staff).status_code == 200
    assert client.get(base).json()["pledge_total"] == 1
    assert post(f"{base}/entries/1/restore", {}, member).status_code == 404
    restored = post(f"{base}/entries/1/restore", {}, staff)
    assert restored.status_code == 200 and restored.json()["number"] == 1
    assert client.get(base).json()["pledge_total"] == 4 and client.get(base).json()["entry_count"] == 2
    assert post(f"{base}/entries/99/restore", {}, staff).status_code == 404

    assert post(f"{base}/hide", {"reason": "Scam"}, member).status_code == 404
    assert post(f"{base}/hide", {"reason": "Scam"}, staff).status_code == 200
    assert client.get(base).status_code == 404  # gone for everyone but moderators
    assert Chain.objects.get().status == "hidden"
    assert AuditEntry.objects.filter(action="chains.chain.hidden").count() == 1
