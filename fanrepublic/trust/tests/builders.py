"""Small builders for the trust tests (chat, temperature, rules, cases, concurrency):
staff with a WeCom identity, customers' group messages, the article's rule, purchases.
Everything goes through the app's services, as WeCom and the point of sale would."""

import itertools
from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from fanrepublic.members.tests.factories import operator
from fanrepublic.stores.purchases import orders_import
from fanrepublic.stores.tests.factories import StoreFactory, pos
from fanrepublic.trust import services, wecom
from fanrepublic.trust.models import WeComStaff

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CALLBACK = reverse("trust:wecom_callback")

# Texts the inquiry detector clearly sorts (checked in test_chat): verb, wants an answer.
ASK = "这款多少钱？有现货吗？"
COMPLAIN = "质量太差了，我要投诉"
PRAISE = "谢谢店长，服务太棒了，非常满意！"
GRUMBLE = "今天加班到十点，累死了"
SAY = "我们周末去爬山"
STAFF_REPLY = "亲，在的～这款现在店里有现货，欢迎来体验！"

ARTICLE_RULE = {
    "name": "Asked three times without buying",
    "name_zh": "三次询问未购买",
    "window_days": 14,
    "conditions": [
        {"type": "count", "verb": "trust.chat.asked", "at_least": 3, "days": 14},
        {"type": "count", "verb": "stores.purchase.recorded", "at_most": 0, "days": 14},
    ],
    "actions": [{"type": "open_case"}],
}

_numbers = itertools.count(1)


def customer_id(n: int | None = None) -> str:
    """A WeCom external user id (customers' ids start with "wm")."""
    return f"wmCustomer{next(_numbers) if n is None else n:06d}"


def chat_id(n: int | None = None) -> str:
    return f"wrGroup{next(_numbers) if n is None else n:06d}"


def staff_in_store(userid: str | None = None, store=None):
    """A store whose manager has a WeCom staff identity: (store, manager, userid)."""
    store = store or StoreFactory()
    userid = userid or f"staff.{next(_numbers)}"
    WeComStaff.objects.create(userid=userid, member=store.manager)
    return store, store.manager, userid


def group_of(owner_userid: str, *, chat: str | None = None, customers=(), at=AT):
    """A customer group synced from WeCom's description, run by `owner_userid`."""
    return services.group_sync(snapshot=snapshot(chat or chat_id(), owner_userid, customers, at=at), at=at)


def snapshot(chat: str, owner_userid: str, customers=(), *, at=AT, name="15 Pro 用户群") -> dict:
    joined = int(at.timestamp())
    return {
        "chat_id": chat,
        "name": name,
        "owner": owner_userid,
        "create_time": joined,
        "notice": "欢迎加入",
        "member_list": [{"userid": owner_userid, "type": 1, "join_time": joined}]
        + [{"userid": c, "type": 2, "join_time": joined} for c in customers],
    }


def say(chat: str, sender: str, text: str, at: datetime, msgid: str | None = None):
    """One archived group message, through the service."""
    return services.message_receive(
        msgid=msgid or f"msg-{next(_numbers)}",
        chat_id=chat,
        sender=sender,
        sender_is_external=sender.startswith(wecom.EXTERNAL_USERID_PREFIXES),
        text=text,
        at=at,
    )


def seal(payload: str, *, timestamp: int | None = None) -> tuple[bytes, dict]:
    return wecom.seal_callback(payload=payload, timestamp=timestamp)


def post_callback(client, body: bytes, params: dict):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"{CALLBACK}?{query}", data=body, content_type="text/xml")


def deliver(client, payload: str):
    """What WeCom does: seal the payload now and POST it to the callback URL."""
    return post_callback(client, *seal(payload))


def message_json(chat: str, sender: str, text: str, at: datetime, msgid: str | None = None) -> str:
    return wecom.archive_message_json(
        msgid=msgid or f"msg-{next(_numbers)}", chat_id=chat, sender=sender, text=text, at=at
    )


def rule_on(data: dict | None = None, actor=None):
    actor = actor or operator()
    rule = services.rule_save(actor=actor, data=data or ARTICLE_RULE)
    return services.rule_switch(actor=actor, rule=rule, on=True)


def buy(wecom_external_userid: str, *, at: datetime | None = None, store=None, integration=None):
    """A purchase from the point of sale for the customer with this WeCom identity."""
    at = at or timezone.now()
    order = {
        "order_id": f"POS-{next(_numbers)}",
        "occurred_at": at.isoformat(),
        "currency": "CNY",
        "customer": {"wecom_external_userid": wecom_external_userid},
        "lines": [{"sku": "BAND9-BLK", "quantity": 1, "unit_price": "249.00"}],
        "channel": "store" if store else "online",
    }
    if store is not None:
        order["store"] = store.slug
    [result] = orders_import(integration=integration or pos(), items=[order])
    assert result.status == "created", result
    return result


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def happen(on_commit, when: datetime, action):
    """Do something at `when`, with the handlers running after it as after a commit."""
    with time_machine.travel(when, tick=False), on_commit():
        return action()


def shop(at=AT - timedelta(days=30)):
    """A store whose manager runs a synced customer group: (store, manager, chat id)."""
    store, manager, userid = staff_in_store()
    return store, manager, group_of(userid, at=at).chat_id
