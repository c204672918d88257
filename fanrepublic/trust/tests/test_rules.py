"""Rules operators write without code: the shapes they may write, the article's rule
("asked three times in 14 days without buying opens a service case") firing live
exactly once per customer per window, the other conditions and actions, who may write
and switch rules, and the trial on past data checked against what the live rules did
on the same random history."""

import random
from datetime import timedelta

import pytest

from fanrepublic.activity.models import Event
from fanrepublic.activity.tasks import dispatch_events
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, founder, operator, store_manager
from fanrepublic.notifications.models import Notification
from fanrepublic.stores.models import Contact
from fanrepublic.stores.tests.factories import pos
from fanrepublic.trust import rules, services
from fanrepublic.trust.models import (
    CustomerList,
    CustomerListEntry,
    CustomerTag,
    Rule,
    RuleFiring,
    ServiceCase,
)

from . import builders
from .builders import (
    ARTICLE_RULE,
    ASK,
    AT,
    COMPLAIN,
    PRAISE,
    SAY,
    STAFF_REPLY,
    buy,
    customer_id,
    happen,
    rule_on,
    say,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# The start of the 14-day window AT falls in (windows count from 2000-01-01).
WINDOW = rules.EPOCH + timedelta(days=14 * rules.window_of(AT, 14))


def contact_of(external_userid: str) -> Contact:
    return Contact.objects.get(wecom_external_userid=external_userid)


@pytest.fixture
def shop():
    """A store whose manager runs a synced customer group: (store, manager, chat id)."""
    return builders.shop()


# The shapes of conditions and actions ---------------------------------------------------------


def test_the_articles_conditions_and_actions_are_accepted_in_canonical_form():
    conditions = rules.clean_conditions(
        [
            {"type": "count", "verb": "trust.chat.asked", "at_least": 3, "days": 14, "extra": "dropped"},
            {"type": "count", "verb": "stores.purchase.recorded", "at_most": 0, "days": 14},
            {"type": "count", "verb": "trust.chat.said", "at_least": 1, "at_most": 5, "days": 365},
            {"type": "temperature", "below": 35.55, "above": 33},
        ]
    )
    assert conditions == [
        {"type": "count", "verb": "trust.chat.asked", "days": 14, "at_least": 3},
        {"type": "count", "verb": "stores.purchase.recorded", "days": 14, "at_most": 0},
        {"type": "count", "verb": "trust.chat.said", "days": 365, "at_least": 1, "at_most": 5},
        {"type": "temperature", "below": 35.5, "above": 33.0},
    ]
    actions = rules.clean_actions(
        [
            {"type": "open_case"},
            {"type": "notify"},
            {"type": "tag", "tag": " hot lead "},
            {"type": "add_to_list", "list": "Call back"},
            {"type": "open_case"},
        ]
    )
    assert actions == [
        {"type": "open_case"},
        {"type": "notify"},
        {"type": "tag", "tag": "hot lead"},
        {"type": "add_to_list", "list": "Call back"},
    ]


ASKED = {"type": "count", "verb": "trust.chat.asked", "days": 14}


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {},
        [],
        "count",
        [ASKED | {"at_least": 1}] * 11,
        ["count"],
        [{"type": "sum", "verb": "trust.chat.asked", "at_least": 1, "days": 1}],
        [{"verb": "trust.chat.asked", "at_least": 1, "days": 1}],
        [ASKED | {"verb": "no.such.verb", "at_least": 1}],
        [ASKED | {"verb": 7, "at_least": 1}],
        [ASKED | {"at_least": 1, "days": 0}],
        [ASKED | {"at_least": 1, "days": 366}],
        [ASKED | {"at_least": 1, "days": 14.0}],
        [ASKED | {"at_least": 1, "days": True}],
        [ASKED | {"at_least": 1, "days": "14"}],
        [ASKED],
        [ASKED | {"at_least": -1}],
        [ASKED | {"at_least": 10001}],
        [ASKED | {"at_least": 2.5}],
        [ASKED | {"at_least": True}],
        [ASKED | {"at_most": "0"}],
        [ASKED | {"at_least": 3, "at_most": 2}],
        [{"type": "temperature"}],
        [{"type": "temperature", "below": float("nan")}],
        [{"type": "temperature", "above": float("inf")}],
        [{"type": "temperature", "below": 32.9}],
        [{"type": "temperature", "above": 41.1}],
        [{"type": "temperature", "below": True}],
        [{"type": "temperature", "below": "35"}],
    ],
)
def test_a_malformed_condition_is_refused_with_a_message(raw):
    with pytest.raises(ValidationFailed) as refused:
        rules.clean_conditions(raw)
    messages = [m for ms in refused.value.errors.values() for m in ms]
    assert messages and all(m.strip() for m in messages)


