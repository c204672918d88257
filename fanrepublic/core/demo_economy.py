"""The demo's points economy: earning rules, rewards, and points earned the real way.

Idempotent on its own (get_or_create and ledger idempotency keys), so it also fills in
a demo database that was loaded before the store existed.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.activity.models import Event, Integration
from fanrepublic.badges.models import Badge, Perk
from fanrepublic.badges.services import badges_evaluate
from fanrepublic.points.models import EarningRule
from fanrepublic.points.rules import rules_apply_event, rules_changed
from fanrepublic.points.services import points_adjust
from fanrepublic.rewards.models import Order, Reward
from fanrepublic.rewards.services import reward_redeem

RULES = [
    # name, name_zh, verb, properties, points, daily cap, monthly cap
    ("Suggestion accepted", "建议被采纳", "forum.topic.accepted", {}, 1000, None, 10),
    (
        "Suggestion shipped in a release",
        "建议随版本发布",
        "releases.item.shipped",
        {"source": "suggestion"},
        1000,
        None,
        10,
    ),
    (
        "Bug report fixed in a release",
        "问题随版本修复",
        "releases.item.shipped",
        {"source": "bug_report"},
        300,
        None,
        10,
    ),
    ("Test report approved", "测试报告通过审核", "betas.report.approved", {}, 200, 5, None),
    ("Helpful reply (liked by others)", "回复被点赞", "forum.reply.liked", {}, 2, 20, None),
]

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


BADGES = [
    # slug, name, name_zh, description, description_zh, icon, tier, criteria
    (
        "orange-knight",
        "Orange Knight",
        "橙色骑士",
        "Three suggestions accepted and a trusted member.",
        "三条建议被采纳，且是受信任的成员。",
        "骑",
        "gold",
        {"suggestions_accepted": 3, "trust_level": 2},
    ),
    (
        "geek-elder",
        "Geek Elder",
        "极客元老",
        "A member for five years with 50 accepted suggestions.",
        "入站五年且有 50 条建议被采纳。",
        "老",
        "legend",
        {"member_days": 1825, "suggestions_accepted": 50},
    ),
    (
        "first-idea",
        "First idea shipped",
        "首个创意被采纳",
        "A suggestion of yours was accepted.",
        "你的一条建议被采纳了。",
        "创",
        "bronze",
        {"suggestions_accepted": 1},
    ),
    (
        "bug-hunter",
        "Bug hunter",
        "捉虫达人",
        "Five bug reports judged valid.",
        "五个 Bug 反馈被判定有效。",
        "虫",
        "silver",
        {"events": {"bounty.report.valid": 5}},
    ),
    (
        "well-liked",
        "Well liked",
        "人气之星",
        "Fifty likes from other members.",
        "获得其他成员 50 个赞。",
        "赞",
        "silver",
        {"likes_received": 50},
    ),
    (
        "test-pilot",
        "Test pilot",
        "试飞员",
        "Three beta test reports approved.",
        "三份内测报告通过审核。",
        "测",
        "silver",
        {"events": {"betas.report.approved": 3}},
    ),
    (
        "regular",
        "Regular",
        "资深米粉",
        "Reached trust level 3.",
        "信任等级达到 3 级。",
        "资",
        "silver",
        {"trust_level": 3},
    ),
    (
        "meetup-host",
        "Meetup host",
        "线下活动组织者",
        "Organised a community meetup (granted by the team).",
        "组织过社区线下活动（由官方授予）。",
        "聚",
        "gold",
        {},
    ),
]


PERKS = [
    # slug, name, name_zh, description, description_zh, points, places, transferable, badges needed
    (
        "launch-vip-seat",
        "VIP seat at the Orange 16 launch",
        "橙子 16 发布会 VIP 席位",
        "A front-row seat at the launch event.",
        "发布会前排席位。",
        0,
        20,
        False,
        ["orange-knight"],
    ),
    (
        "founder-lunch",
        "Lunch with the founder",
        "与雷总共进午餐",
        "Lunch and a chat about what to build next.",
        "一起吃饭，聊聊下一步做什么。",
        5000,
        6,
        False,
        ["geek-elder"],
    ),
    (
        "su7-test-drive",
        "SU7 test-drive right",
        "SU7 试驾权",
        "A 2-hour test drive; may be handed to a friend.",
        "两小时试驾，可转让给朋友。",
        2000,
        30,
        True,
        ["first-idea"],
    ),
]


# Systems outside the platform that send events, and what each may send.
INTEGRATIONS = [
    ("mi-home-app", "Mi Home app", "The brand's phone app: sessions.", "app", ["app.opened"]),
    (
        "beijing-flagship-pos",
        "Beijing flagship store POS",
        "The point of sale of the flagship store: visits and purchases.",
        "store",
        ["store.visited", "store.purchased"],
    ),
]


def seed_integrations() -> dict[str, Integration]:
    found = {}
    for slug, name, description, channel, verbs in INTEGRATIONS:
        found[slug], _created = Integration.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "channel": channel, "verbs": verbs}
        )
    return found


def seed_economy(out) -> None:
    User = get_user_model()
    integrations = seed_integrations()
    # Visiting a store earns a little, once a day, and only when the store's own system
    # says so: the rule trusts the flagship's point of sale and nothing else.
    visit_rule, created = EarningRule.objects.get_or_create(
        name="Store visit",
        defaults={
            "name_zh": "到店打卡",
            "verb": "store.visited",
            "points": 5,
            "daily_cap": 1,
            "monthly_cap": 20,
            "pays_platform_events": False,
        },
    )
    if created:
        visit_rule.trusted_integrations.set([integrations["beijing-flagship-pos"]])
    for name, name_zh, verb, props, points, daily, monthly in RULES:
        EarningRule.objects.get_or_create(
            name=name,
            defaults={
                "name_zh": name_zh,
                "verb": verb,
                "match_properties": props,
                "points": points,
                "daily_cap": daily,
                "monthly_cap": monthly,
            },
        )
    rules_changed()
    for position, (slug, name, name_zh, kind, price, stock, limit, trust, desc, desc_zh) in enumerate(
        REWARDS
    ):
        Reward.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "kind": kind,
                "price_points": price,
                "stock": stock,
                "per_member_limit": limit,
                "min_trust_level": trust,
                "description": desc,
                "description_zh": desc_zh,
                "position": position,
            },
        )
    # Points the real way: the accepted suggestions of the demo pay their authors.
    awarded = 0
    for event in Event.objects.filter(verb="forum.topic.accepted").order_by("pk").iterator():
        awarded += len(rules_apply_event(event=event))
    operator = User.objects.filter(username="op_zhou").first()
    mifan = User.objects.filter(username="mifan").first()
    if operator and mifan:
        points_adjust(
            actor=operator,
            member=mifan,
            points=3000,
            reason="Welcome bonus for early members",
            key="demo:welcome:mifan",
        )
        if not Order.objects.filter(member=mifan).exists():
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
    for position, (slug, name, name_zh, desc, desc_zh, icon, tier, criteria) in enumerate(BADGES):
        Badge.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "description": desc,
                "description_zh": desc_zh,
                "icon": icon,
                "tier": tier,
                "criteria": criteria,
                "position": position,
            },
        )
    granted = badges_evaluate()
    # Eligibility beyond trust levels: a mainland-only voucher and a badge holders' item.
    Reward.objects.filter(slug="band-9-voucher", regions="").update(regions="CN")
    knight_jacket, created = Reward.objects.get_or_create(
        slug="orange-knight-jacket",
        defaults={
            "name": "Orange Knight jacket",
            "name_zh": "橙色骑士夹克",
            "kind": "product",
            "price_points": 2000,
            "stock": 30,
            "per_member_limit": 1,
            "description": "Embroidered with the Orange Knight crest; only for holders of the badge.",
            "description_zh": "绣有橙色骑士徽章，仅限持有该勋章的成员兑换。",
            "position": len(REWARDS),
        },
    )
    if created:
        knight_jacket.required_badges.set(Badge.objects.filter(slug="orange-knight"))
    soon = timezone.now() + timedelta(days=21)
    for slug, name, name_zh, desc, desc_zh, price, qty, transferable, needs in PERKS:
        perk, created = Perk.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "description": desc,
                "description_zh": desc_zh,
                "price_points": price,
                "quantity": qty,
                "remaining": qty,
                "happens_at": soon,
                "transferable": transferable,
            },
        )
        if created and needs:
            perk.required_badges.set(Badge.objects.filter(slug__in=needs))
    out.write(f"  badges: {Badge.objects.count()} kinds, {granted} newly earned")
    out.write(
        f"  points economy: {EarningRule.objects.count()} earning rules, {Reward.objects.count()} rewards, "
        f"{awarded} awards from accepted suggestions"
    )
