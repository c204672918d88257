"""The demo's earning rules, in place before the community's history is replayed so that
accepted suggestions pay their authors the real way (the points handler), and the
operator's welcome bonus for the demo member. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from fanrepublic.activity.models import Integration

from .models import EarningRule, Transaction
from .rules import rules_changed
from .services import points_adjust

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


def seed(run) -> None:
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
        visit_rule.trusted_integrations.set(Integration.objects.filter(slug="beijing-flagship-pos"))
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
    User = get_user_model()
    operator = User.objects.filter(username="op_zhou").first()
    mifan = User.objects.filter(username="mifan").first()
    if operator and mifan:
        with run.at(run.now - timedelta(days=50)):
            points_adjust(
                actor=operator,
                member=mifan,
                points=3000,
                reason="Welcome bonus for early members",
                key="demo:welcome:mifan",
            )


def report(run) -> None:
    """After the community's history: what the earning rules paid."""
    paid = Transaction.objects.filter(kind="earn").count()
    run.report("points paid by earning rules", paid)