def test_the_refusal_names_the_condition_at_fault():
    with pytest.raises(ValidationFailed) as refused:
        rules.clean_conditions([ASKED | {"at_least": 1}, ASKED | {"at_least": 1, "days": 0}])
    assert "Condition 2" in str(refused.value.errors)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        {"type": "notify"},
        ["notify"],
        [{"type": "email"}],
        [{}],
        [{"type": "tag"}],
        [{"type": "tag", "tag": ""}],
        [{"type": "tag", "tag": "   "}],
        [{"type": "tag", "tag": "x" * 41}],
        [{"type": "tag", "tag": 5}],
        [{"type": "tag", "tag": "two\nlines"}],
        [{"type": "add_to_list", "tag": "call-back"}],
        [{"type": "add_to_list", "list": "\x00"}],
    ],
)
def test_a_malformed_action_is_refused_with_a_message(raw):
    with pytest.raises(ValidationFailed) as refused:
        rules.clean_actions(raw)
    messages = [m for ms in refused.value.errors.values() for m in ms]
    assert messages and all(m.strip() for m in messages)


# The article's rule, live --------------------------------------------------------------------


def test_the_third_question_in_two_weeks_opens_a_case_once_per_window(shop, on_commit):
    # given the article's rule, switched on, and a customer in the store's group
    store, manager, chat = shop
    rule = rule_on()
    customer = customer_id()
    asked = [WINDOW + DAY, WINDOW + 2 * DAY, WINDOW + 3 * DAY]

    # when they ask twice, nothing fires
    for when in asked[:2]:
        happen(on_commit, when, lambda when=when: say(chat, customer, ASK, when))
    assert not RuleFiring.objects.exists()

    # when they ask a third time
    third = happen(on_commit, asked[2], lambda: say(chat, customer, ASK, asked[2], msgid="third"))

    # then the rule fires for them, in this window, and opens a case with the manager
    contact = contact_of(customer)
    firing = RuleFiring.objects.get()
    assert (firing.rule, firing.contact, firing.fired_at) == (rule, contact, asked[2])
    assert firing.window == rules.window_of(asked[2], 14)
    assert Event.objects.filter(verb="trust.rule.fired", object_id=str(contact.pk)).count() == 1
    case = ServiceCase.objects.get()
    assert (case.contact, case.store, case.assignee, case.rule) == (contact, store, manager, rule)

    # when they ask a fourth and a fifth time that window, and the third is replayed
    for when in (WINDOW + 4 * DAY, WINDOW + 5 * DAY):
        happen(on_commit, when, lambda when=when: say(chat, customer, ASK, when))
    event = Event.objects.get(verb="trust.chat.asked", properties__message=third.pk)
    happen(on_commit, WINDOW + 5 * DAY, lambda: dispatch_events([event.pk]))
    assert (
        happen(on_commit, WINDOW + 5 * DAY, lambda: say(chat, customer, ASK, asked[2], msgid="third")) is None
    )
    assert happen(on_commit, WINDOW + 6 * DAY, lambda: services.rules_apply(contact_id=contact.pk)) == []

    # then nothing more fires
    assert RuleFiring.objects.count() == 1 and ServiceCase.objects.count() == 1

    # when they ask again in the next window
    later = WINDOW + 14 * DAY + HOUR
    happen(on_commit, later, lambda: say(chat, customer, ASK, later))

    # then it fires again, once
    assert sorted(RuleFiring.objects.values_list("window", flat=True)) == [
        rules.window_of(asked[2], 14),
        rules.window_of(asked[2], 14) + 1,
    ]
    assert Event.objects.filter(verb="trust.rule.fired").count() == 2


def test_a_purchase_in_the_last_two_weeks_keeps_the_rule_quiet(shop, on_commit):
    # given the article's rule and a customer who bought half a day into the window
    store, _manager, chat = shop
    rule_on()
    customer = customer_id()
    source = pos()
    happen(
        on_commit,
        WINDOW + 12 * HOUR,
        lambda: buy(customer, at=WINDOW + 12 * HOUR, store=store, integration=source),
    )

    # when they ask three and four times in the days after
    for day in (1, 2, 3, 4):
        when = WINDOW + day * DAY
        happen(on_commit, when, lambda when=when: say(chat, customer, ASK, when))

    # then nothing fires: they bought
    assert not RuleFiring.objects.exists() and not ServiceCase.objects.exists()

    # when the purchase is more than 14 days old and they ask once more
    later = WINDOW + 15 * DAY + 12 * HOUR
    happen(on_commit, later, lambda: say(chat, customer, ASK, later))

    # then the three questions of the last 14 days fire the rule
    assert RuleFiring.objects.get().fired_at == later


