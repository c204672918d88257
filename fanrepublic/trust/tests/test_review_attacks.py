"""A security review's attacks on the trust app, each written as the attacker would try
it: a store manager moved to another store keeping an old store's case, a customer
flooding the store with case messages, anyone on the internet filling the database with
forged callbacks or nested XML, a failure while storing a callback turning WeCom's retry into a
"replay", one chatty customer making an operator's rule trial quadratic, and a body
nested too deep for the door's JSON check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.activity.services import NewEvent, record_events
from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.core.errors import RateLimited
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator, store_manager
from fanrepublic.stores import services as store_services
from fanrepublic.stores.tests.factories import ContactFactory, StoreFactory
from fanrepublic.trust import rules, selectors, services, temperature, wecom
from fanrepublic.trust.models import ChatMessage, RefusedCallback

from .builders import ASK, AT, chat_id, customer_id, message_json, post_callback, seal
from .factories import ServiceCaseFactory

pytestmark = pytest.mark.django_db


# A case stays with the store, not with a former assignee --------------------------------------


def test_a_manager_moved_to_another_store_keeps_no_access_to_the_old_store_s_case(client):
    # given a case of a store, assigned to its manager
    moved, successor = store_manager(), store_manager()
    old = StoreFactory(manager=moved)
    StoreFactory(manager=moved)  # the store they run from now on
    case = ServiceCaseFactory(store=old, assignee=moved)

    # when the network names another manager for the old store
    store_services.store_save(actor=operator(), store=old, data={"manager": successor})

    # then the moved manager meets 404, on the page, the API and the console's list
    client.force_login(moved)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/trust/cases/{case.pk}").status_code == 404
    assert case.pk not in [c["id"] for c in client.get("/api/v1/trust/cases?status=all").json()]
    assert (
        client.post(
            f"/api/v1/trust/cases/{case.pk}/close", {"outcome": "lost"}, "application/json"
        ).status_code
        == 404
    )
    # while the store's new manager works it
    client.force_login(successor)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert case in selectors.cases_visible(viewer=successor)


def test_a_case_without_a_store_stays_with_its_assignee():
    assignee = store_manager()
    case = ServiceCaseFactory(store=None, assignee=assignee)
    assert case in selectors.cases_visible(viewer=assignee)
    assert selectors.case_get(viewer=assignee, pk=case.pk) == case


# Case messages from the customer are limited -------------------------------------------------


def test_a_customer_cannot_flood_the_store_with_case_messages(client, settings):
    # given a customer's open case and a low limit
    settings.TRUST_CASE_CUSTOMER_WRITE_RATE = "3/h"
    member, store = MemberFactory(), StoreFactory()
    contact = ContactFactory(member=member)
    case = ServiceCaseFactory(contact=contact, store=store)
    client.force_login(member)

    def write(text):
        return client.post(
            f"/api/v1/trust/cases/{case.pk}/entries", {"text": text}, content_type="application/json"
        )

    # when they write more than the limit
    answers = [write(f"hello {n}").status_code for n in range(4)]

    # then the writes past it are refused with 429 and Retry-After, and not stored
    assert answers == [201, 201, 201, 429]
    assert write("again").has_header("Retry-After")
    assert case.entries.filter(kind="customer").count() == 3
    # while the store's staff answer as much as they need
    for n in range(5):
        services.case_write(actor=store.manager, case=case, text=f"reply {n}")
    with pytest.raises(RateLimited):
        services.case_write(actor=member, case=case, text="once more")


# Forged callbacks ---------------------------------------------------------------------------


def test_forged_callbacks_fill_the_refusal_table_only_up_to_a_rate_per_network(client, settings):
    # given a low limit and a client behind our one proxy
    settings.TRUST_REFUSED_CALLBACK_LOG_RATE = "3/m"
    settings.TRUSTED_PROXY_COUNT = 1
    body, params = seal(message_json(chat_id(), customer_id(), ASK, AT))
    params["msg_signature"] = "0" * 40

    # when someone posts many forged callbacks
    for _n in range(6):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = client.post(
            f"/trust/wecom/callback/?{query}",
            data=body,
            content_type="text/xml",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 400

    # then each is refused, but only the first few are kept, under the client's address
    assert RefusedCallback.objects.count() == 3
    assert set(RefusedCallback.objects.values_list("remote_addr", flat=True)) == {"203.0.113.9"}


def test_a_callback_whose_storing_failed_is_taken_when_wecom_sends_it_again(client, monkeypatch):
    # given a callback whose storing fails once (the database went away for a moment)
    body, params = seal(message_json(chat_id(), customer_id(), ASK, AT, msgid="retry-1"))
    original = services.callback_receive
    calls = []

    def failing_once(*, callback):
        calls.append(callback)
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return original(callback=callback)

    monkeypatch.setattr(services, "callback_receive", failing_once)
    with pytest.raises(ConnectionError):
        post_callback(client, body, params)

    # when WeCom sends the very same request again, as it does after a failure
    response = post_callback(client, body, params)

    # then it is taken, not refused as a replay
    assert response.status_code == 200
    assert ChatMessage.objects.filter(msgid="retry-1").exists()
    assert not RefusedCallback.objects.exists()
    # and a true replay after that is still refused
    assert post_callback(client, body, params).status_code == 400


# The rule trial on past data ------------------------------------------------------------------


def _chatty_customer(n: int, *, until):
    contact = ContactFactory()
    record_events(
        NewEvent(
            idempotency_key=f"review:chatty:{contact.pk}:{i}",
            verb="trust.chat.said" if i % 3 else "trust.chat.complained",
            object_type=temperature.CONTACT,
            object_id=str(contact.pk),
            channel="chat",
            occurred_at=until - timedelta(minutes=30 * (i + 1)),
        )
        for i in range(n)
    )
    return contact


# Never true for a customer who complains this much: every one of their messages is a
# moment to judge, and none ends the judging of its window early.
TEMPERATURE_RULE = [{"type": "temperature", "above": 40.5}, {"type": "temperature", "below": 34.0}]


def test_a_trial_with_temperature_conditions_grows_linearly_with_one_customer_s_messages(monkeypatch):
    # given one customer who wrote 1,500 messages in the trial's period
    until = timezone.now()
    _chatty_customer(1500, until=until)
    calls = []
    decay = temperature._decay

    def counted(*args):
        calls.append(1)
        return decay(*args)

    monkeypatch.setattr(temperature, "_decay", counted)

    # when an operator tries a rule with temperature conditions on it
    trial = rules.dry_run(conditions=TEMPERATURE_RULE, window_days=1, days=90, until=until)

    # then every moment was judged without summing every earlier message again
    assert trial.firings == 0
    events = 1500
    assert len(calls) < 40 * events, len(calls)  # the quadratic way takes ~events²/2


def test_the_linear_temperature_of_the_trial_is_the_temperature_by_definition():
    # given a customer's mixed interactions
    until = timezone.now()
    contact = _chatty_customer(60, until=until)
    table = temperature.factors()
    rows = list(
        Event.objects.filter(object_id=str(contact.pk))
        .order_by("occurred_at")
        .values_list("verb", "occurred_at")
    )
    events: dict = {}
    for verb, when in rows:
        events.setdefault(verb, []).append(when)
    moments = [when for _verb, when in rows]

    # then at every moment it equals the sum over every earlier interaction
    fast = rules._temperatures_at(events, moments, table)
    for moment in moments:
        pairs = [(0, verb, when) for verb, when in rows if when <= moment]
        sums = temperature.reference_sums(pairs, at=moment, table=table).get(0, {})
        slow = temperature.degrees(sums, at=moment, computed_at=moment, table=table)
        assert fast[moment] == pytest.approx(slow, abs=1e-9)


def test_an_archive_batch_nested_too_deep_with_a_surrogate_escape_is_a_400_not_a_server_error(client):
    relay = IntegrationFactory(slug="wecom-archive", channel="chat", verbs=["trust.chat.said"])
    _token, secret = api_token_create(
        owner=operator(), name="archive relay", scopes=["events:ingest"], integration=relay
    )
    depth = 100_000
    body = '{"messages": [' + "[" * depth + '"\\ud800"' + "]" * depth + "]}"
    response = client.post(
        "/api/v1/trust/messages",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert not ChatMessage.objects.exists()


def test_an_unsigned_body_of_deeply_nested_xml_is_refused_before_any_parser_runs(client, monkeypatch):
    # given an envelope anyone can post: 2 MB of nested elements (a second of parsing)
    _body, params = seal(message_json(chat_id(), customer_id(), ASK, AT))
    depth = 280_000
    body = ("<xml>" + "<a>" * depth + "</a>" * depth + "</xml>").encode()

    parsed = []
    parse = wecom.xmltodict.parse

    def counted(*args, **kwargs):
        parsed.append(1)
        return parse(*args, **kwargs)

    monkeypatch.setattr(wecom.xmltodict, "parse", counted)

    # then it is refused as malformed without being parsed
    response = post_callback(client, body, params)
    assert response.status_code == 400 and response.content == b"malformed"
    assert not parsed
