"""The stores part of the demo community (declared in capability.py as a DemoStep):
five stores in five cities, three store managers, walk-in customers, QR check-ins and
three months of sales and refunds imported from the chain's point of sale and the
online shop — the same import path an integration's API calls take.

Everything goes through this app's services with the clock set to when it happened
(`run.at`). Idempotent: a second run adds nothing."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from fanrepublic.activity.models import Integration
from fanrepublic.members.demo import demo_accounts

from . import checkin_codes
from .models import Contact, Order, SalesSource, Store
from .purchases import REFUND_VERB, SALE_VERB, orders_import
from .services import contact_add, contact_link, link_code_create, store_save, store_staff_set, visit_check_in

STORES = [
    # slug, manager, name, name_zh, city, city_zh, address, address_zh
    (
        "shenzhen-mixc",
        "sm_liu",
        "Shenzhen MixC World",
        "深圳万象天地店",
        "Shenzhen",
        "深圳",
        "L1-18 MixC World, 9668 Shennan Avenue, Nanshan",
        "南山区深南大道 9668 号万象天地 L1-18",
    ),
    (
        "beijing-sanlitun",
        "sm_zhao",
        "Beijing Sanlitun flagship",
        "北京三里屯旗舰店",
        "Beijing",
        "北京",
        "19 Sanlitun Road, Chaoyang",
        "朝阳区三里屯路 19 号",
    ),
    (
        "chengdu-taikoo-li",
        "sm_zhao",
        "Chengdu Taikoo Li",
        "成都太古里店",
        "Chengdu",
        "成都",
        "8 Zhongshamao Street, Jinjiang",
        "锦江区中纱帽街 8 号",
    ),
    (
        "shanghai-jingan",
        "sm_wu",
        "Shanghai Jing'an",
        "上海静安店",
        "Shanghai",
        "上海",
        "1601 Nanjing West Road, Jing'an",
        "静安区南京西路 1601 号",
    ),
    (
        "hangzhou-west-lake",
        "sm_wu",
        "Hangzhou West Lake",
        "杭州西湖店",
        "Hangzhou",
        "杭州",
        "97 Hubin Road, Shangcheng",
        "上城区湖滨路 97 号",
    ),
]
HOURS = ("10:00–22:00 daily", "每天 10:00–22:00")

# sku, product line, price (CNY), what it is
CATALOGUE = [
    ("O15P-256-BLK", "orange-15-pro", "5999.00", "Orange 15 Pro 256 GB"),
    ("O15P-512-GRN", "orange-15-pro", "6999.00", "Orange 15 Pro 512 GB"),
    ("BAND9-BLK", "orange-band-9", "249.00", "Orange Band 9"),
    ("HOME-VAC-S2", "orange-home", "1999.00", "Orange Home robot vacuum"),
    ("HOME-AIR-4", "orange-home", "899.00", "Orange Home air purifier"),
    ("CASE-15P", None, "99.00", "Orange 15 Pro case"),
    ("CHG-120W", None, "149.00", "120 W charger"),
    ("SU7-STD", "orange-su7", "215900.00", "Orange SU7"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]


def _integrations() -> tuple[Integration, Integration]:
    pos, _ = Integration.objects.get_or_create(
        slug="orange-pos",
        defaults={
            "name": "Orange stores point of sale",
            "description": "The chain's point of sale: sales and refunds in every store.",
            "channel": "store",
            "verbs": [SALE_VERB, REFUND_VERB],
        },
    )
    shop, _ = Integration.objects.get_or_create(
        slug="orange-online-shop",
        defaults={
            "name": "Orange online shop",
            "description": "The brand's online shop: orders and refunds.",
            "channel": "web",
            "verbs": [SALE_VERB, REFUND_VERB],
        },
    )
    return pos, shop


def seed(run) -> None:
    if Store.objects.exists():
        return
    accounts = {
        u.username: u
        for u in demo_accounts().filter(username__in=["op_zhou", "sm_liu", "sm_zhao", "sm_wu", "mifan"])
    }
    if "op_zhou" not in accounts:
        return
    operator = accounts["op_zhou"]
    rng = run.rng("stores")
    start = run.now - timedelta(days=92)

    stores = []
    with run.at(start):
        for slug, manager, name, name_zh, city, city_zh, address, address_zh in STORES:
            stores.append(
                store_save(
                    actor=operator,
                    data={
                        "slug": slug,
                        "name": name,
                        "name_zh": name_zh,
                        "city": city,
                        "city_zh": city_zh,
                        "address": address,
                        "address_zh": address_zh,
                        "opening_hours": HOURS[0],
                        "opening_hours_zh": HOURS[1],
                        "phone": f"400-100-{len(stores) + 1:04d}",
                        "manager": accounts.get(manager),
                    },
                )
            )
    pos, shop = _integrations()
    SalesSource.objects.update_or_create(integration=pos, defaults={"all_stores": True})
    SalesSource.objects.update_or_create(
        integration=shop, defaults={"sells_online": True, "names_members": True}
    )
    fans = list(demo_accounts().filter(username__startswith="fan").order_by("username")[:120])
    mifan = accounts.get("mifan")

    # Walk-in customers the staff met: not members, known by phone.
    walk_ins = []
    for index in range(60):
        store = stores[index % len(stores)]
        with run.at(start + timedelta(days=rng.randint(0, 85), hours=rng.randint(10, 20))):
            contact, _created = contact_add(
                actor=store.manager or operator,
                store=store,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                phone=f"+86139{rng.randint(10_000_000, 99_999_999)}",
            )
        walk_ins.append((store, contact))
    run.progress(f"stores: {len(stores)} stores, {len(walk_ins)} walk-in customers")

    # Members check in with the QR code at the counter.
    visits = 0
    regulars = fans[:60]
    for day in range(90):
        moment = start + timedelta(days=day)
        for member in rng.sample(regulars, k=rng.randint(0, 4)):
            store = stores[member.pk % len(stores)]  # each regular has a home store
            with run.at(moment + timedelta(hours=rng.randint(10, 21), minutes=rng.randint(0, 59))):
                code = checkin_codes.screen_code(store)  # what the counter screen shows
                _visit, created = visit_check_in(member=member, store_slug=store.slug, code=code)
            visits += created

    # Three months of sales and a few refunds, sent day by day as the POS would.
    number = 0
    sales: list[dict] = []
    refunded: set[str] = set()
    tz = timezone.get_current_timezone()
    for day in range(90):
        date = (start + timedelta(days=day)).astimezone(tz).date()
        batch = {pos: [], shop: []}
        for _ in range(rng.randint(2, 6)):
            number += 1
            online = rng.random() < 0.3
            store = None if online else rng.choice(stores)
            sku, product, price, description = rng.choices(CATALOGUE, weights=[5, 3, 6, 3, 3, 6, 6, 0.3])[0]
            lines = [
                {
                    "sku": sku,
                    "description": description,
                    "quantity": 1,
                    "unit_price": price,
                    **(
                        {"product": product, "serial_number": f"SN{date:%y%m%d}{number:05d}"}
                        if product
                        else {}
                    ),
                }
            ]
            if product == "orange-15-pro" and rng.random() < 0.5:
                lines.append(
                    {
                        "sku": "CASE-15P",
                        "description": "Orange 15 Pro case",
                        "quantity": 1,
                        "unit_price": "99.00",
                    }
                )
            who = rng.random()
            if who < 0.45 and online:
                # Members sign in to the online shop; a till knows a phone number at most.
                customer = {"member": rng.choice(fans).pk}
            elif who < 0.75 and not online:
                _store, contact = rng.choice([w for w in walk_ins if w[0] == store] or walk_ins)
                customer = {"phone": contact.phone}
            else:
                customer = None
            at = datetime.combine(date, time(rng.randint(10, 21), rng.randint(0, 59)), tzinfo=tz)
            item = {
                "order_id": f"{'WEB' if online else 'POS'}-{date:%Y%m%d}-{number:05d}",
                "occurred_at": at.isoformat(),
                "channel": "online" if online else "store",
                "currency": "CNY",
                "lines": lines,
                **({"store": store.slug} if store else {}),
                **({"customer": customer} if customer else {}),
            }
            batch[shop if online else pos].append(item)
            sales.append({**item, "_source": shop if online else pos})
        # A refund now and then, of a sale from the past weeks.
        if day > 10 and rng.random() < 0.15:
            old = rng.choice([s for s in sales[:-5] if s["order_id"] not in refunded])
            refunded.add(old["order_id"])
            first = old["lines"][0]
            batch[old["_source"]].append(
                {
                    "order_id": f"REF-{old['order_id']}",
                    "kind": "refund",
                    "refund_of": old["order_id"],
                    "occurred_at": datetime.combine(date, time(21, 30), tzinfo=tz).isoformat(),
                    "currency": "CNY",
                    "lines": [
                        {
                            "sku": first["sku"],
                            "quantity": 1,
                            "unit_price": first["unit_price"],
                            "refunds_line": 1,
                        }
                    ],
                }
            )
        with run.at(datetime.combine(date, time(23, 0), tzinfo=tz)):
            for source, items in batch.items():
                if items:
                    orders_import(integration=source, items=items)

    # The demo member bought a phone in Shenzhen before joining, as a walk-in with a phone
    # number; the store manager linked that record to the account with mifan's code.
    if mifan is not None and accounts.get("sm_liu"):
        shenzhen = stores[0]
        bought = run.now - timedelta(days=40)
        with run.at(bought):
            orders_import(
                integration=pos,
                items=[
                    {
                        "order_id": "POS-MIFAN-0001",
                        "occurred_at": bought.isoformat(),
                        "channel": "store",
                        "store": shenzhen.slug,
                        "currency": "CNY",
                        "customer": {"phone": "+8613800138000", "name": "米粉"},
                        "lines": [
                            {
                                "sku": "O15P-256-BLK",
                                "product": "orange-15-pro",
                                "description": "Orange 15 Pro 256 GB",
                                "quantity": 1,
                                "unit_price": "5999.00",
                                "serial_number": "SN-MIFAN-15P",
                            }
                        ],
                    }
                ],
            )
        with run.at(bought + timedelta(days=12)):
            code, _link = link_code_create(member=mifan)
            contact_link(
                actor=accounts["sm_liu"], contact=Contact.objects.get(phone="+8613800138000"), code=code
            )

    # The Shenzhen manager has a small team on the shop floor.
    if accounts.get("sm_liu") and len(fans) > 100:
        store_staff_set(actor=accounts["sm_liu"], store=stores[0], staff=[fans[100]])

    total = sum((o.signed_total for o in Order.objects.all()), Decimal("0"))
    run.report("stores", Store.objects.count())
    run.report("store customers (contacts)", Contact.objects.count())
    run.report("store visits (QR check-ins)", visits)
    run.report("purchases imported (sales and refunds)", f"{Order.objects.count()} · ¥{total:,.2f}")
