"""WeCom (企业微信): its callback protocol and its API, and nothing about trust.

WeCom POSTs every callback as an encrypted envelope, `<xml><ToUserName/><Encrypt/></xml>`,
with `msg_signature`, `timestamp` and `nonce` in the query string. The signature is
SHA-1 over the callback token, the timestamp, the nonce and the ciphertext; the
ciphertext is AES-CBC under the EncodingAESKey and ends with the receiving corp id.
wechatpy checks the signature and decrypts; this module adds what the SDK leaves to its
caller: a time window, replay memory, the corp id on the envelope, and a parser that
turns the decrypted payload into one normalised `Callback`.

The payload is either WeCom's own callback XML (a customer added or removed a staff
member, a customer group changed) or a JSON record in the shape of WeCom's message
archive (会话内容存档): our archive relay runs beside WeCom's archive SDK, a C library,
and forwards each record through this same encrypted callback, so one door, one key and
one set of checks serve both.

`WeComClient` asks WeCom's API about a contact or a group through the SDK, with the
access token shared in Django's cache, retries, a timeout and domain errors.
"""

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import xmltodict
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from wechatpy.enterprise import WeChatClient
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException, WeChatClientException
from wechatpy.session import SessionStorage

from fanrepublic.core.errors import NotFound, Unavailable
from fanrepublic.core.text import text_problem

logger = logging.getLogger(__name__)

MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 4000
# A text message of MAX_TEXT_LENGTH Chinese characters, as JSON, base64 and XML, is far
# below this; anything larger is not a callback and is refused before it is parsed.
# One WeCom event is small; the archive relay's batches of up to 1,000 records are not.
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_BATCH_RECORDS = 1000
MAX_RECIPIENTS = 2000
MAX_QUERY_VALUE_LENGTH = 1024
# The envelope is <xml>, <ToUserName>, <Encrypt> (base64, no "<") and perhaps <AgentID>:
# a dozen "<". Counted before any parser runs, since anyone may post one: 2 MB of nested
# elements takes expat and xmltodict over a second.
MAX_ENVELOPE_MARKUP = 32

CONTACT_CHANGES = {
    "add_external_contact": "add",
    "edit_external_contact": "edit",
    "del_external_contact": "del",
    "del_follow_user": "del_follow_user",
    "add_half_external_contact": "add_half",
}
GROUP_CHANGES = ("create", "update", "dismiss")
GROUP_UPDATE_DETAILS = ("add_member", "del_member", "change_owner", "change_name", "change_notice")
# WeCom gives customers (external contacts) user ids that start with these; staff user
# ids are chosen by the company and never do.
EXTERNAL_USERID_PREFIXES = ("wm", "wo")

# A DOCTYPE is where entity declarations (the "billion laughs", external entities)
# live. WeCom never sends one, so none is parsed.
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_DIGITS = re.compile(r"[0-9]{1,9}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_REFUSALS = {
    "bad_signature": _("The WeCom callback's signature does not match."),
    "stale_timestamp": _("The WeCom callback's timestamp is too far from the current time."),
    "replayed": _("This WeCom callback has already been received."),
    "undecryptable": _("The WeCom callback could not be decrypted for this company."),
    "malformed": _("The WeCom callback is not in a form that WeCom sends."),
}


class CallbackRefused(Exception):
    """A callback that is not opened. `reason` is a stable code (one of `_REFUSALS`);
    `message` is for people; `detail` is for the log only and never shown."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.message = _REFUSALS[reason]
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class WeComUnavailable(Unavailable):
    """WeCom's API could not answer (network, 5xx after the retries, a token it keeps
    refusing, an unexpected answer). `errcode` is WeCom's, when it gave one."""

    code = "wecom_unavailable"
    default_message = _("WeCom cannot be reached right now. Please try again in a moment.")

    def __init__(self, message=None, *, errcode: int | None = None, **kwargs):
        self.errcode = errcode
        super().__init__(message, **kwargs)


