"""The trust part of the demo community (a DemoStep after the stores): the Shenzhen
store manager's 67 WeCom customer groups and a day of their chat — over 3,000 messages
— delivered through the real callback path (encrypted and signed as WeCom does, then
verified, decrypted and stored by the same code as in production), with the article's
rule switched on so that customers who asked three times without buying open service
cases, some of which the manager answers and some of which end in a purchase.

Rosters come through `group_sync`, the path WeCom's groupchat/get answers take. The
messages are drawn from the labelled sample the inquiry detector is measured on.
Idempotent: a second run adds nothing."""

import csv
from datetime import datetime, timedelta

from django.utils import timezone

from fanrepublic.activity.models import Integration
from fanrepublic.members.demo import demo_accounts
from fanrepublic.stores.models import Contact, Store
from fanrepublic.stores.purchases import orders_import

from . import services, temperature, wecom
from .inquiry import SAMPLE_PATH
from .models import ChatGroup, ServiceCase

STAFF_IDS = {"sm_liu": "liu.dianzhang", "sm_zhao": "zhao.dianzhang", "sm_wu": "wu.min"}
THEMES = [
    ("SU7 车主群", "SU7 owners"),
    ("15 Pro 用户群", "15 Pro users"),
    ("智能家居交流群", "Smart home"),
    ("手环运动打卡群", "Band 9 runners"),
    ("新品预约群", "Launch pre-orders"),
    ("福利秒杀群", "Member deals"),
]
STAFF_REPLIES = [
    "亲，在的～这款现在店里有现货，欢迎来体验！",
    "价格以官网为准，本周会员到店还有额外优惠哦",
    "已帮您登记，到货第一时间通知您 🙏",
    "抱歉让您久等了，我私聊您处理一下",
    "Hi! Yes, we have it in stock at MixC — come by any time before 10 pm.",
    "Thanks for asking! The member price this week is on the shelf tag; I can hold one for you.",
    "收到，售后同事马上联系您",
    "周末店里有试驾活动，欢迎报名～",
]
RULE = {
    "name": "Asked three times without buying",
    "name_zh": "三次询问未购买",
    "description": "The article's rule: a customer who asked three times in two weeks and has not bought "
    "gets a dedicated service channel with their store manager.",
    "window_days": 14,
    "conditions": [
        {"type": "count", "verb": "trust.chat.asked", "at_least": 3, "days": 14},
        {"type": "count", "verb": "stores.purchase.recorded", "at_most": 0, "days": 14},
    ],
    "actions": [{"type": "open_case"}, {"type": "notify"}, {"type": "tag", "tag": "hot lead"}],
}


def _sample_texts() -> tuple[list[str], list[str]]:
    """(questions, everything else) from the labelled sample."""
    questions, other = [], []
    with SAMPLE_PATH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            (questions if row["is_question"] == "1" else other).append(row["text"])
    return questions, other


def _deliver(payload: str, at: datetime) -> None:
    """What WeCom does: seal the payload, and the platform's callback path opens it."""
    body, query = wecom.seal_callback(payload=payload, timestamp=int(at.timestamp()))
    callback = wecom.open_callback(body=body, **query)
    services.callback_receive(callback=callback)


