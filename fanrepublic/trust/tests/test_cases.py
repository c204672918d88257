"""Service cases, the dedicated channel the article's rule opens between a customer and
their store's manager: who gets it, the first-response timer, notes the customer never
sees, the customer's own side, hand-overs, closing (by hand or by a purchase), the
conversion and response numbers, and who may see a case at all."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.stores import services as stores_services
from fanrepublic.stores.models import Contact
from fanrepublic.stores.tests.factories import ContactFactory, StoreCustomerFactory, StoreFactory
from fanrepublic.trust import rules, selectors, services
from fanrepublic.trust.models import CaseEntry, ChatGroup, ServiceCase

from . import builders
from .builders import ARTICLE_RULE, ASK, AT, buy, customer_id, happen, minutes, rule_on, say

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WINDOW = rules.EPOCH + timedelta(days=14 * rules.window_of(AT, 14))
OPENED = WINDOW + 2 * HOUR  # when the third question opens the case


def ask_three_times(on_commit, chat, customer, start=WINDOW):
    for n in range(3):
        happen(on_commit, start + n * HOUR, lambda n=n: say(chat, customer, ASK, start + n * HOUR))


@pytest.fixture
def opened(on_commit):
    """The article's rule opened a case for a customer of a store's group:
    (case, store, manager, chat id, customer's WeCom id)."""
    store, manager, chat = builders.shop()
    rule_on()
    customer = customer_id()
    ask_three_times(on_commit, chat, customer)
    return ServiceCase.objects.get(), store, manager, chat, customer


def linked_member(contact, *, by):
    """The contact linked to a new member with the link code the member showed staff."""
    member = MemberFactory()
    code, _link = stores_services.link_code_create(member=member)
    stores_services.contact_link(actor=by, contact=contact, code=code)
    return member


def at(moment):
    return time_machine.travel(moment, tick=False)


# Opening -------------------------------------------------------------------------------------


def test_the_rule_opens_the_case_with_the_customers_store_manager(opened):
    case, store, manager, chat, customer = opened
    contact = Contact.objects.get(wecom_external_userid=customer)
    assert (case.contact, case.store, case.assignee, case.group.chat_id) == (contact, store, manager, chat)
    assert (case.status, case.outcome, case.opened_at, case.first_response_at) == ("open", "", OPENED, None)
    assert case.rule.name == ARTICLE_RULE["name"] and "at least 3 times in 14 days" in case.reason
    assert list(case.entries.values_list("kind", "text")) == [("system", case.reason)]
    event = Event.objects.get(verb="trust.case.opened")
    assert (event.object_id, event.properties["case"], event.properties["store"]) == (
        str(contact.pk),
        case.pk,
        store.slug,
    )


def test_the_store_is_the_one_where_the_customer_last_wrote(on_commit):
    # given a customer in the groups of two stores, who wrote last in the second
    _first, _m, first_chat = builders.shop()
    second, second_manager, second_chat = builders.shop()
    rule_on()
    customer = customer_id()
    happen(on_commit, WINDOW, lambda: say(first_chat, customer, ASK, WINDOW))
    happen(on_commit, WINDOW + HOUR, lambda: say(first_chat, customer, ASK, WINDOW + HOUR))

    # when their third question, in the second store's group, opens a case
    happen(on_commit, WINDOW + 2 * HOUR, lambda: say(second_chat, customer, ASK, WINDOW + 2 * HOUR))

    # then it is the second store's manager's
    case = ServiceCase.objects.get()
    assert (case.store, case.assignee) == (second, second_manager)


def test_a_customer_has_one_open_case_and_a_second_firing_adds_to_it(opened, on_commit):
    # given an open case
    case, _store, _manager, chat, customer = opened

    # when the customer asks twice more in the next window (three in 14 days again)
    for later in (WINDOW + 14 * DAY + HOUR, WINDOW + 14 * DAY + minutes(90)):
        happen(on_commit, later, lambda later=later: say(chat, customer, ASK, later))

    # then there is still one case, with a second system entry
    assert ServiceCase.objects.count() == 1
    assert list(case.entries.values_list("kind", "created_at")) == [("system", OPENED), ("system", later)]
    assert Event.objects.filter(verb="trust.case.opened").count() == 1
    assert Event.objects.filter(verb="trust.rule.fired").count() == 2


def test_a_linked_customer_is_told_their_case_was_opened(on_commit):
    store, _manager, chat = builders.shop()
    rule_on()
    customer = customer_id()
    happen(on_commit, WINDOW - DAY, lambda: say(chat, customer, "大家好", WINDOW - DAY))
    member = linked_member(Contact.objects.get(wecom_external_userid=customer), by=store.manager)
    ask_three_times(on_commit, chat, customer)
    case = ServiceCase.objects.get()
    notice = Notification.objects.get(recipient=member)
    assert notice.url == case.get_absolute_url() and notice.params["case"] == "opened"


# Working the case --------------------------------------------------------------------------


def test_the_first_reply_stops_the_timer_once(opened, on_commit):
    case, _store, manager, _chat, _customer = opened

    # when the manager first notes something internally, then replies twice
    happen(
        on_commit,
        OPENED + minutes(5),
        lambda: services.case_write(actor=manager, case=case, text="查一下库存", internal=True),
    )
    case.refresh_from_db()
    assert case.first_response_at is None
    happen(
        on_commit,
        OPENED + minutes(12),
        lambda: services.case_write(actor=manager, case=case, text="您好，有现货"),
    )
    happen(
        on_commit,
        OPENED + minutes(40),
        lambda: services.case_write(actor=manager, case=case, text="还在吗？"),
    )

    # then the first reply is the first response, recorded once with its wait
    case.refresh_from_db()
    assert case.first_response_at == OPENED + minutes(12)
    event = Event.objects.get(verb="trust.case.responded")
    assert (event.actor, event.properties["minutes"], event.object_id) == (
        manager,
        12.0,
        str(case.contact_id),
    )
    assert list(case.entries.values_list("kind", flat=True)) == ["system", "note", "reply", "reply"]


def test_internal_notes_and_hand_overs_stay_hidden_from_the_customer(opened, client, on_commit):
    # given a linked customer's case with a reply, a note and a hand-over
    case, store, manager, _chat, _customer = opened
    member = linked_member(case.contact, by=manager)
    colleague = MemberFactory(second_factor=True)  # store staff read customers: second factor
    store.staff.add(colleague)
    with on_commit():
        services.case_write(actor=manager, case=case, text="REPLY-您好，有现货")
        services.case_write(actor=manager, case=case, text="NOTE-这位客户比较挑剔", internal=True)
        services.case_hand_over(actor=manager, case=case, to=colleague, text="HANDOVER-请跟进")

    # then the customer's view of the entries leaves out the note and the hand-over
    for_customer = [e.text for e in selectors.case_entries(case=case, for_customer=True)]
    assert [t for t in for_customer if t.startswith(("REPLY", "NOTE", "HANDOVER"))] == ["REPLY-您好，有现货"]
    assert len(selectors.case_entries(case=case, for_customer=False)) == 4

    # and so does their page
    client.force_login(member)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "REPLY-您好，有现货" in page and "NOTE-" not in page and "HANDOVER-" not in page
    # and the API
    body = client.get(f"/api/v1/trust/cases/{case.pk}").json()
    assert [e["kind"] for e in body["entries"]] == ["system", "reply"]

    # while the staff's page shows them
    client.force_login(colleague)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "NOTE-这位客户比较挑剔" in page and "HANDOVER-请跟进" in page


def test_the_customer_sees_their_case_and_writes_in_it(opened, client, on_commit):
    # given the customer linked to a member
    case, _store, manager, _chat, _customer = opened
    member = linked_member(case.contact, by=manager)
    client.force_login(member)

    # then they find it among their conversations and open it
    assert case.get_absolute_url() in client.get(reverse("trust:my_cases")).content.decode()
    assert client.get(case.get_absolute_url()).status_code == 200

    # when they write from their page
    with on_commit():
        response = client.post(reverse("trust:case_write", args=[case.pk]), {"text": "我周末来店里看看"})

    # then it is their entry, and the manager is told
    assert response.status_code == 302
    entry = CaseEntry.objects.get(kind="customer")
    assert (entry.author, entry.text) == (member, "我周末来店里看看")
    assert Notification.objects.filter(recipient=manager, params__case="customer").count() == 1
    # and their words do not stop the response timer
    case.refresh_from_db()
    assert case.first_response_at is None

    # but they may not write an internal note nor close the case
    with pytest.raises(NotFound):
        services.case_write(actor=member, case=case, text="secret", internal=True)
    assert client.post(reverse("trust:case_close", args=[case.pk]), {"outcome": "bought"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "open"


def test_a_reply_tells_the_linked_customer(opened, on_commit):
    case, _store, manager, _chat, _customer = opened
    member = linked_member(case.contact, by=manager)
    with on_commit():
        services.case_write(actor=manager, case=case, text="您好")
    assert Notification.objects.filter(recipient=member, params__case="reply").count() == 1


def test_a_case_is_handed_over_only_to_someone_who_works_in_the_store(opened, on_commit):
    case, store, manager, _chat, _customer = opened
    colleague, stranger = MemberFactory(second_factor=True), StoreFactory().manager
    store.staff.add(colleague)

    # when the manager hands it to another store's manager, it is refused
    with pytest.raises(ValidationFailed) as refused:
        services.case_hand_over(actor=manager, case=case, to=stranger)
    assert "to" in refused.value.errors
    with pytest.raises(ValidationFailed):
        services.case_hand_over(actor=manager, case=case, to=None)

    # when they hand it to a colleague on the store's staff
    with on_commit():
        services.case_hand_over(actor=manager, case=case, to=colleague, text="请跟进")

    # then the colleague has it, told and audited
    case.refresh_from_db()
    assert case.assignee == colleague
    entry = case.entries.get(kind="handover")
    assert (entry.author, entry.handed_to, entry.text) == (manager, colleague, "请跟进")
    assert AuditEntry.objects.get(action="trust.case.handed_over").data == {"to": colleague.pk}
    assert Notification.objects.filter(recipient=colleague, params__case="handover").count() == 1
    # and an operator may take it too
    services.case_hand_over(actor=colleague, case=case, to=operator())


def test_the_hand_over_page_offers_only_the_stores_people(opened, client):
    case, store, manager, _chat, _customer = opened
    stranger = StoreFactory().manager
    client.force_login(manager)
    response = client.post(reverse("trust:case_hand_over", args=[case.pk]), {"to": str(stranger.pk)})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.assignee == manager


def test_closing_records_the_outcome(opened, on_commit):
    case, _store, manager, _chat, _customer = opened
    with pytest.raises(ValidationFailed):
        services.case_close(actor=manager, case=case, outcome="won")
    with at(OPENED + DAY):
        services.case_close(actor=manager, case=case, outcome="resolved")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_at) == ("closed", "resolved", OPENED + DAY)
    assert case.entries.last().text == "Closed: Resolved"
    event = Event.objects.get(verb="trust.case.closed")
    assert (event.actor, event.properties["outcome"], event.channel) == (manager, "resolved", "web")


def test_a_closed_case_refuses_writes(opened, client):
    # given a closed case
    case, store, manager, _chat, _customer = opened
    services.case_close(actor=manager, case=case, outcome="lost")
    client.force_login(manager)

    # then writing, closing again and handing over answer 409 and change nothing
    write = client.post(
        f"/api/v1/trust/cases/{case.pk}/entries",
        data=json.dumps({"text": "还在吗"}),
        content_type="application/json",
    )
    assert write.status_code == 409
    close = client.post(
        f"/api/v1/trust/cases/{case.pk}/close",
        data=json.dumps({"outcome": "bought"}),
        content_type="application/json",
    )
    assert close.status_code == 409
    with pytest.raises(Conflict):
        services.case_write(actor=manager, case=case, text="还在吗")
    with pytest.raises(Conflict):
        services.case_hand_over(actor=manager, case=case, to=store.manager)
    case.refresh_from_db()
    assert (case.outcome, case.entries.count()) == ("lost", 2)


# A purchase closes it ------------------------------------------------------------------------


def test_a_purchase_by_the_customer_closes_their_case_as_bought(opened, on_commit):
    # given an open case
    case, store, _manager, _chat, customer = opened

    # when the point of sale sends the customer's purchase
    bought = OPENED + 3 * HOUR
    happen(on_commit, bought, lambda: buy(customer, at=bought, store=store))

    # then the case is closed as bought, by the platform, at the purchase
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_at) == ("closed", "bought", bought)
    event = Event.objects.get(verb="trust.case.closed")
    assert (event.actor, event.channel, event.properties["outcome"]) == (None, "system", "bought")
    # and another purchase changes nothing more
    happen(on_commit, bought + DAY, lambda: buy(customer, at=bought + DAY, store=store))
    assert Event.objects.filter(verb="trust.case.closed").count() == 1


def test_another_customers_purchase_leaves_the_case_open(opened, on_commit):
    case, store, _manager, _chat, _customer = opened
    happen(on_commit, OPENED + HOUR, lambda: buy(customer_id(), at=OPENED + HOUR, store=store))
    case.refresh_from_db()
    assert case.status == "open"


# Metrics ---------------------------------------------------------------------------------------


def test_metrics_per_store_and_per_rule_are_the_numbers_counted_by_hand(client):
    # given two stores, two rules and six cases with known outcomes and waits
    north, south = StoreFactory(name="North"), StoreFactory(name="South")
    actor = operator()
    asked = services.rule_save(actor=actor, data=ARTICLE_RULE | {"name": "Asked"})
    cooling = services.rule_save(
        actor=actor,
        data={
            "name": "Cooling",
            "window_days": 7,
            "conditions": [{"type": "temperature", "below": 34}],
            "actions": [{"type": "open_case"}],
        },
    )
    start = AT
    #          store, rule,    wait (min), outcome
    plan = [
        (north, asked, 10, "bought"),
        (north, asked, 30, "lost"),
        (north, cooling, 90, None),
        (south, asked, None, "bought"),
        (south, cooling, 20, "resolved"),
        (south, cooling, 50, "bought"),
    ]
    for n, (store, rule, wait, outcome) in enumerate(plan):
        contact = ContactFactory()
        StoreCustomerFactory(store=store, contact=contact)
        case = services.case_open(contact=contact, reason="test", rule=rule, at=start + n * HOUR)
        if wait is not None:
            with at(start + n * HOUR + minutes(wait)):
                services.case_write(actor=store.manager, case=case, text="您好")
        if outcome is not None:
            with at(start + n * HOUR + 2 * HOUR):
                services.case_close(actor=store.manager, case=case, outcome=outcome)

    # when the operator reads the metrics a week later
    with at(start + 7 * DAY):
        by_store, by_rule = selectors.case_metrics(viewer=actor)
        client.force_login(actor)
        api = client.get("/api/v1/trust/metrics").json()
        north_only, _rules = selectors.case_metrics(viewer=north.manager)

    # then per store: North 3 opened, 1 open, 2 closed (1 bought): 50 %, median of 10/30/90 = 30
    def row(m):
        return (m.label, m.opened, m.open_now, m.closed, m.bought, m.resolved, m.lost, m.conversion)

    assert [row(m) for m in by_store] == [
        (north.display_name, 3, 1, 2, 1, 0, 1, 50.0),
        (south.display_name, 3, 0, 3, 2, 1, 0, 66.7),
    ]
    assert [m.median_first_response_minutes for m in by_store] == [30.0, 35.0]
    assert [m.answered_within_hour for m in by_store] == [2, 2]
    # and per rule: Asked 3 opened, 3 closed (2 bought); Cooling 3 opened, 2 closed (1 bought)
    assert [row(m) for m in by_rule] == [
        ("Asked", 3, 0, 3, 2, 0, 1, 66.7),
        ("Cooling", 3, 1, 2, 1, 1, 0, 50.0),
    ]
    assert [m.median_first_response_minutes for m in by_rule] == [20.0, 50.0]
    # and the API says the same
    assert [(m["label"], m["conversion"], m["median_first_response_minutes"]) for m in api["by_store"]] == [
        (north.display_name, 50.0, 30.0),
        (south.display_name, 66.7, 35.0),
    ]
    # and a store manager sees their own store only
    assert [m.label for m in north_only] == [north.display_name]


def test_the_metrics_page_renders_for_a_manager(opened, client):
    _case, store, manager, _chat, _customer = opened
    client.force_login(manager)
    with at(OPENED + DAY):
        response = client.get(reverse("trust:metrics"))
    assert response.status_code == 200 and store.display_name in response.content.decode()


# Who may see a case ----------------------------------------------------------------------------


def test_another_stores_manager_and_a_plain_member_find_nothing(opened, client):
    case, _store, _manager, chat, _customer = opened
    group = ChatGroup.objects.get(chat_id=chat)
    for outsider in (StoreFactory().manager, MemberFactory()):
        client.force_login(outsider)
        assert client.get(case.get_absolute_url()).status_code == 404
        assert client.get(f"/api/v1/trust/cases/{case.pk}").status_code == 404
        assert client.get(group.get_absolute_url()).status_code == 404
        written = client.post(
            f"/api/v1/trust/cases/{case.pk}/entries",
            data=json.dumps({"text": "hi"}),
            content_type="application/json",
        )
        assert written.status_code == 404
        closed = client.post(reverse("trust:case_close", args=[case.pk]), {"outcome": "lost"})
        assert closed.status_code == 404
    case.refresh_from_db()
    assert case.status == "open" and case.entries.count() == 1
    # and another store's manager's case list does not have it
    assert not selectors.cases_visible(viewer=StoreFactory().manager).filter(pk=case.pk).exists()


def test_another_customer_finds_nothing(opened, client):
    case, store, _manager, _chat, _customer = opened
    other = ContactFactory()
    StoreCustomerFactory(store=store, contact=other)
    stranger = linked_member(other, by=store.manager)
    client.force_login(stranger)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/trust/cases/{case.pk}").status_code == 404


def test_the_manager_and_operators_see_the_case_and_the_group(opened, client):
    case, _store, manager, chat, _customer = opened
    group = ChatGroup.objects.get(chat_id=chat)
    for viewer in (manager, operator()):
        client.force_login(viewer)
        assert client.get(case.get_absolute_url()).status_code == 200
        assert client.get(f"/api/v1/trust/cases/{case.pk}").json()["id"] == case.pk
        assert client.get(group.get_absolute_url()).status_code == 200
        assert [c["id"] for c in client.get("/api/v1/trust/cases").json()] == [case.pk]