class WeComNotFound(NotFound):
    """WeCom answered, and does not know the contact or group asked about."""

    code = "wecom_not_found"
    default_message = _("WeCom does not know this contact or group.")

    def __init__(self, message=None, *, errcode: int | None = None, **kwargs):
        self.errcode = errcode
        super().__init__(message, **kwargs)


@dataclass(frozen=True)
class Callback:
    """One opened callback. `kind` says which fields mean something:

    - "contact": `change` (add, edit, del, del_follow_user, add_half), `staff_userid`,
      `external_userid`, `state`, `at`;
    - "group": `change` (create, update, dismiss), `chat_id`, `update_detail`,
      `join_scene`, `quit_scene`, `member_change_count`, `at`;
    - "message": `msgid`, `chat_id` ("" for one-to-one), `sender`, `sender_is_external`,
      `recipients`, `msgtype` ("recall" with `recalled_msgid` for a recall), `text`
      ("" for anything but text), `at`;
    - "batch": `records`, the archive relay's batch of archive records (each a
      "message" or "unknown" Callback), sealed in one callback;
    - "unknown": `event` (WeCom's event, message type or archive action) and `change`
      as sent; the caller acknowledges it and stores nothing.
    """

    kind: str
    at: datetime | None = None
    event: str = ""
    change: str = ""
    staff_userid: str = ""
    external_userid: str = ""
    state: str = ""
    chat_id: str = ""
    update_detail: str = ""
    join_scene: int | None = None
    quit_scene: int | None = None
    member_change_count: int | None = None
    msgid: str = ""
    sender: str = ""
    sender_is_external: bool = False
    recipients: tuple[str, ...] = ()
    msgtype: str = ""
    text: str = ""
    recalled_msgid: str = ""
    records: tuple["Callback", ...] = ()


# The callback door ---------------------------------------------------------------------