def test_other_messages_and_other_customers_questions_do_not_count(shop, on_commit):
    _store, _manager, chat = shop
    rule_on()
    one, other = customer_id(), customer_id()
    for n, (who, text) in enumerate(
        [(one, ASK), (other, ASK), (one, SAY), (one, PRAISE), (other, ASK), (one, ASK)]
    ):
        when = WINDOW + n * HOUR
        happen(on_commit, when, lambda who=who, text=text, when=when: say(chat, who, text, when))
    assert not RuleFiring.objects.exists()


def test_a_switched_off_rule_does_nothing(shop, on_commit):
    _store, _manager, chat = shop
    services.rule_save(actor=operator(), data=ARTICLE_RULE)
    customer = customer_id()
    for day in (1, 2, 3):
        when = WINDOW + day * DAY
        happen(on_commit, when, lambda when=when: say(chat, customer, ASK, when))
    assert not RuleFiring.objects.exists()


# The hourly sweep -------------------------------------------------------------------------


def test_the_sweep_catches_a_rule_that_comes_true_by_time_passing(shop, on_commit):
    # given a rule for customers who asked this month and have not bought for a week
    store, _manager, chat = shop
    rule_on(
        {
            "name": "Asked, no purchase for a week",
            "window_days": 30,
            "conditions": [
                {"type": "count", "verb": "trust.chat.asked", "at_least": 1, "days": 30},
                {"type": "count", "verb": "stores.purchase.recorded", "at_most": 0, "days": 7},
            ],
            "actions": [{"type": "tag", "tag": "follow up"}],
        }
    )
    # and a customer who bought, then asked the next day
    customer = customer_id()
    happen(on_commit, WINDOW, lambda: buy(customer, at=WINDOW, store=store))
    happen(on_commit, WINDOW + DAY, lambda: say(chat, customer, ASK, WINDOW + DAY))
    assert not RuleFiring.objects.exists()

    # when the sweep runs a day after the purchase turned a week old, with nothing new said
    fired = happen(on_commit, WINDOW + 8 * DAY, lambda: services.rules_sweep())

    # then the rule fires for them
    assert fired == 1
    assert RuleFiring.objects.get().contact == contact_of(customer)
    # and sweeping again changes nothing
    assert happen(on_commit, WINDOW + 9 * DAY, lambda: services.rules_sweep()) == 0


# Temperature conditions -------------------------------------------------------------------


def test_a_temperature_condition_fires_when_the_customer_cools_below_it(shop, on_commit):
    # given a rule for customers colder than 34° and one for those warmer than 37°
    _store, _manager, chat = shop
    cold = rule_on(
        {
            "name": "Cooling",
            "window_days": 30,
            "conditions": [{"type": "temperature", "below": 34}],
            "actions": [{"type": "tag", "tag": "cooling"}],
        }
    )
    warm = rule_on(
        {
            "name": "Fans",
            "window_days": 30,
            "conditions": [{"type": "temperature", "above": 37}],
            "actions": [{"type": "add_to_list", "list": "Ambassadors"}],
        }
    )
    grumpy, happy = customer_id(), customer_id()

    # when one customer complains once (34.8°), the other praises twice (36.8°)
    happen(on_commit, WINDOW + HOUR, lambda: say(chat, grumpy, COMPLAIN, WINDOW + HOUR))
    for n in (2, 3):
        happen(on_commit, WINDOW + n * HOUR, lambda n=n: say(chat, happy, PRAISE, WINDOW + n * HOUR))

    # then neither rule fires yet
    assert not RuleFiring.objects.exists()

    # when the first complains again (about 33.6°) and the second praises a third time (37.2°)
    happen(on_commit, WINDOW + 4 * HOUR, lambda: say(chat, grumpy, COMPLAIN, WINDOW + 4 * HOUR))
    happen(on_commit, WINDOW + 5 * HOUR, lambda: say(chat, happy, PRAISE, WINDOW + 5 * HOUR))

    # then each customer meets their rule, once
    assert set(RuleFiring.objects.values_list("rule", "contact__wecom_external_userid")) == {
        (cold.pk, grumpy),
        (warm.pk, happy),
    }
    assert list(CustomerTag.objects.values_list("contact__wecom_external_userid", "tag")) == [
        (grumpy, "cooling")
    ]
    entry = CustomerListEntry.objects.get()
    assert (entry.contact, entry.customer_list.name, entry.rule) == (contact_of(happy), "Ambassadors", warm)


