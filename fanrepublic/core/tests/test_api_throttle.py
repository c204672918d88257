"""The API throttle: per address and per token, higher for integration tokens, 429 with
Retry-After and the API's error body (core.throttling, config/api.py)."""

import secrets

import pytest
from django.test import Client

from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.members.models import ApiToken
from fanrepublic.members.tests.factories import ApiTokenFactory, MemberFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
ATTACKER = "203.0.113.66"


def bearer(**token_fields):
    secret = f"fr_{secrets.token_urlsafe(16)}"
    ApiTokenFactory(key_hash=ApiToken.hash_key(secret), **token_fields)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def ingest(headers, ip=ATTACKER):
    return Client().post(
        f"{API}/events", {"events": []}, content_type="application/json", REMOTE_ADDR=ip, **headers
    )


def assert_throttled(response, retry_after="30"):
    # The clock is pinned 30 s into the minute, so the wait is the rest of it.
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == retry_after
    error = response.json()["error"]
    assert error["code"] == "rate_limited" and error["message"] and error["fields"] == {}


@pytest.fixture
def small_limits(settings):
    settings.API_RATE_PER_IP = "5/m"
    settings.API_RATE_PER_TOKEN = "3/m"
    settings.API_RATE_PER_INTEGRATION_TOKEN = "8/m"
    return settings


class TestPerToken:
    def test_a_token_past_its_limit_gets_429_with_retry_after(self, client, small_limits):
        # Given a personal token and a limit of 3 requests a minute per token
        headers = bearer()
        # When it makes a fourth request
        statuses = [client.get(f"{API}/me", **headers).status_code for _ in range(3)]
        response = client.get(f"{API}/me", **headers)
        # Then the first three were answered and the fourth is throttled
        assert statuses == [200, 200, 200]
        assert_throttled(response)

    def test_another_token_has_its_own_count(self, small_limits):
        small_limits.API_RATE_PER_IP = "100/m"
        first, second = bearer(), bearer()
        for _ in range(3):
            Client().get(f"{API}/me", **first)
        assert_throttled(Client().get(f"{API}/me", **first))
        assert Client().get(f"{API}/me", **second).status_code == 200

    def test_an_integration_token_gets_the_higher_limit(self, small_limits):
        # Given an integration's token (scope events:ingest) sending from one address
        headers = bearer(scopes=["events:ingest"], integration=IntegrationFactory())
        # When it sends more batches than a personal token (3) or the address (5) may
        statuses = [ingest(headers).status_code for _ in range(8)]
        # Then they are all taken, up to its own, higher limit (8), and no further
        assert statuses == [200] * 8
        assert_throttled(ingest(headers))


class TestPerAddress:
    def test_visitors_past_the_address_limit_get_429(self, client, small_limits):
        member = MemberFactory()
        url = f"{API}/members/{member.username}"
        statuses = [client.get(url, REMOTE_ADDR=ATTACKER).status_code for _ in range(5)]
        assert statuses == [200] * 5
        assert_throttled(client.get(url, REMOTE_ADDR=ATTACKER))
        # Another address is not affected
        assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200

    def test_rotating_x_forwarded_for_does_not_evade_it(self, client, small_limits):
        # Given no trusted proxy (the default)
        member = MemberFactory()
        url = f"{API}/members/{member.username}"
        # When every request carries a new X-Forwarded-For
        responses = [
            client.get(url, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}") for i in range(6)
        ]
        # Then the sixth is throttled all the same
        assert [r.status_code for r in responses[:5]] == [200] * 5
        assert_throttled(responses[5])

    def test_with_one_trusted_proxy_its_hop_is_the_client(self, client, small_limits):
        small_limits.TRUSTED_PROXY_COUNT = 1
        member = MemberFactory()
        url = f"{API}/members/{member.username}"
        for i in range(5):
            client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, {ATTACKER}")
        assert_throttled(client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {ATTACKER}"))
        # Another client of the same proxy goes on
        ok = client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{ATTACKER}, 198.51.100.7")
        assert ok.status_code == 200

    def test_a_personal_tokens_requests_count_against_its_address_too(self, small_limits):
        small_limits.API_RATE_PER_TOKEN = "100/m"
        tokens = [bearer() for _ in range(6)]
        statuses = [Client().get(f"{API}/me", REMOTE_ADDR=ATTACKER, **h).status_code for h in tokens[:5]]
        assert statuses == [200] * 5
        assert_throttled(Client().get(f"{API}/me", REMOTE_ADDR=ATTACKER, **tokens[5]))

    def test_refused_tokens_count_against_the_address(self, client, small_limits):
        # Given someone sending made-up tokens
        bad = {"HTTP_AUTHORIZATION": "Bearer fr_made_up"}
        statuses = [client.get(f"{API}/me", REMOTE_ADDR=ATTACKER, **bad).status_code for _ in range(5)]
        # Then they are refused (401) until the address's limit, then throttled
        assert statuses == [401] * 5
        assert_throttled(client.get(f"{API}/me", REMOTE_ADDR=ATTACKER, **bad))


def test_the_launch_halls_answer_path_is_not_throttled(client, settings):
    # The hot path is a plain view with its own checks, not part of the API.
    settings.API_RATE_PER_IP = "1/m"
    url = "/launches/no-such-event/questions/1/answer/2"
    statuses = {client.post(url, REMOTE_ADDR=ATTACKER).status_code for _ in range(5)}
    assert 429 not in statuses


def test_an_unreachable_counter_store_lets_the_api_serve(client, small_limits, monkeypatch, caplog):
    # Given the cache that holds the counters (Redis in production) is down
    import redis

    from fanrepublic.core import ratelimit

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(ratelimit, "hit", down)
    # When a member calls the API
    response = client.get(f"{API}/me", **bearer())
    # Then it is served (not a 500), and the log says the throttle was not counted
    assert response.status_code == 200
    assert "not counted" in caplog.text
