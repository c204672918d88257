"""Concurrency proofs on PostgreSQL with real concurrent connections: one archived message
delivered many times at once is stored and counted once; a customer's third question
arriving on several connections at once fires the rule once and opens one case; two
rules firing at once for one customer both act and share the one open case; and
interactions recorded at once for one customer all count in their temperature."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.models import Event
from fanrepublic.activity.services import record_event
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.stores.models import Contact
from fanrepublic.stores.tests.factories import ContactFactory
from fanrepublic.trust import services, temperature
from fanrepublic.trust.models import ChatMessage, CustomerTag, Question, RuleFiring, ServiceCase, Temperature

from . import builders
from .builders import ARTICLE_RULE, ASK, customer_id, message_json, post_callback, rule_on, say, seal
from .test_temperature import VERBS, reference_contributions, reference_degrees

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_archived_message_delivered_eight_times_at_once_is_stored_and_counted_once():
    # given WeCom retrying one customer's question: eight envelopes of the same record
    now = timezone.now()
    customer = customer_id()
    payload = message_json("wrBusy", customer, ASK, now - timedelta(minutes=1), msgid="msg-retried")
    envelopes = [seal(payload) for _ in range(8)]

    # when all eight reach the callback URL at once
    results, errors = run_at_once(lambda i: post_callback(Client(), *envelopes[i]).status_code, 8)

    # then each is acknowledged, and the message, its event and its question exist once
    assert errors == [] and results == [200] * 8
    assert ChatMessage.objects.filter(msgid="msg-retried").count() == 1
    assert Contact.objects.filter(wecom_external_userid=customer).count() == 1
    assert Event.objects.filter(verb="trust.chat.asked").count() == 1
    assert Question.objects.count() == 1
    contact = Contact.objects.get(wecom_external_userid=customer)
    assert Temperature.objects.get(contact=contact).sums == {"trust.chat.asked": 1.0}


def test_the_third_question_arriving_on_six_connections_at_once_fires_the_rule_once():
    # given the article's rule and a customer who asked twice in the store's group
    store, manager, chat = builders.shop()
    rule = rule_on()
    customer = customer_id()
    now = timezone.now()
    for n in (1, 2):
        say(chat, customer, ASK, now - timedelta(hours=3 - n))

    # when six more questions of theirs arrive at the same moment on six connections
    results, errors = run_at_once(
        lambda i: say(chat, customer, ASK, now - timedelta(seconds=10 + i), msgid=f"burst-{i}").pk, 6
    )

    # then all are stored, and the rule fired once and opened one case with the manager
    assert errors == [] and len(results) == 6
    assert Event.objects.filter(verb="trust.chat.asked").count() == 8
    assert RuleFiring.objects.filter(rule=rule).count() == 1
    case = ServiceCase.objects.get()
    assert (case.store, case.assignee, case.status) == (store, manager, "open")
    assert Event.objects.filter(verb="trust.rule.fired").count() == 1
    assert Event.objects.filter(verb="trust.case.opened").count() == 1


def test_six_connections_applying_the_rules_for_one_customer_at_once_fire_once():
    # given a customer for whom the article's rule holds, not yet applied
    _store, _manager, chat = builders.shop()
    customer = customer_id()
    now = timezone.now()
    for n in range(3):
        say(chat, customer, ASK, now - timedelta(hours=3 - n))
    rule = rule_on()
    contact = Contact.objects.get(wecom_external_userid=customer)

    # when six connections apply the rules for them at once
    results, errors = run_at_once(lambda i: len(services.rules_apply(contact_id=contact.pk)), 6)

    # then exactly one of them fired, with one case
    assert errors == [] and sorted(results) == [0] * 5 + [1]
    assert RuleFiring.objects.filter(rule=rule, contact=contact).count() == 1
    assert ServiceCase.objects.filter(contact=contact).count() == 1


def test_two_rules_firing_at_once_for_one_customer_both_act_and_share_one_case():
    # given customers who asked and complained (no rule was on then)
    now = timezone.now()
    contacts = [ContactFactory(wecom_external_userid=customer_id()) for _ in range(8)]
    for contact in contacts:
        for verb, minutes_ago in (("trust.chat.asked", 2), ("trust.chat.complained", 1)):
            record_event(
                verb=verb, obj=contact, channel=Channel.CHAT, occurred_at=now - timedelta(minutes=minutes_ago)
            )
    # and now two rules that open a case, one for asking and one for complaining
    asked, complained = (
        rule_on(
            ARTICLE_RULE
            | {
                "name": name,
                "conditions": [
                    {"type": "count", "verb": f"trust.chat.{name.lower()}", "at_least": 1, "days": 1}
                ],
                "actions": [{"type": "open_case"}, {"type": "tag", "tag": name.lower()}],
            }
        )
        for name in ("Asked", "Complained")
    )
    assert not RuleFiring.objects.exists()

    # when, for each customer, the asking and the complaining are applied at the same moment
    work = [(contact, verb) for contact in contacts for verb in ("trust.chat.asked", "trust.chat.complained")]
    results, errors = run_at_once(
        lambda i: len(services.rules_apply(contact_id=work[i][0].pk, verb=work[i][1])), len(work)
    )

    # then both rules fired for every customer and did all they say
    assert errors == []
    for contact in contacts:
        assert set(RuleFiring.objects.filter(contact=contact).values_list("rule", flat=True)) == {
            asked.pk,
            complained.pk,
        }
        assert set(CustomerTag.objects.filter(contact=contact).values_list("tag", flat=True)) == {
            "asked",
            "complained",
        }
        # and share one open case, the second firing written into it
        case = ServiceCase.objects.get(contact=contact)
        assert case.entries.filter(kind="system").count() == 2


def test_interactions_recorded_at_once_for_one_customer_all_count():
    # given a customer and 24 interactions of theirs, in no particular order
    contact = ContactFactory()
    rng = random.Random(11)
    now = timezone.now()
    history = [(rng.choice(VERBS), now - timedelta(seconds=rng.uniform(0, 40 * 86400))) for _ in range(24)]

    # when each is applied to their temperature on its own connection, all at once
    results, errors = run_at_once(
        lambda i: temperature.record_interaction(contact_id=contact.pk, verb=history[i][0], at=history[i][1]),
        len(history),
    )

    # then none is lost: the stored sums and value are the definition's for all of them
    assert errors == [] and len(results) == len(history)
    row = Temperature.objects.get(contact=contact)
    latest = max(when for _verb, when in history)
    assert row.computed_at == latest
    table = temperature.factors()
    expected = reference_contributions(history, at=latest, table=table)
    assert set(row.sums) == set(expected)
    for verb, count in row.sums.items():
        assert count == pytest.approx(expected[verb], abs=1e-6)
    assert row.value == pytest.approx(reference_degrees(history, at=latest, table=table), abs=6e-4)


def test_events_recorded_at_once_warm_the_customer_through_the_handler():
    # given a customer and twelve events about them from twelve connections at once
    contact = ContactFactory()
    now = timezone.now()
    verbs = ["trust.chat.praised", "trust.chat.praised", "trust.chat.complained"]
    history = [(verbs[i % 3], now - timedelta(hours=i)) for i in range(12)]

    results, errors = run_at_once(
        lambda i: record_event(
            verb=history[i][0], obj=contact, channel=Channel.CHAT, occurred_at=history[i][1]
        )[1],
        len(history),
    )

    # then the handler counted every one
    assert errors == [] and results == [True] * 12
    row = Temperature.objects.get(contact=contact)
    expected = reference_contributions(history, at=row.computed_at, table=temperature.factors())
    for verb, count in expected.items():
        assert row.sums[verb] == pytest.approx(count, abs=1e-6)
