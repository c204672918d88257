"""The demo's badges and perks, evaluated once the community's history is in place.
Idempotent."""

from datetime import timedelta

from .models import Badge, Perk
from .services import badges_evaluate

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


def seed(run) -> None:
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
    soon = run.now + timedelta(days=21)
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
    run.report("badges (kinds / newly earned)", f"{Badge.objects.count()} / {granted}")