# Actions ---------------------------------------------------------------------------------------


def test_tag_and_list_actions_label_the_customer_once(shop, on_commit):
    # given a rule that tags and lists anyone who asks
    _store, _manager, chat = shop
    rule = rule_on(
        {
            "name": "Curious",
            "window_days": 7,
            "conditions": [{"type": "count", "verb": "trust.chat.asked", "at_least": 1, "days": 1}],
            "actions": [{"type": "tag", "tag": "hot lead"}, {"type": "add_to_list", "list": "Call back"}],
        }
    )
    customer = customer_id()

    # when the customer asks in two different weeks
    for when in (WINDOW + HOUR, WINDOW + 8 * DAY):
        happen(on_commit, when, lambda when=when: say(chat, customer, ASK, when))

    # then the rule fired twice, and the customer carries the tag and is on the list once
    contact = contact_of(customer)
    assert RuleFiring.objects.filter(rule=rule).count() == 2
    tag = CustomerTag.objects.get()
    assert (tag.contact, tag.tag, tag.rule) == (contact, "hot lead", rule)
    listing = CustomerList.objects.get()
    assert (listing.slug, listing.name) == ("call-back", "Call back")
    assert list(listing.entries.values_list("contact", "rule")) == [(contact.pk, rule.pk)]


def test_notify_tells_the_store_manager(shop, on_commit):
    # given a rule that only notifies
    _store, manager, chat = shop
    rule_on(
        {
            "name": "Curious",
            "name_zh": "好奇",
            "window_days": 7,
            "conditions": [{"type": "count", "verb": "trust.chat.asked", "at_least": 1, "days": 1}],
            "actions": [{"type": "notify"}],
        }
    )
    customer = customer_id()

    # when it fires
    happen(on_commit, WINDOW + HOUR, lambda: say(chat, customer, ASK, WINDOW + HOUR))

    # then the manager has one notification pointing at the console
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind, notice.url) == (manager, "trust", "/trust/console/")
    assert notice.params["rule"] == "Curious" and notice.params["rule_zh"] == "好奇"
    assert not ServiceCase.objects.exists()


def test_notify_with_a_case_points_the_assignee_at_the_case(shop, on_commit):
    _store, manager, chat = shop
    rule_on(ARTICLE_RULE | {"actions": [{"type": "open_case"}, {"type": "notify"}]})
    customer = customer_id()
    for day in (1, 2, 3):
        happen(on_commit, WINDOW + day * DAY, lambda day=day: say(chat, customer, ASK, WINDOW + day * DAY))
    case = ServiceCase.objects.get()
    notice = Notification.objects.get(recipient=manager)
    assert notice.url == case.get_absolute_url()


# Writing and switching rules ---------------------------------------------------------------


