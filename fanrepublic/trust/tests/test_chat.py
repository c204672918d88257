"""Given/when/then for WeCom chat arriving: through the real callback URL (sealed as WeCom
seals it), through the services the callback calls, and through the archive relay's
API. A customer's message becomes a contact, a membership, a message, an event and
perhaps an open question; staff writing in the group answers it; rosters, contacts,
recalls and refusals are recorded as WeCom said them and nothing more."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import operator
from fanrepublic.stores.models import Contact, StoreCustomer
from fanrepublic.trust import services, wecom
from fanrepublic.trust.models import ChatGroup, ChatMembership, ChatMessage, Question, RefusedCallback

from .builders import (
    ASK,
    AT,
    CALLBACK,
    COMPLAIN,
    GRUMBLE,
    PRAISE,
    SAY,
    STAFF_REPLY,
    chat_id,
    customer_id,
    deliver,
    group_of,
    message_json,
    minutes,
    post_callback,
    say,
    seal,
    snapshot,
    staff_in_store,
)

pytestmark = pytest.mark.django_db

MESSAGES = "/api/v1/trust/messages"


def events(verb: str | None = None):
    found = Event.objects.filter(verb__startswith="trust.")
    return found.filter(verb=verb) if verb else found


def about(contact) -> dict:
    return {"object_type": "stores.contact", "object_id": str(contact.pk)}


# A customer's message --------------------------------------------------------------------


def test_a_customers_question_through_the_callback_url_becomes_a_contact_a_message_and_an_open_question(
    client, on_commit
):
    # given a group and a customer WeCom has never told us about
    group, customer = chat_id(), customer_id()

    # when WeCom delivers the customer's question to the callback URL
    with on_commit():
        response = deliver(client, message_json(group, customer, ASK, AT))

    # then WeCom hears "success" and the customer is known from WeCom, in the group
    assert response.status_code == 200 and response.content == b"success"
    contact = Contact.objects.get(wecom_external_userid=customer)
    assert contact.origin == "wecom"
    membership = ChatMembership.objects.get(group__chat_id=group, userid=customer)
    assert membership.contact == contact and not membership.is_staff
    # and the message is stored as a question about price and stock
    message = ChatMessage.objects.get()
    assert (message.contact, message.text, message.sent_at, message.is_question) == (contact, ASK, AT, True)
    assert {"price", "stock"} <= set(message.intents)
    # and the log says the customer asked, as an event about them
    event = Event.objects.get(verb="trust.chat.asked")
    assert (event.object_type, event.object_id, event.occurred_at) == ("stores.contact", str(contact.pk), AT)
    assert event.channel == "chat" and event.properties["group"] == group
    # and the question waits for staff
    question = Question.objects.get()
    assert (question.message, question.contact, question.asked_at, question.answered_at) == (
        message,
        contact,
        AT,
        None,
    )


@pytest.mark.parametrize(
    ("text", "verb", "wants_answer"),
    [
        (ASK, "trust.chat.asked", True),
        (COMPLAIN, "trust.chat.complained", True),
        (PRAISE, "trust.chat.praised", False),
        (GRUMBLE, "trust.chat.grumbled", False),
        (SAY, "trust.chat.said", False),
    ],
)
def test_what_the_customer_wrote_decides_the_event_and_whether_it_waits_for_an_answer(
    text, verb, wants_answer
):
    # given a customer in a group
    customer = customer_id()

    # when they write
    message = say(chat_id(), customer, text, AT)

    # then exactly one chat event records what kind of message it was
    contact = Contact.objects.get(wecom_external_userid=customer)
    assert list(events().values_list("verb", flat=True)) == [verb]
    assert Event.objects.filter(verb=verb, **about(contact)).exists()
    # and only a question or a complaint waits for staff
    assert message.is_question is wants_answer
    assert Question.objects.filter(message=message).exists() is wants_answer


def test_a_complaint_is_negative_and_a_praise_positive():
    complaint = say(chat_id(), customer_id(), COMPLAIN, AT)
    praise = say(chat_id(), customer_id(), PRAISE, AT)
    assert "complaint" in complaint.intents and complaint.sentiment == "negative"
    assert praise.sentiment == "positive" and praise.intents == []


def test_a_customers_picture_is_stored_but_asks_nothing():
    # given a customer who sends an image (no text)
    message = services.message_receive(
        msgid="img-1",
        chat_id=chat_id(),
        sender=customer_id(),
        sender_is_external=True,
        text="",
        at=AT,
        msgtype="image",
    )
    # then it is a message, said, and no question
    assert message.msgtype == "image" and not message.is_question
    assert list(events().values_list("verb", flat=True)) == ["trust.chat.said"]


# Staff answering ---------------------------------------------------------------------------


def test_staff_writing_in_a_group_answers_its_questions_asked_before_and_no_other_groups():
    # given a manager's two groups, each with a waiting question
    _store, manager, userid = staff_in_store()
    here, elsewhere = chat_id(), chat_id()
    first, second, other = customer_id(), customer_id(), customer_id()
    say(here, first, ASK, AT)
    say(here, second, COMPLAIN, AT + minutes(2))
    say(elsewhere, other, ASK, AT + minutes(1))
    # and a question asked after the reply, delivered late (before it)
    late = say(here, first, "有没有蓝色？多少钱？", AT + minutes(20))

    # when the manager writes in the first group
    reply = say(here, userid, STAFF_REPLY, AT + minutes(10))

    # then the reply is staff's, from no customer
    assert (reply.staff, reply.contact, reply.is_question) == (manager, None, False)
    # and both questions asked before it in that group are answered by the manager
    answered = Question.objects.filter(group__chat_id=here, answered_at__isnull=False)
    assert answered.count() == 2
    assert {(q.answered_at, q.answered_by) for q in answered} == {(AT + minutes(10), manager)}
    for customer in (first, second):
        contact = Contact.objects.get(wecom_external_userid=customer)
        event = Event.objects.get(verb="trust.question.answered", **about(contact))
        assert event.actor == manager and event.occurred_at == AT + minutes(10)
    # and the other group's question and the later one still wait
    assert Question.objects.get(group__chat_id=elsewhere).answered_at is None
    assert Question.objects.get(message=late).answered_at is None
    assert events("trust.question.answered").count() == 2
    # and staff writing is no chat event: only the four customer messages are
    assert events().filter(verb__startswith="trust.chat.").count() == 4


def test_a_second_staff_message_answers_nothing_twice():
    _store, _manager, userid = staff_in_store()
    group = chat_id()
    say(group, customer_id(), ASK, AT)
    say(group, userid, STAFF_REPLY, AT + minutes(1))
    say(group, userid, "还有别的问题吗？", AT + minutes(2))
    question = Question.objects.get()
    assert question.answered_at == AT + minutes(1)
    assert events("trust.question.answered").count() == 1


def test_a_message_from_an_unknown_staff_account_still_answers_without_naming_anyone():
    group = chat_id()
    say(group, customer_id(), ASK, AT)
    say(group, "someone.new", STAFF_REPLY, AT + minutes(3))
    question = Question.objects.get()
    assert question.answered_at == AT + minutes(3) and question.answered_by is None


# Redelivery and recall ---------------------------------------------------------------------


def test_a_redelivered_message_changes_nothing(client, on_commit):
    # given a question already delivered
    group, customer = chat_id(), customer_id()
    payload = message_json(group, customer, ASK, AT, msgid="msg-once")
    with on_commit():
        deliver(client, payload)
    before = (ChatMessage.objects.count(), Question.objects.count(), Event.objects.count())

    # when the archive relay sends it again (a new envelope, the same msgid)
    with on_commit():
        response = deliver(client, payload)
    again = say(group, customer, ASK, AT, msgid="msg-once")

    # then it is acknowledged and nothing more is stored
    assert response.status_code == 200 and again is None
    assert (ChatMessage.objects.count(), Question.objects.count(), Event.objects.count()) == before


def test_a_recall_marks_the_message_recalled(client):
    # given a customer's message
    group, customer = chat_id(), customer_id()
    message = say(group, customer, ASK, AT, msgid="msg-to-recall")

    # when they recall it
    response = deliver(
        client,
        wecom.archive_recall_json(
            msgid="recall-1",
            chat_id=group,
            sender=customer,
            recalled_msgid="msg-to-recall",
            at=AT + minutes(1),
        ),
    )

    # then it is marked recalled, and nothing else is stored
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.recalled
    assert ChatMessage.objects.count() == 1 and events().count() == 1


def test_a_recall_in_the_same_batch_as_its_message_marks_it_recalled(client, on_commit):
    # given the relay batching a customer's message and, after it, its recall
    group, customer = chat_id(), customer_id()
    batch = wecom.archive_batch_json(
        [
            message_json(group, customer, ASK, AT, msgid="msg-then-recalled"),
            wecom.archive_recall_json(
                msgid="recall-2", chat_id=group, sender=customer, recalled_msgid="msg-then-recalled", at=AT
            ),
        ]
    )

    # when the batch is delivered
    with on_commit():
        assert deliver(client, batch).status_code == 200

    # then the message is stored, and recalled
    assert ChatMessage.objects.get(msgid="msg-then-recalled").recalled


# Groups and rosters ------------------------------------------------------------------------


def test_a_group_synced_from_wecom_belongs_to_its_owners_store_with_its_roster():
    # given a manager with a WeCom identity and two customers
    store, manager, userid = staff_in_store()
    one, two = customer_id(), customer_id()

    # when WeCom describes the group
    group = services.group_sync(snapshot=snapshot("wrSynced", userid, [one, two]), at=AT)

    # then it is the manager's, for their store, with three members
    assert (group.owner, group.store, group.owner_userid) == (manager, store, userid)
    assert group.member_count == 3 and group.synced_at == AT and group.name == "15 Pro 用户群"
    staff_row = group.memberships.get(userid=userid)
    assert staff_row.is_staff and staff_row.contact is None
    # and the customers are contacts the store knows, who joined
    for customer in (one, two):
        contact = Contact.objects.get(wecom_external_userid=customer)
        assert contact.origin == "wecom"
        assert StoreCustomer.objects.filter(store=store, contact=contact).exists()
        assert Event.objects.filter(verb="trust.group.joined", **about(contact)).count() == 1


def test_a_later_sync_records_who_left_and_who_joined_once():
    # given a synced group of two customers
    _store, _manager, userid = staff_in_store()
    one, two, three = customer_id(), customer_id(), customer_id()
    group = group_of(userid, chat="wrRoster", customers=[one, two])

    # when WeCom later says one left, another joined and the name changed
    later = AT + timedelta(days=1)
    renamed = snapshot("wrRoster", userid, [one, three], at=later, name="SU7 车主群")
    services.group_sync(snapshot=renamed, at=later)
    # and says it again
    services.group_sync(snapshot=renamed, at=later + minutes(5))

    # then the one who left is marked, not deleted, with one event
    group.refresh_from_db()
    left = group.memberships.get(userid=two)
    assert left.left_at == later
    gone = Contact.objects.get(wecom_external_userid=two)
    assert Event.objects.filter(verb="trust.group.left", **about(gone)).count() == 1
    # and the newcomer joined once
    newcomer = Contact.objects.get(wecom_external_userid=three)
    assert Event.objects.filter(verb="trust.group.joined", **about(newcomer)).count() == 1
    assert events("trust.group.joined").count() == 3
    # and the group has its new name and count
    assert (group.name, group.member_count) == ("SU7 车主群", 3)
    assert group.memberships.filter(left_at__isnull=True).count() == 3


def test_a_customer_who_comes_back_rejoins():
    _store, _manager, userid = staff_in_store()
    one = customer_id()
    group_of(userid, chat="wrBack", customers=[one])
    services.group_sync(snapshot=snapshot("wrBack", userid, []), at=AT + timedelta(days=1))
    services.group_sync(
        snapshot=snapshot("wrBack", userid, [one], at=AT + timedelta(days=2)), at=AT + timedelta(days=2)
    )
    membership = ChatMembership.objects.get(userid=one)
    assert membership.left_at is None and membership.joined_at == AT + timedelta(days=2)
    assert events("trust.group.joined").count() == 2 and events("trust.group.left").count() == 1


def test_a_message_in_a_synced_group_makes_the_customer_known_to_its_store():
    store, _manager, userid = staff_in_store()
    group = group_of(userid)
    customer = customer_id()
    say(group.chat_id, customer, ASK, AT)
    contact = Contact.objects.get(wecom_external_userid=customer)
    assert StoreCustomer.objects.filter(store=store, contact=contact).exists()


def test_a_dismissed_group_is_marked_with_one_event(client):
    # given a group
    _store, _manager, userid = staff_in_store()
    group = group_of(userid, chat="wrBye")

    # when WeCom says it was dismissed (twice: WeCom retries)
    xml = wecom.group_event_xml(change="dismiss", chat_id="wrBye", at=AT + timedelta(days=3))
    assert deliver(client, xml).status_code == 200
    assert deliver(client, xml).status_code == 200

    # then it is marked dismissed, once
    group.refresh_from_db()
    assert group.dismissed_at == AT + timedelta(days=3)
    assert events("trust.group.dismissed").count() == 1


def test_a_group_created_callback_without_api_access_makes_an_empty_group(client):
    response = deliver(client, wecom.group_event_xml(change="create", chat_id="wrNew", at=AT))
    assert response.status_code == 200
    group = ChatGroup.objects.get(chat_id="wrNew")
    assert group.created_at == AT and group.member_count == 0 and group.owner is None


# Contacts -------------------------------------------------------------------------------------


def test_a_customer_adding_and_removing_a_staff_member_is_recorded(client):
    # given a manager with a WeCom identity
    store, _manager, userid = staff_in_store()
    customer = customer_id()

    # when the customer adds them, WeCom says so (and says it again)
    added = wecom.contact_event_xml(change="add", staff_userid=userid, external_userid=customer, at=AT)
    assert deliver(client, added).status_code == 200
    assert deliver(client, added).status_code == 200

    # then the customer is a contact from WeCom, known to the manager's store, added once
    contact = Contact.objects.get(wecom_external_userid=customer)
    assert contact.origin == "wecom"
    assert StoreCustomer.objects.filter(store=store, contact=contact).exists()
    event = Event.objects.get(verb="trust.contact.added", **about(contact))
    assert event.properties == {"staff": userid, "store": store.slug}

    # when the staff's details change, nothing is recorded
    edit = wecom.contact_event_xml(change="edit", staff_userid=userid, external_userid=customer, at=AT)
    assert deliver(client, edit).status_code == 200
    # and when the customer removes them, that is recorded
    removed = wecom.contact_event_xml(
        change="del", staff_userid=userid, external_userid=customer, at=AT + timedelta(days=9)
    )
    assert deliver(client, removed).status_code == 200
    assert Event.objects.filter(verb="trust.contact.removed", **about(contact)).count() == 1
    assert events().count() == 2
    assert Contact.objects.count() == 1


# Questions left unanswered ---------------------------------------------------------------------


def test_a_question_left_too_long_counts_once_as_unanswered(settings):
    # given staff should answer within 30 minutes, and a question and an answered one
    settings.TRUST_ANSWER_WITHIN_MINUTES = 30
    _store, _manager, userid = staff_in_store()
    waiting_group, answered_group = chat_id(), chat_id()
    say(waiting_group, customer_id(), ASK, AT)
    say(answered_group, customer_id(), ASK, AT)
    say(answered_group, userid, STAFF_REPLY, AT + minutes(40))

    # when the check runs before the time is up, nothing is marked
    assert services.questions_mark_unanswered(now=AT + minutes(29)) == 0

    # when it runs after
    assert services.questions_mark_unanswered(now=AT + minutes(31)) == 1

    # then the waiting question counts as unanswered, dated when the time ran out
    question = Question.objects.get(group__chat_id=waiting_group)
    assert question.overdue_at == AT + minutes(31)
    event = Event.objects.get(verb="trust.question.unanswered")
    assert event.occurred_at == AT + minutes(30)
    assert (event.object_type, event.object_id) == ("stores.contact", str(question.contact_id))
    # and checking again marks nothing more
    assert services.questions_mark_unanswered(now=AT + minutes(90)) == 0
    assert events("trust.question.unanswered").count() == 1
    # and the question answered late was answered before the check saw it
    assert Question.objects.get(group__chat_id=answered_group).overdue_at is None


# Refused callbacks ---------------------------------------------------------------------------


def assert_refused(response, reason: str):
    assert response.status_code == 400
    assert response.content.decode() == reason
    refused = RefusedCallback.objects.get()
    assert refused.reason == reason and refused.size > 0
    assert not ChatMessage.objects.exists()
    assert not Event.objects.exists()
    assert not Contact.objects.exists()


def test_a_callback_with_a_wrong_signature_is_refused_and_nothing_stored(client):
    body, params = seal(message_json(chat_id(), customer_id(), ASK, AT))
    params["msg_signature"] = "0" * 40
    assert_refused(post_callback(client, body, params), "bad_signature")


def test_a_tampered_body_is_refused(client):
    body, params = seal(message_json(chat_id(), customer_id(), ASK, AT))
    body = body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")
    assert_refused(post_callback(client, body, params), "bad_signature")


def test_a_stale_callback_is_refused(client):
    old = int((timezone.now() - timedelta(hours=1)).timestamp())
    body, params = seal(message_json(chat_id(), customer_id(), ASK, AT), timestamp=old)
    assert_refused(post_callback(client, body, params), "stale_timestamp")


def test_a_replayed_callback_is_refused_the_second_time(client, on_commit):
    # given a callback that was received
    body, params = seal(message_json(chat_id(), customer_id(), ASK, AT))
    with on_commit():
        assert post_callback(client, body, params).status_code == 200
    before = (ChatMessage.objects.count(), Event.objects.count(), Contact.objects.count())

    # when the very same request comes again
    with on_commit():
        response = post_callback(client, body, params)

    # then it is refused, logged, and adds nothing
    assert response.status_code == 400 and response.content == b"replayed"
    assert RefusedCallback.objects.get().reason == "replayed"
    assert (ChatMessage.objects.count(), Event.objects.count(), Contact.objects.count()) == before


def test_a_malformed_body_is_refused(client):
    _body, params = seal(message_json(chat_id(), customer_id(), ASK, AT))
    assert_refused(post_callback(client, b"not xml at all", params), "malformed")


def test_url_verification_echoes_the_decrypted_echostr(client):
    # given WeCom's verification request
    body, params = seal("5927782489442352469")
    echostr = body.decode().split("<Encrypt><![CDATA[")[1].split("]]>")[0]

    # when it is sent to the callback URL
    response = client.get(CALLBACK, {**params, "echostr": echostr})

    # then the plain echostr comes back
    assert response.status_code == 200 and response.content == b"5927782489442352469"
    # and a forged one is refused and logged
    forged = client.get(CALLBACK, {**params, "msg_signature": "f" * 40, "echostr": echostr})
    assert forged.status_code == 400
    assert RefusedCallback.objects.get().reason == "bad_signature"


def test_the_callback_url_answers_only_get_and_post(client):
    assert client.put(CALLBACK).status_code == 405
    assert not RefusedCallback.objects.exists()


# The archive relay's API ----------------------------------------------------------------------


def relay(verbs=("trust.chat.said",), **kwargs):
    return IntegrationFactory(slug="wecom-archive", channel="chat", verbs=list(verbs), **kwargs)


def token_for(integration) -> dict:
    _token, secret = api_token_create(
        owner=operator(), name="archive relay", scopes=["events:ingest"], integration=integration
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, headers, records):
    return client.post(
        MESSAGES, data=json.dumps({"messages": records}), content_type="application/json", **headers
    )


def record(msgid: str, *, chat="wrRelay", sender="wmRelayCustomer", text=ASK, at=AT) -> dict:
    return json.loads(message_json(chat, sender, text, at, msgid=msgid))


def test_the_archive_relay_sends_a_batch_and_hears_what_became_of_each_record(client, on_commit):
    # given the relay's token and a batch: new, redelivered, malformed, not an object,
    # one-to-one, a recall and a staff reply
    headers = token_for(relay())
    staff_in_store("relay.staff")
    one_to_one = record("r-5")
    one_to_one["roomid"] = ""
    recall = json.loads(
        wecom.archive_recall_json(
            msgid="r-6", chat_id="wrRelay", sender="wmRelayCustomer", recalled_msgid="r-2", at=AT
        )
    )
    batch = [
        record("r-1"),
        record("r-2", text=SAY),
        record("r-1"),
        {"msgid": "r-3", "action": "send"},
        "r-4 as a string",
        one_to_one,
        recall,
        record("r-7", sender="relay.staff", text=STAFF_REPLY, at=AT + minutes(5)),
    ]

    # when it is sent
    with on_commit():
        response = send(client, headers, batch)

    # then each record has its answer, by index
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "created",
        "created",
        "duplicate",
        "rejected",
        "rejected",
        "rejected",
        "recalled",
        "created",
    ]
    assert [r["index"] for r in body["results"]] == list(range(8))
    assert (body["created"], body["duplicates"], body["rejected"]) == (3, 1, 3)
    assert body["results"][3]["error"] == body["results"][4]["error"] == "malformed"
    assert body["results"][5]["error"] == "not_a_group"
    # and what was stored is what the callback would have stored
    assert set(ChatMessage.objects.values_list("msgid", flat=True)) == {"r-1", "r-2", "r-7"}
    assert ChatMessage.objects.get(msgid="r-2").recalled
    assert Question.objects.get().answered_at == AT + minutes(5)
    assert events("trust.chat.asked").count() == 1 and events("trust.chat.said").count() == 1

    # when the same batch comes again, everything it created is a duplicate
    again = send(client, headers, batch[:2]).json()
    assert (again["created"], again["duplicates"]) == (0, 2)


def test_an_integration_not_listing_chat_messages_is_refused(client):
    response = send(client, token_for(relay(verbs=["trust.chat.asked"])), [record("x-1")])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verb_not_allowed"
    assert not ChatMessage.objects.exists()


def test_a_switched_off_integration_is_refused(client):
    integration = relay()
    headers = token_for(integration)
    integration.is_active = False
    integration.save()
    response = send(client, headers, [record("x-1")])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "integration_inactive"
    assert not ChatMessage.objects.exists()


def test_a_batch_over_the_limit_is_refused_whole(client, settings):
    settings.TRUST_MESSAGES_MAX_BATCH = 3
    headers = token_for(relay())
    response = send(client, headers, [record(f"b-{i}") for i in range(4)])
    assert response.status_code == 422
    assert "messages" in response.json()["error"]["fields"]
    assert not ChatMessage.objects.exists()
    assert send(client, headers, [record(f"b-{i}") for i in range(3)]).status_code == 200


def test_an_empty_batch_is_a_422(client):
    assert send(client, token_for(relay()), []).status_code == 422


def test_only_an_integrations_token_may_forward_messages(client):
    _t, personal = api_token_create(owner=operator(), name="me", scopes=["read", "write"])
    assert send(client, {"HTTP_AUTHORIZATION": f"Bearer {personal}"}, [record("p-1")]).status_code == 401
    assert send(client, {}, [record("p-1")]).status_code == 401
    client.force_login(operator())
    assert send(client, {}, [record("p-1")]).status_code == 401
    assert not ChatMessage.objects.exists()


def test_a_message_through_the_callback_at_a_travelled_time_is_accepted(client):
    # WeCom's clock is ours: a callback sealed "now" at any moment opens at that moment.
    with time_machine.travel(AT + timedelta(days=30), tick=False):
        response = deliver(client, message_json(chat_id(), customer_id(), ASK, AT + timedelta(days=30)))
    assert response.status_code == 200 and ChatMessage.objects.count() == 1


def test_the_relay_s_batch_in_one_sealed_callback_stores_every_record_once():
    """The archive relay seals up to 1,000 records in one callback; a second delivery of
    the same batch stores nothing more, and a batch too large is refused whole."""
    from fanrepublic.trust.models import ChatMessage
    from fanrepublic.trust.services import callback_receive
    from fanrepublic.trust.wecom import (
        MAX_BATCH_RECORDS,
        CallbackRefused,
        archive_batch_json,
        archive_message_json,
        open_callback,
        seal_callback,
    )

    now = timezone.now()
    records = [
        archive_message_json(msgid=f"b{n}", chat_id="wrBATCH", sender=f"wm{n:020d}", text="多少钱？", at=now)
        for n in range(30)
    ]
    for _delivery in range(2):
        body, query = seal_callback(payload=archive_batch_json(records))
        callback = open_callback(body=body, **query)
        assert callback.kind == "batch" and len(callback.records) == 30
        callback_receive(callback=callback)
    assert ChatMessage.objects.filter(group__chat_id="wrBATCH").count() == 30
    too_many = [records[0]] * (MAX_BATCH_RECORDS + 1)
    body, query = seal_callback(payload=archive_batch_json(too_many))
    with pytest.raises(CallbackRefused):
        open_callback(body=body, **query)
