"""The demo's earning rules, in place before the community's history is replayed so that
accepted suggestions pay their authors the real way (the points handler), and the
operator's welcome bonus for the demo member. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from .models import EarningRule, Transaction
from .rules import rule_save
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
    """The operator sets the rules up through the rules service (validated, audited)
    before the history begins, then welcomes the demo member with a bonus."""
    User = get_user_model()
    operator = User.objects.filter(username="op_zhou").first()
    if operator is None:
        return
    existing = set(EarningRule.objects.values_list("name", flat=True))
    rules = [
        # Visiting a store earns a little, once a day, and only when the store's own
        # system says so: the rule trusts the flagship's point of sale and nothing else.
        {
            "name": "Store visit",
            "name_zh": "到店打卡",
            "verb": "store.visited",
            "points": 5,
            "daily_cap": 1,
            "monthly_cap": 20,
            "pays_platform_events": False,
            "trusted_integrations": ["beijing-flagship-pos"],
        },
        *(
            {
                "name": name,
                "name_zh": name_zh,
                "verb": verb,
                "match_properties": props,
                "points": points,
                "daily_cap": daily,
                "monthly_cap": monthly,
            }
            for name, name_zh, verb, props, points, daily, monthly in RULES
        ),
    ]
    with run.at(run.now - timedelta(days=61)):
        for data in rules:
            if data["name"] not in existing:
                rule_save(actor=operator, rule=None, data=data)
    mifan = User.objects.filter(username="mifan").first()
    if mifan:
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