@pytest.mark.parametrize("who", [operator, founder])
def test_operators_write_change_and_switch_rules_and_each_step_is_audited(who):
    actor = who()
    rule = services.rule_save(actor=actor, data=ARTICLE_RULE)
    assert not rule.is_active and rule.created_by == actor
    created = AuditEntry.objects.get(action="trust.rule.created")
    assert (created.actor, created.target_id) == (actor, str(rule.pk))
    assert created.data["window_days"] == 14 and created.data["actions"] == [{"type": "open_case"}]

    services.rule_save(
        actor=actor, rule=rule, data=ARTICLE_RULE | {"window_days": 7, "name": "  Asked  again "}
    )
    rule.refresh_from_db()
    assert (rule.window_days, rule.name) == (7, "Asked again")
    assert AuditEntry.objects.get(action="trust.rule.changed").data["window_days"] == 7

    services.rule_switch(actor=actor, rule=rule, on=True)
    assert Rule.objects.get(pk=rule.pk).is_active
    services.rule_switch(actor=actor, rule=rule, on=False)
    assert not Rule.objects.get(pk=rule.pk).is_active
    assert list(
        AuditEntry.objects.filter(action__startswith="trust.rule.switched")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["trust.rule.switched_on", "trust.rule.switched_off"]


@pytest.mark.parametrize("who", [store_manager, MemberFactory])
def test_no_one_else_writes_or_switches_a_rule(who):
    actor = who()
    with pytest.raises(Forbidden):
        services.rule_save(actor=actor, data=ARTICLE_RULE)
    rule = services.rule_save(actor=operator(), data=ARTICLE_RULE)
    with pytest.raises(Forbidden):
        services.rule_save(actor=actor, rule=rule, data=ARTICLE_RULE | {"name": "Mine"})
    with pytest.raises(Forbidden):
        services.rule_switch(actor=actor, rule=rule, on=True)
    rule.refresh_from_db()
    assert (rule.name, rule.is_active) == (ARTICLE_RULE["name"], False)
    assert Rule.objects.count() == 1
    assert not AuditEntry.objects.filter(actor=actor).exists()


def test_a_rule_with_bad_fields_is_refused_field_by_field():
    with pytest.raises(ValidationFailed) as refused:
        services.rule_save(
            actor=operator(),
            data={"name": "", "window_days": 0, "conditions": [{"type": "count"}], "actions": []},
        )
    assert set(refused.value.errors) == {"name", "window_days", "conditions", "actions"}
    assert not Rule.objects.exists() and not AuditEntry.objects.exists()


# The trial on past data, against the live rules -------------------------------------------


def plan_history(rng: random.Random, customers: list[str], *, start, days: int):
    """What happens over `days`: customers asking in bursts (some of them keen), chatting,
    complaining, now and then buying; staff answering now and then. (when, kind, who)."""
    plan = []
    for customer in customers:
        keen = rng.random() < 0.5
        for _burst in range(rng.randint(0, 3 if keen else 1)):
            day = rng.uniform(0, days - 4)
            for _ask in range(rng.randint(2, 6) if keen else rng.randint(1, 2)):
                day += rng.uniform(0.05, 3)
                plan.append((day, "ask", customer))
            if rng.random() < 0.3:
                plan.append((day - rng.uniform(0, 6), "buy", customer))
        for _other in range(rng.randint(0, 4)):
            plan.append((rng.uniform(0, days), rng.choice(["say", "praise", "complain"]), customer))
    for _reply in range(days // 3):
        plan.append((rng.uniform(0, days), "reply", ""))
    plan = [(start + timedelta(days=day), kind, who) for day, kind, who in plan if 0 < day < days]
    plan.sort(key=lambda step: step[0])
    return plan


@pytest.mark.parametrize(
    "data",
    [
        ARTICLE_RULE,
        {
            "name": "Unhappy and cooling",
            "window_days": 5,
            "conditions": [
                {"type": "count", "verb": "trust.chat.complained", "at_least": 1, "days": 7},
                {"type": "temperature", "below": 35.9},
            ],
            "actions": [{"type": "tag", "tag": "unhappy"}],
        },
    ],
    ids=["article", "temperature"],
)
def test_the_trial_on_past_data_counts_exactly_what_the_live_rule_did(shop, on_commit, data):
    # given the rule switched on, and 60 days of 30 customers delivered as they happened
    store, _manager, chat = shop
    staff = store.manager.wecom.userid
    rule = rule_on(data)
    rng = random.Random(2026)
    customers = [customer_id() for _ in range(30)]
    start = WINDOW - 28 * DAY
    source = pos()
    texts = {"ask": ASK, "say": SAY, "praise": PRAISE, "complain": COMPLAIN, "reply": STAFF_REPLY}
    for when, kind, who in plan_history(rng, customers, start=start, days=60):
        if kind == "buy":
            happen(
                on_commit, when, lambda who=who, when=when: buy(who, at=when, store=store, integration=source)
            )
        else:
            sender = who or staff
            happen(on_commit, when, lambda s=sender, t=texts[kind], w=when: say(chat, s, t, w))
    until = start + 61 * DAY

    # when the rule is tried on those 61 days
    trial = rules.dry_run(conditions=rule.conditions, window_days=rule.window_days, days=61, until=until)

    # then it fires exactly as often, for exactly as many customers, as it did live
    live = list(RuleFiring.objects.filter(rule=rule).values_list("contact_id", "fired_at", "window"))
    assert trial.firings == len(live)
    assert trial.customers == len({contact for contact, _at, _w in live})
    assert set(trial.examples) <= {(contact, at) for contact, at, _w in live}
    # and the history was one worth checking: firings, some customers twice, some never
    per_customer = [sum(1 for c, _a, _w in live if c == contact.pk) for contact in Contact.objects.all()]
    assert len(live) >= 6 and max(per_customer) >= 2 and per_customer.count(0) >= 5

    # and tried from a window boundary, it counts the live firings from there on
    boundary = rules.EPOCH + timedelta(
        days=rule.window_days * rules.window_of(until - 30 * DAY, rule.window_days)
    )
    days = (until - boundary).days
    later = rules.dry_run(conditions=rule.conditions, window_days=rule.window_days, days=days, until=until)
    assert later.firings == sum(1 for _c, at, _w in live if at > until - timedelta(days=days))
