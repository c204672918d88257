"""The demo's rewards catalogue, and the demo member's first order. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from fanrepublic.badges.models import Badge

from .models import Order, Reward
from .services import reward_redeem, reward_save

# What each item sells for in the shops, in yuan: the dashboard values points by these.
RETAIL_PRICES = {
    "band-9-voucher": "249.00",
    "phone-case": "79.00",
    "fan-tshirt": "129.00",
    "cloud-200gb": "168.00",
    "purifier-filter": "219.00",
    "su7-model": "999.00",
    "orange-knight-jacket": "169.00",
}

REWARDS = [
    # slug, name, name_zh, kind, price, stock, limit, min trust, description, description_zh
    (
        "band-9-voucher",
        "Orange Band 9 voucher",
        "橙子手环 9 兑换券",
        "voucher",
        3000,
        50,
        1,
        0,
        "A code for one Orange Band 9 in the online store.",
        "可在官方商城兑换一只橙子手环 9。",
    ),
    (
        "phone-case",
        "Orange 15 Pro case",
        "橙子 15 Pro 保护壳",
        "product",
        800,
        200,
        2,
        0,
        "The official silicone case, in orange.",
        "官方硅胶保护壳，橙色款。",
    ),
    (
        "fan-tshirt",
        "Fan Republic T-shirt",
        "米粉文化衫",
        "product",
        1500,
        100,
        2,
        0,
        "Cotton, with the community's logo.",
        "纯棉，印有社区标志。",
    ),
    (
        "cloud-200gb",
        "Cloud storage 200 GB, one year",
        "云空间 200GB 年卡",
        "voucher",
        2000,
        500,
        1,
        0,
        "A year of 200 GB cloud storage for your photos.",
        "一年 200GB 云空间，存下你的照片。",
    ),
    (
        "purifier-filter",
        "Air purifier filter",
        "空气净化器滤芯",
        "product",
        2500,
        80,
        4,
        0,
        "A replacement HEPA filter, pet-hair edition.",
        "宠物毛发版 HEPA 替换滤芯。",
    ),
    (
        "su7-model",
        "SU7 1:18 die-cast model",
        "SU7 1:18 合金车模",
        "product",
        12000,
        10,
        1,
        3,
        "A limited model car for senior fans.",
        "限量车模，资深米粉专享。",
    ),
]


def seed(run) -> None:
    """The store manager builds the catalogue through the catalogue service (audited), a
    week before the demo's history ends; the demo member then redeems one."""
    User = get_user_model()
    manager = User.objects.filter(username="sm_liu").first()
    if manager is None:
        return
    existing = set(Reward.objects.values_list("slug", flat=True))
    entries = [
        dict(
            slug=slug,
            name=name,
            name_zh=name_zh,
            kind=kind,
            price_points=price,
            retail_price=Decimal(RETAIL_PRICES[slug]),
            stock=stock,
            per_member_limit=limit,
            min_trust_level=trust,
            description=desc,
            description_zh=desc_zh,
            # Eligibility beyond trust levels: a mainland-only voucher.
            regions="CN" if slug == "band-9-voucher" else "",
        )
        for slug, name, name_zh, kind, price, stock, limit, trust, desc, desc_zh in REWARDS
    ]
    # And an item only holders of a badge may redeem.
    entries.append(
        dict(
            slug="orange-knight-jacket",
            name="Orange Knight jacket",
            name_zh="橙色骑士夹克",
            kind="product",
            price_points=2000,
            retail_price=Decimal(RETAIL_PRICES["orange-knight-jacket"]),
            stock=30,
            per_member_limit=1,
            description="Embroidered with the Orange Knight crest; only for holders of the badge.",
            description_zh="绣有橙色骑士徽章，仅限持有该勋章的成员兑换。",
        )
    )
    with run.at(run.now - timedelta(days=7)):
        for position, fields in enumerate(entries):
            if fields["slug"] in existing:
                continue
            badges = (
                Badge.objects.filter(slug="orange-knight") if fields["slug"] == "orange-knight-jacket" else ()
            )
            reward_save(actor=manager, reward=Reward(position=position, **fields), required_badges=badges)
    mifan = User.objects.filter(username="mifan").first()
    if mifan and not Order.objects.filter(member=mifan).exists():
        with run.at(run.now - timedelta(days=2)):
            reward_redeem(
                member=mifan,
                reward=Reward.objects.get(slug="phone-case"),
                key="demo:order:mifan",
                shipping={
                    "name": "米粉小明",
                    "phone": "13800138000",
                    "address": "北京市海淀区清河中街 68 号",
                },
            )
    run.report("rewards", Reward.objects.count())
