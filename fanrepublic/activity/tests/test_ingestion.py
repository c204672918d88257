"""Event ingestion from integrations: only external verbs of the catalogue, only what
the integration may send, on its channel, with properties that fit the verb; earning
rules pay only the sources they trust; a replayed key is `created` to exactly one caller.

The first tests replay the penetration test's finding: a store's token sent verbs the
platform records itself (a beta report approved, a suggestion accepted, a release item
shipped) for a member, and the earning rules paid them."""

import json

import pytest
from django.db import close_old_connections, connection

from fanrepublic.activity.models import Event
from fanrepublic.activity.services import events_ingest
from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.core.capabilities import verbs
from fanrepublic.core.errors import Forbidden
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.points.models import EarningRule, Transaction
from fanrepublic.points.rules import rule_save
from fanrepublic.points.services import wallet_for

pytestmark = pytest.mark.django_db
API = "/api/v1/events"
PLATFORM_VERBS = ["betas.report.approved", "forum.topic.accepted", "releases.item.shipped"]


def purchase(key="k1", **over):
    base = {
        "idempotency_key": key,
        "verb": "store.purchased",
        "occurred_at": "2026-11-01T10:00:00+08:00",
        "properties": {"order": "SO-1001", "total": "2999.00", "currency": "CNY"},
    }
    base.update(over)
    return base


def integration_token(integration=None, owner=None):
    integration = integration or IntegrationFactory()
    _token, secret = api_token_create(
        owner=owner or operator(), name="pos", scopes=["events:ingest"], integration=integration
    )
    return integration, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, headers, events):
    return client.post(API, data=json.dumps({"events": events}), content_type="application/json", **headers)


def balance(member) -> int:
    return wallet_for(member).balance_minor


class TestTheMintingFinding:
    def test_a_store_token_cannot_send_what_the_platform_records(self, client, on_commit):
        # Given earning rules that pay the three platform verbs, and a member
        fan = MemberFactory(username="mifan")
        for verb in PLATFORM_VERBS:
            EarningRule.objects.create(name=verb, verb=verb, points=400)
        _integration, headers = integration_token()
        # When the store's token sends them for the member, with no actor
        events = [
            {"idempotency_key": f"mint-{verb}", "verb": verb, "owner": fan.pk, "properties": {}}
            for verb in PLATFORM_VERBS
        ]
        with on_commit():
            response = post(client, headers, events)
        # Then each is refused on its own, nothing is stored and nothing is paid
        assert response.status_code == 200
        body = response.json()
        assert body["created"] == 0 and body["rejected"] == 3
        for result in body["results"]:
            assert "platform records it itself" in result["errors"]["verb"][0]
        assert Event.objects.filter(verb__in=PLATFORM_VERBS).count() == 0
        assert balance(fan) == 0 and not Transaction.objects.filter(kind="earn").exists()

    def test_every_internal_verb_of_the_catalogue_is_refused(self):
        integration = IntegrationFactory(verbs=["store.visited"])
        internal = [name for name, v in verbs().items() if not v.external]
        assert len(internal) > 50  # the platform's own verbs, declared by the apps
        results = events_ingest(
            items=[{"idempotency_key": f"i{n}", "verb": v} for n, v in enumerate(internal)],
            integration=integration,
        )
        assert {r.status for r in results} == {"rejected"}
        assert Event.objects.count() == 0

    def test_a_rule_pays_only_the_sources_it_trusts(self, on_commit):
        fan = MemberFactory()
        trusted, untrusted = IntegrationFactory(), IntegrationFactory()
        rule_save(
            actor=operator(),
            rule=None,
            data={
                "name": "Purchase",
                "verb": "store.purchased",
                "points": 50,
                "daily_cap": 5,
                "pays_platform_events": False,
                "trusted_integrations": [trusted.slug],
            },
        )
        with on_commit():
            events_ingest(items=[purchase("t1", owner=fan.pk)], integration=trusted)
            events_ingest(items=[purchase("u1", owner=fan.pk)], integration=untrusted)
        assert balance(fan) == 50
        paid = Transaction.objects.get(kind="earn")
        assert paid.source_event_id == Event.objects.get(idempotency_key="t1").pk

    def test_a_platform_only_rule_never_pays_an_integration(self, on_commit):
        fan = MemberFactory()
        integration = IntegrationFactory()
        EarningRule.objects.create(name="p", verb="store.purchased", points=10, daily_cap=1)
        with on_commit():
            events_ingest(items=[purchase("p1", owner=fan.pk)], integration=integration)
        assert balance(fan) == 0