def verify_url(*, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
    """WeCom's URL verification (a GET when the callback URL is saved in its console):
    the decrypted echostr, which the view answers as plain text."""
    _check_query(msg_signature=msg_signature, timestamp=timestamp, nonce=nonce, echostr=echostr)
    try:
        return _crypto().check_signature(msg_signature, timestamp, nonce, echostr)
    except InvalidSignatureException as error:
        raise _refused("bad_signature") from error
    except Exception as error:
        # The SDK fails in many ways (base64, AES, padding, UTF-8, the corp id) on
        # bytes that were not encrypted for us; all of them mean the same here.
        raise _refused("undecryptable", type(error).__name__) from error


def open_callback(*, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> Callback:
    """Check, decrypt and parse one callback POST, or raise CallbackRefused."""
    _check_query(msg_signature=msg_signature, timestamp=timestamp, nonce=nonce)
    window = settings.WECOM_CALLBACK_WINDOW_SECONDS
    if not _TIMESTAMP.fullmatch(timestamp):
        raise _refused("malformed", "timestamp is not an integer")
    if abs(timezone.now().timestamp() - int(timestamp)) > window:
        raise _refused("stale_timestamp", f"timestamp {timestamp}")
    if len(body) > MAX_BODY_BYTES:
        raise _refused("malformed", f"body of {len(body)} bytes")
    if body.count(b"<") > MAX_ENVELOPE_MARKUP:
        raise _refused("malformed", "more markup than an envelope has")
    try:
        envelope = _parse_xml(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _refused("malformed", "body is not UTF-8") from error
    encrypt = envelope.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise _refused("malformed", "no Encrypt in the envelope")
    try:
        payload = _crypto().decrypt_message({"Encrypt": encrypt}, msg_signature, timestamp, nonce)
    except InvalidSignatureException as error:
        raise _refused("bad_signature") from error
    except Exception as error:
        # As in verify_url: any failure to decrypt, including another receiving corp id.
        raise _refused("undecryptable", type(error).__name__) from error
    receiver = envelope.get("ToUserName")
    if receiver is not None and receiver != settings.WECOM_CORP_ID:
        raise _refused("undecryptable", "envelope addressed to another corp id")
    # Remembered only now that the signature is known to be WeCom's: a forged callback
    # carrying a real signature must not make the real one look like a replay.
    if not cache.add(_seen_key(msg_signature), 1, timeout=window * 2):
        raise _refused("replayed")
    return _read_payload(payload)


def forget_callback(msg_signature: str) -> None:
    """Forget that a callback was received, so WeCom's retry of it (the very same request)
    is not refused as a replay: for a callback whose contents could not be stored."""
    cache.delete(_seen_key(msg_signature))


def seal_callback(
    *, payload: str, timestamp: int | None = None, nonce: str | None = None
) -> tuple[bytes, dict]:
    """Encrypt and sign a payload as WeCom does: the POST body and the query parameters
    {"msg_signature", "timestamp", "nonce"}. The embedded demo delivers its history
    through the real callback path with it, and tests use it."""
    if timestamp is None:
        timestamp = int(timezone.now().timestamp())
    nonce = nonce or secrets.token_hex(8)
    reply = xmltodict.parse(_crypto().encrypt_message(payload, nonce, str(timestamp)))["xml"]
    body = (
        f"<xml><ToUserName>{_cdata(settings.WECOM_CORP_ID)}</ToUserName>"
        f"<Encrypt>{_cdata(reply['Encrypt'])}</Encrypt></xml>"
    )
    return body.encode("utf-8"), {
        "msg_signature": reply["MsgSignature"],
        "timestamp": str(timestamp),
        "nonce": nonce,
    }


# What WeCom and the archive relay send -------------------------------------------------


def contact_event_xml(
    *, change: str, staff_userid: str, external_userid: str, at: datetime, state: str = ""
) -> str:
    """A change_external_contact event; `change` is one of CONTACT_CHANGES' values."""
    change_types = {short: change_type for change_type, short in CONTACT_CHANGES.items()}
    if change not in change_types:
        raise ValueError(f"unknown contact change {change!r}")
    fields = [
        ("MsgType", "event"),
        ("Event", "change_external_contact"),
        ("ChangeType", change_types[change]),
        ("UserID", staff_userid),
        ("ExternalUserID", external_userid),
    ]
    if state:
        fields.append(("State", state))
    return _event_xml(at=at, fields=fields)


def group_event_xml(
    *,
    change: str,
    chat_id: str,
    at: datetime,
    update_detail: str = "",
    join_scene: int | None = None,
    quit_scene: int | None = None,
    member_change_count: int | None = None,
) -> str:
    """A change_external_chat event; `update_detail` only for change "update"."""
    if change not in GROUP_CHANGES:
        raise ValueError(f"unknown group change {change!r}")
    fields = [
        ("MsgType", "event"),
        ("Event", "change_external_chat"),
        ("ChatId", chat_id),
        ("ChangeType", change),
    ]
    if update_detail:
        fields.append(("UpdateDetail", update_detail))
    for name, number in (
        ("JoinScene", join_scene),
        ("QuitScene", quit_scene),
        ("MemChangeCnt", member_change_count),
    ):
        if number is not None:
            fields.append((name, number))
    return _event_xml(at=at, fields=fields)


def archive_message_json(
    *, msgid: str, chat_id: str, sender: str, text: str, at: datetime, recipients: Sequence[str] = ()
) -> str:
    """A text message as the archive relay forwards it; `chat_id` "" for one-to-one."""
    return json.dumps(
        {
            "msgid": msgid,
            "action": "send",
            "from": sender,
            "tolist": list(recipients),
            "roomid": chat_id,
            "msgtime": _milliseconds(at),
            "msgtype": "text",
            "text": {"content": text},
        },
        ensure_ascii=False,
    )


def archive_batch_json(records: list[str]) -> str:
    """Several archive records in one callback, as the relay batches them (each record
    as archive_message_json or archive_recall_json makes it)."""
    return '{"records": [' + ", ".join(records) + "]}"


def archive_recall_json(*, msgid: str, chat_id: str, sender: str, recalled_msgid: str, at: datetime) -> str:
    """A recall (撤回) as the archive relay forwards it: WeCom's "revoke" record."""
    return json.dumps(
        {
            "msgid": msgid,
            "action": "recall",
            "from": sender,
            "tolist": [],
            "roomid": chat_id,
            "msgtime": _milliseconds(at),
            "msgtype": "revoke",
            "revoke": {"pre_msgid": recalled_msgid},
        },
        ensure_ascii=False,
    )


# The API -------------------------------------------------------------------------------

# Token errors after which the SDK fetches a new access token and repeats the call:
# invalid credential, invalid token, expired token, expired authorisation.
TOKEN_ERRCODES = (40001, 40014, 42001, 42007)
CONTACT_MISSING_ERRCODES = (84061, 40096)  # no such external contact / invalid external userid
GROUP_MISSING_ERRCODES = (40050,)  # no such chat id
# A cached token is dropped this long before WeCom expires it, so none is sent in its
# last moments.
TOKEN_EXPIRY_MARGIN_SECONDS = 300


class DjangoCacheSession(SessionStorage):
    """The SDK's token store over Django's cache: every process and client shares one
    access token (WeCom limits how often one may be fetched). Keys are hashed because
    the SDK's key holds the start of the secret."""

    def _key(self, key: str) -> str:
        return "wecom:token:" + hashlib.sha256(key.encode()).hexdigest()[:40]

    def get(self, key, default=None):
        return cache.get(self._key(key), default)

    def set(self, key, value, ttl=None):
        if value is None:
            return
        ttl = 7200 if ttl is None else int(ttl)
        cache.set(self._key(key), value, timeout=max(1, ttl - TOKEN_EXPIRY_MARGIN_SECONDS))

    def delete(self, key):
        cache.delete(self._key(key))


class _TimeoutAdapter(HTTPAdapter):
    """Retries and a timeout on every request: the SDK sends the token fetch without one."""

    def __init__(self, *, timeout: float, **kwargs):
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class _SDKClient(WeChatClient):
    """wechatpy's WeCom client with two corrections, both in how it reaches WeCom."""

    def __init__(self, *, api_base: str, **kwargs):
        # auto_retry off: the SDK's own refresh repeats a call on every token error with
        # no limit, recursing for as long as WeCom refuses. _handle_result refreshes once.
        super().__init__(auto_retry=False, **kwargs)
        self.API_BASE_URL = api_base
        self.token_refreshed = False

    def fetch_access_token(self):
        # The SDK fetches from qyapi.weixin.qq.com whatever API_BASE_URL says.
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )

    def _handle_result(self, res, method=None, url=None, result_processor=None, **kwargs):
        result = res if isinstance(res, dict) else self._decode_result(res)
        if isinstance(result, dict) and _errcode(result) in TOKEN_ERRCODES and not self.token_refreshed:
            self.token_refreshed = True
            self.fetch_access_token()
            kwargs["params"]["access_token"] = self.session.get(self.access_token_key)
            return self._request(
                method=method, url_or_endpoint=url, result_processor=result_processor, **kwargs
            )
        return super()._handle_result(res, method, url, result_processor, **kwargs)


class WeComClient:
    """WeCom's API, as far as Fan Republic asks it. Cheap to make; make one per unit of
    work rather than sharing one between threads (it counts its token refresh per call)."""

    @staticmethod
    def is_configured() -> bool:
        return bool(settings.WECOM_SECRET)

    def __init__(self):
        base = settings.WECOM_API_BASE
        self._sdk = _SDKClient(
            api_base=base if base.endswith("/") else base + "/",
            corp_id=settings.WECOM_CORP_ID,
            secret=settings.WECOM_SECRET,
            session=DjangoCacheSession(),
            timeout=settings.WECOM_HTTP_TIMEOUT,
        )
        retry = Retry(
            total=settings.WECOM_HTTP_RETRIES,
            backoff_factor=0.2,
            status_forcelist=(500, 502, 503, 504),
            # Every method: the one POST used (groupchat/get) only reads.
            allowed_methods=None,
        )
        adapter = _TimeoutAdapter(timeout=settings.WECOM_HTTP_TIMEOUT, max_retries=retry)
        self._sdk._http.mount("https://", adapter)
        self._sdk._http.mount("http://", adapter)

    def forget_token(self) -> None:
        """Drop the shared access token (after the secret changes), so the next call fetches one."""
        self._sdk.session.delete(self._sdk.access_token_key)

    def external_contact(self, external_userid: str) -> dict:
        """A customer: {"external_userid", "name", "avatar", "type" (1 WeChat, 2 WeCom),
        "gender" (0 unknown, 1 male, 2 female), "unionid", "follow_user": [{"userid",
        "remark", "state", "added_at"}]}; WeComNotFound when WeCom does not know them."""
        result = self._call(
            lambda: self._sdk.external_contact.get(external_userid),
            missing_errcodes=CONTACT_MISSING_ERRCODES,
            missing_message=_("WeCom does not know this contact."),
        )
        contact = _mapping(result.get("external_contact"))
        return {
            "external_userid": _string(contact.get("external_userid")) or external_userid,
            "name": _string(contact.get("name")),
            "avatar": _string(contact.get("avatar")),
            "type": _integer(contact.get("type")),
            "gender": _integer(contact.get("gender")),
            "unionid": _string(contact.get("unionid")),
            "follow_user": [
                {
                    "userid": _string(follow.get("userid")),
                    "remark": _string(follow.get("remark")),
                    "state": _string(follow.get("state")),
                    "added_at": _from_seconds(follow.get("createtime")),
                }
                for follow in map(_mapping, _sequence(result.get("follow_user")))
            ],
        }

    def group_chat(self, chat_id: str) -> dict:
        """A customer group: {"chat_id", "name", "owner", "notice", "created_at",
        "member_list": [{"userid", "type" (1 staff, 2 customer), "name", "join_time",
        "join_scene"}]}; WeComNotFound when WeCom does not know it."""
        result = self._call(
            # The SDK's groupchat.get() leaves out need_name, without which WeCom sends
            # no member names.
            lambda: self._sdk.post(
                "externalcontact/groupchat/get", data={"chat_id": chat_id, "need_name": 1}
            ),
            missing_errcodes=GROUP_MISSING_ERRCODES,
            missing_message=_("WeCom does not know this group."),
        )
        chat = _mapping(result.get("group_chat"))
        return {
            "chat_id": _string(chat.get("chat_id")) or chat_id,
            "name": _string(chat.get("name")),
            "owner": _string(chat.get("owner")),
            "notice": _string(chat.get("notice")),
            "created_at": _from_seconds(chat.get("create_time")),
            "member_list": [
                {
                    "userid": _string(member.get("userid")),
                    "type": _integer(member.get("type")),
                    "name": _string(member.get("name")),
                    "join_time": _from_seconds(member.get("join_time")),
                    "join_scene": _integer(member.get("join_scene")),
                }
                for member in map(_mapping, _sequence(chat.get("member_list")))
            ],
        }

    def _call(self, request: Callable[[], Any], *, missing_errcodes: Sequence[int], missing_message) -> dict:
        if not self.is_configured():
            raise WeComUnavailable(_("WeCom is not configured on this site."), code="wecom_not_configured")
        self._sdk.token_refreshed = False
        try:
            result = request()
        except WeChatClientException as error:
            if error.errcode in missing_errcodes:
                raise WeComNotFound(missing_message, errcode=error.errcode) from error
            logger.warning("WeCom refused a call: errcode %s, %s", error.errcode, error.errmsg)
            raise WeComUnavailable(errcode=error.errcode) from error
        except requests.RequestException as error:
            logger.warning("WeCom could not be reached: %s", error)
            raise WeComUnavailable() from error
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("WeCom answered something unexpected: %r", error)
            raise WeComUnavailable() from error
        if not isinstance(result, dict):
            logger.warning("WeCom answered something other than JSON")
            raise WeComUnavailable()
        return result


# Inside --------------------------------------------------------------------------------


def _crypto() -> WeChatCrypto:
    try:
        return WeChatCrypto(
            settings.WECOM_CALLBACK_TOKEN, settings.WECOM_CALLBACK_AES_KEY, settings.WECOM_CORP_ID
        )
    except (AssertionError, ValueError) as error:
        raise ImproperlyConfigured(
            "WECOM_CALLBACK_AES_KEY must be WeCom's 43-character EncodingAESKey"
        ) from error


def _refused(reason: str, detail: str = "") -> CallbackRefused:
    logger.warning("WeCom callback refused: %s %s", reason, detail)
    return CallbackRefused(reason, detail)


def _check_query(**values: str) -> None:
    for name, value in values.items():
        if (
            not isinstance(value, str)
            or len(value) > MAX_QUERY_VALUE_LENGTH
            or text_problem(value, single_line=True)
        ):
            raise _refused("malformed", f"query parameter {name}")


def _seen_key(msg_signature: str) -> str:
    return f"wecom:callback-seen:{msg_signature}"


def _parse_xml(text: str) -> dict:
    """The children of the root element. Entities are never expanded: a DOCTYPE is
    refused outright, and xmltodict's disable_entities refuses any declaration left."""
    if _DOCTYPE.search(text):
        raise _refused("malformed", "XML with a DOCTYPE")
    try:
        document = xmltodict.parse(text, disable_entities=True)
    except Exception as error:
        # expat's ExpatError, xmltodict's ValueError for entities, and whatever else a
        # parser raises on bytes that are not XML.
        raise _refused("malformed", f"not XML ({type(error).__name__})") from error
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise _refused("malformed", "XML without an <xml> root")
    return root


def archive_record(record) -> Callback:
    """One message-archive record as the relay's API batches carry it (a JSON object,
    already parsed): the same checks as a record that arrives through the callback."""
    if not isinstance(record, dict):
        raise _refused("malformed", "a record that is not an object")
    return _from_archive(record)


def _read_payload(payload: str) -> Callback:
    start = payload.lstrip()[:1]
    if start == "<":
        return _from_xml(_parse_xml(payload))
    if start == "{":
        try:
            record = json.loads(payload)
        except (ValueError, RecursionError) as error:
            raise _refused("malformed", "not JSON") from error
        if not isinstance(record, dict):
            raise _refused("malformed", "JSON that is not an object")
        if "records" in record:
            return _from_batch(record["records"])
        return _from_archive(record)
    raise _refused("malformed", "payload is neither XML nor JSON")


def _from_batch(records) -> Callback:
    if not isinstance(records, list) or not records or len(records) > MAX_BATCH_RECORDS:
        raise _refused("malformed", "a batch is a list of 1 to 1,000 records")
    return Callback(kind="batch", records=tuple(archive_record(r) for r in records))


def _from_xml(doc: dict) -> Callback:
    msg_type = _field(doc, "MsgType")
    event = _field(doc, "Event")
    change_type = _field(doc, "ChangeType")
    if msg_type == "event" and event == "change_external_contact" and change_type in CONTACT_CHANGES:
        return Callback(
            kind="contact",
            event=event,
            change=CONTACT_CHANGES[change_type],
            staff_userid=_field(doc, "UserID", required=True),
            external_userid=_field(doc, "ExternalUserID", required=True),
            state=_field(doc, "State"),
            at=_create_time(doc, required=True),
        )
    if msg_type == "event" and event == "change_external_chat" and change_type in GROUP_CHANGES:
        return Callback(
            kind="group",
            event=event,
            change=change_type,
            chat_id=_field(doc, "ChatId", required=True),
            update_detail=_field(doc, "UpdateDetail"),
            join_scene=_small_integer(doc, "JoinScene"),
            quit_scene=_small_integer(doc, "QuitScene"),
            member_change_count=_small_integer(doc, "MemChangeCnt"),
            at=_create_time(doc, required=True),
        )
    return Callback(kind="unknown", event=event or msg_type, change=change_type, at=_create_time(doc))


def _from_archive(record: dict) -> Callback:
    action = _field(record, "action")
    if action not in ("send", "recall"):
        return Callback(kind="unknown", event=action)
    sender = _field(record, "from", required=True)
    fields = {
        "kind": "message",
        "event": action,
        "msgid": _field(record, "msgid", required=True),
        "chat_id": _field(record, "roomid"),
        "sender": sender,
        "sender_is_external": sender.startswith(EXTERNAL_USERID_PREFIXES),
        "recipients": _recipients(record.get("tolist")),
        "at": _msgtime(record.get("msgtime")),
    }
    if action == "recall":
        revoke = record.get("revoke")
        if not isinstance(revoke, dict):
            raise _refused("malformed", "recall without revoke")
        return Callback(msgtype="recall", recalled_msgid=_field(revoke, "pre_msgid", required=True), **fields)
    msgtype = _field(record, "msgtype", required=True)
    text = ""
    if msgtype == "text":
        content = record.get("text")
        if not isinstance(content, dict):
            raise _refused("malformed", "text message without text")
        text = _field(content, "content", limit=MAX_TEXT_LENGTH, multiline=True)
    return Callback(msgtype=msgtype, text=text, **fields)


def _field(
    doc: dict, name: str, *, required: bool = False, limit: int = MAX_ID_LENGTH, multiline: bool = False
) -> str:
    """A text field (an XML element or a JSON value): a string within `limit`, valid
    Unicode, without NUL (nor control characters unless multi-line)."""
    value = doc.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _refused("malformed", f"{name} is not text")
    if len(value) > limit:
        raise _refused("malformed", f"{name} longer than {limit}")
    if text_problem(value, single_line=not multiline):
        raise _refused("malformed", f"{name} has characters that cannot be stored")
    if required and not value:
        raise _refused("malformed", f"{name} missing")
    return value


def _small_integer(doc: dict, name: str) -> int | None:
    value = _field(doc, name)
    if not value:
        return None
    if not _DIGITS.fullmatch(value):
        raise _refused("malformed", f"{name} is not a number")
    return int(value)


def _create_time(doc: dict, *, required: bool = False) -> datetime | None:
    value = _field(doc, "CreateTime", required=required)
    if not value:
        return None
    if not _TIMESTAMP.fullmatch(value):
        raise _refused("malformed", "CreateTime is not a number")
    return datetime.fromtimestamp(int(value), tz=UTC)


def _msgtime(value) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**14:
        raise _refused("malformed", "msgtime is not milliseconds")
    return _EPOCH + timedelta(milliseconds=value)


def _recipients(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_RECIPIENTS:
        raise _refused("malformed", "tolist is not a list of ids")
    return tuple(_field({"tolist": item}, "tolist", required=True) for item in value)


def _event_xml(*, at: datetime, fields: list[tuple[str, object]]) -> str:
    head = [
        ("ToUserName", settings.WECOM_CORP_ID),
        ("FromUserName", "sys"),
        ("CreateTime", int(at.timestamp())),
    ]
    lines = [
        f"<{name}>{value if isinstance(value, int) else _cdata(value)}</{name}>"
        for name, value in head + fields
    ]
    return "<xml>" + "".join(lines) + "</xml>"


def _cdata(value: str) -> str:
    # "]]>" would end the section early; it is split across two sections instead.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _milliseconds(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(milliseconds=1)


def _errcode(result: dict) -> int | None:
    try:
        return int(result.get("errcode", 0))
    except (TypeError, ValueError):
        return None


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _sequence(value) -> list:
    return value if isinstance(value, list) else []


def _string(value) -> str:
    return value if isinstance(value, str) else ""


def _integer(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _from_seconds(value) -> datetime | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**11:
        return None
    return datetime.fromtimestamp(value, tz=UTC)