def seed(run) -> None:
    if ChatGroup.objects.exists():
        return
    accounts = {u.username: u for u in demo_accounts().filter(username__in=[*STAFF_IDS, "op_zhou", "mifan"])}
    shenzhen = Store.objects.filter(slug="shenzhen-mixc").first()
    if "op_zhou" not in accounts or "sm_liu" not in accounts or shenzhen is None:
        return
    rng = run.rng("trust")
    operator = accounts["op_zhou"]
    start = run.now - timedelta(hours=24)

    with run.at(start - timedelta(days=30)):
        for username, userid in STAFF_IDS.items():
            if username in accounts:
                services.staff_identity_set(actor=operator, member=accounts[username], userid=userid)
        rule = services.rule_save(actor=operator, data=RULE)
        services.rule_switch(actor=operator, rule=rule, on=True)

    # The groups: 67 for the Shenzhen manager, a few for the others.
    plans = [("sm_liu", 67), ("sm_zhao", 6), ("sm_wu", 5)]
    groups: list[tuple[str, str, list[str]]] = []  # (chat id, owner userid, customer ids)
    number = 0
    for username, count in plans:
        if username not in accounts:
            continue
        owner = STAFF_IDS[username]
        for index in range(count):
            number += 1
            zh, en = THEMES[index % len(THEMES)]
            chat_id = f"wr{number:04d}{rng.randrange(16**12):012x}"
            customers = [f"wm{rng.randrange(16**20):020x}" for _ in range(rng.randint(25, 120))]
            created = start - timedelta(days=rng.randint(20, 300))
            snapshot = {
                "chat_id": chat_id,
                "name": f"{zh} {index // len(THEMES) + 1} · {en}",
                "owner": owner,
                "create_time": int(created.timestamp()),
                "notice": "欢迎加入橙子之家客户群，有问题随时问店长～",
                "member_list": [{"userid": owner, "type": 1, "join_time": int(created.timestamp())}]
                + [
                    {
                        "userid": c,
                        "type": 2,
                        "join_time": int((created + timedelta(days=rng.randint(0, 19))).timestamp()),
                    }
                    for c in customers
                ],
            }
            with run.at(created + timedelta(days=20)):
                services.group_sync(snapshot=snapshot, at=timezone.now())
            groups.append((chat_id, owner, customers))
    run.progress(f"trust: {len(groups)} chat groups")

    # The demo member is in one of the Shenzhen groups under their WeCom identity.
    mifan = accounts.get("mifan")
    mifan_wecom = "wmMIFAN000000000000000001"
    if mifan is not None:
        contact = Contact.objects.filter(member=mifan).first()
        if contact is not None:
            Contact.objects.filter(pk=contact.pk).update(wecom_external_userid=mifan_wecom)
            groups[0][2].append(mifan_wecom)

    # A day of chat, in time order, through the callback path.
    questions, other = _sample_texts()
    shenzhen_groups = [g for g in groups if g[1] == STAFF_IDS["sm_liu"]]
    # The article's day: 3,000+ messages (a small demo for the tests: a tenth).
    count = 3150 if run.members >= 300 else 315
    moments = sorted(start + timedelta(seconds=rng.randint(0, 24 * 3600 - 60)) for _ in range(count))
    # Some customers are curious all day: they ask again and again (the rule's audience).
    keen = [(g, rng.choice(g[2])) for g in rng.sample(shenzhen_groups, 12)]
    delivered = 0
    batch: list[str] = []
    for n, moment in enumerate(moments):
        chat_id, owner, customers = rng.choice(shenzhen_groups if rng.random() < 0.9 else groups)
        roll = rng.random()
        if roll < 0.07:
            sender, text = owner, rng.choice(STAFF_REPLIES)
        elif roll < 0.09 and keen:
            (chat_id, owner, _customers), sender = rng.choice(keen)
            text = rng.choice(questions)
        else:
            sender = rng.choice(customers)
            text = rng.choice(questions if rng.random() < 0.3 else other)
        msgid = f"demo-{n:05d}-{rng.randrange(16**8):08x}"
        record = wecom.archive_message_json(msgid=msgid, chat_id=chat_id, sender=sender, text=text, at=moment)
        batch.append(record)
        # The archive relay forwards what it pulled every few minutes, as one batch.
        if len(batch) == 25 or n == len(moments) - 1:
            with run.at(moment):
                _deliver(wecom.archive_batch_json(batch), moment)
            delivered += len(batch)
            batch = []
            if delivered % 1000 < 25:
                run.progress(f"trust: {delivered} chat messages delivered")

    # The demo member asks three times this evening: the rule opens their case.
    if mifan is not None:
        for k, text in enumerate(
            ["店长，15 Pro 的 512G 绿色还有货吗？", "那个价格能便宜点吗", "我想下单，周末能到店提吗？"]
        ):
            moment = run.now - timedelta(minutes=50 - k * 10)
            with run.at(moment):
                _deliver(
                    wecom.archive_message_json(
                        msgid=f"demo-mifan-{k}",
                        chat_id=groups[0][0],
                        sender=mifan_wecom,
                        text=text,
                        at=moment,
                    ),
                    moment,
                )

    with run.at(run.now - timedelta(minutes=5)):
        services.questions_mark_unanswered()

    # The manager works the cases: answers most; two customers come in and buy.
    manager = accounts["sm_liu"]
    cases = list(ServiceCase.objects.filter(store=shenzhen).order_by("opened_at"))
    pos = Integration.objects.filter(slug="orange-pos").first()
    for index, case in enumerate(cases):
        if case.contact.member_id == getattr(mifan, "pk", None):
            continue  # left open for the demo member to see, with a reply
        if index % 4 == 3:
            continue  # still waiting: the console shows its timer
        with run.at(min(case.opened_at + timedelta(minutes=rng.randint(4, 90)), run.now)):
            services.case_write(
                actor=manager,
                case=case,
                text="您好，我是万象天地店的刘店长，看到您问了几次，这边给您详细介绍一下～",
            )
        if index % 4 == 0 and pos is not None and case.contact.wecom_external_userid:
            bought = min(case.opened_at + timedelta(hours=2), run.now)
            with run.at(bought):
                orders_import(
                    integration=pos,
                    items=[
                        {
                            "order_id": f"POS-CASE-{case.pk:05d}",
                            "occurred_at": bought.isoformat(),
                            "channel": "store",
                            "store": shenzhen.slug,
                            "currency": "CNY",
                            "customer": {"wecom_external_userid": case.contact.wecom_external_userid},
                            "lines": [
                                {
                                    "sku": "BAND9-BLK",
                                    "product": "orange-band-9",
                                    "quantity": 1,
                                    "unit_price": "249.00",
                                }
                            ],
                        }
                    ],
                )
    mine = ServiceCase.objects.filter(contact__member=mifan).first() if mifan else None
    if mine is not None:
        with run.at(run.now - timedelta(minutes=3)):
            services.case_write(
                actor=manager, case=mine, text="米粉您好！512G 绿色店里还有 2 台，周末来店我给您留一台 🙂"
            )

    temperature.temperatures_recompute(at=run.now)
    run.report(
        "WeCom chat groups (Shenzhen manager)", f"{ChatGroup.objects.count()} ({len(shenzhen_groups)})"
    )
    run.report("chat messages in the last 24 h (through the callback)", delivered)
    run.report(
        "service cases opened by the rule (bought)",
        f"{ServiceCase.objects.count()} ({ServiceCase.objects.filter(outcome='bought').count()})",
    )