class TestWhatAnIntegrationMaySend:
    def test_only_its_own_verbs_on_its_own_channel(self):
        integration = IntegrationFactory(verbs=["store.visited"], channel="store")
        results = events_ingest(
            items=[
                {"idempotency_key": "a", "verb": "store.visited", "properties": {"store": "BJ-01"}},
                purchase("b"),  # external, but not this integration's
                {
                    "idempotency_key": "c",
                    "verb": "store.visited",
                    "channel": "app",
                    "properties": {"store": "x"},
                },
                {"idempotency_key": "d", "verb": "store.nonsense"},
            ],
            integration=integration,
        )
        assert [r.status for r in results] == ["created", "rejected", "rejected", "rejected"]
        assert "not allowed" in results[1].errors["verb"][0]
        assert "channel" in results[2].errors
        assert "not in the catalogue" in results[3].errors["verb"][0]
        stored = Event.objects.get(idempotency_key="a")
        assert (
            stored.integration == integration
            and stored.channel == "store"
            and stored.source == integration.slug
        )

    @pytest.mark.parametrize(
        "properties",
        [
            {"order": "SO-1", "total": "=1+1"},  # not an amount
            {"order": "SO-1", "total": "10.00", "hacked": True},  # unknown key
            {"total": "10.00"},  # order missing
            {"order": "SO-1", "total": "10.00", "items": True},  # a boolean is not a count
            {"order": "SO 1; DROP", "total": "10.00"},  # not a code
            {"order": "SO-1", "total": "10.00", "currency": "yuan"},
        ],
    )
    def test_properties_must_fit_the_verbs_schema(self, properties):
        (result,) = events_ingest(items=[purchase(properties=properties)], integration=IntegrationFactory())
        assert result.status == "rejected" and result.errors["properties"]
        assert Event.objects.count() == 0

    @pytest.mark.parametrize("bad", ["\ud800", "a\x00b", "\udfff tail"])
    def test_text_that_is_not_valid_unicode_is_refused_per_item(self, bad):
        results = events_ingest(
            items=[
                purchase("ok"),
                purchase("bad", properties={"order": bad, "total": "1.00"}),
                purchase(bad),
            ],
            integration=IntegrationFactory(),
        )
        assert [r.status for r in results] == ["created", "rejected", "rejected"]
        assert results[2].idempotency_key == ""  # never echoed back broken

    def test_a_switched_off_integration_sends_nothing(self):
        integration = IntegrationFactory(is_active=False)
        with pytest.raises(Forbidden):
            events_ingest(items=[purchase()], integration=integration)
        assert Event.objects.count() == 0


class TestTokens:
    def test_an_ingestion_token_needs_an_active_integration(self):
        from fanrepublic.core.errors import ValidationFailed

        with pytest.raises(ValidationFailed):
            api_token_create(owner=operator(), name="x", scopes=["events:ingest"])
        with pytest.raises(ValidationFailed):
            api_token_create(
                owner=operator(),
                name="x",
                scopes=["events:ingest"],
                integration=IntegrationFactory(is_active=False),
            )

    def test_members_cannot_create_one(self):
        with pytest.raises(Forbidden):
            api_token_create(
                owner=MemberFactory(), name="x", scopes=["events:ingest"], integration=IntegrationFactory()
            )

    def test_an_ingestion_token_never_acts_as_its_creator(self, client):
        _integration, headers = integration_token(owner=operator())
        assert client.get("/api/v1/me", **headers).status_code == 401
        assert client.get("/api/v1/points/rules", **headers).status_code == 401

    def test_a_personal_token_cannot_ingest(self, client):
        _t, secret = api_token_create(owner=operator(), name="p", scopes=["read", "write"])
        response = post(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, [purchase()])
        assert response.status_code == 401 and Event.objects.count() == 0

    def test_the_api_reports_each_item(self, client):
        integration, headers = integration_token()
        body = post(client, headers, [purchase("a"), purchase("a"), {"verb": "store.purchased"}]).json()
        assert [r["status"] for r in body["results"]] == ["created", "duplicate", "rejected"]
        assert Event.objects.get().integration == integration

    def test_a_lone_surrogate_in_the_body_is_a_clear_400(self, client):
        _integration, headers = integration_token()
        raw = (
            '{"events": [{"idempotency_key": "s", "verb": "store.purchased", '
            '"properties": {"order": "\\ud800"}}]}'
        )
        response = client.post(API, data=raw, content_type="application/json", **headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_characters"
        assert Event.objects.count() == 0


def test_the_catalogue_is_published(client):
    rows = client.get(f"{API}/verbs").json()
    by_name = {r["name"]: r for r in rows}
    assert by_name["store.purchased"]["external"] and by_name["store.purchased"]["properties_schema"]
    assert by_name["bounty.report.valid"] == {
        "name": "bounty.report.valid",
        "app": "bounty",
        "description": by_name["bounty.report.valid"]["description"],
        "external": False,
        "endpoint": "",
        "properties_schema": None,
    }
    assert by_name["stores.purchase.recorded"]["endpoint"] == "/api/v1/stores/orders"
    assert all(r["description"] and r["app"] for r in rows)


def test_a_verb_that_has_its_own_endpoint_is_refused_here_and_says_where_to_send_it():
    integration = IntegrationFactory(verbs=["stores.purchase.recorded"])
    [result] = events_ingest(
        items=[{"idempotency_key": "k", "verb": "stores.purchase.recorded", "properties": {}}],
        integration=integration,
    )
    assert result.status == "rejected" and "/api/v1/stores/orders" in result.errors["verb"][0]
    assert Event.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_ingestions_of_one_key_tell_exactly_one_caller_created():
    import threading

    integration = IntegrationFactory()
    barrier = threading.Barrier(30)
    statuses, errors = [], []

    def send():
        try:
            barrier.wait()
            (result,) = events_ingest(items=[purchase("same-key")], integration=integration)
            statuses.append(result.status)
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=send) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert statuses.count("created") == 1 and statuses.count("duplicate") == 29
    assert Event.objects.filter(idempotency_key="same-key").count() == 1


def test_docs_list_every_declared_verb():
    # A new verb is documented in the same change that declares it.
    from pathlib import Path

    from django.utils import translation

    from fanrepublic.activity.selectors import catalogue_markdown

    with translation.override("en"):
        expected = catalogue_markdown()
    docs = Path(__file__).resolve().parents[3] / "docs" / "events.md"
    assert docs.read_text() == expected, "run `manage.py event_verbs > docs/events.md`"


def test_the_admin_lists_the_catalogue(admin_client):
    response = admin_client.get("/admin/activity/event/verbs/")
    assert response.status_code == 200 and "store.purchased" in response.content.decode()
    assert "/admin/activity/event/verbs/" in admin_client.get("/admin/activity/event/").content.decode()
