"""The insights part of the demo community.

1. Two years of online-shop purchases of every demo member, drawn by the documented
   simulation (simulation.py: from their first co-creation on, co-creators buy 2× as
   often and spend 1.6× per purchase; they were 1.5× keener buyers to begin with),
   sent through the stores' order import as the shop would send them, a week at a time.
2. A lifetime-value fit of everything purchased and the interaction comparisons, made the
   way the schedule makes them, so the pages show computed figures after `make run` —
   never typed-in ones.
3. Three NPS surveys (to a sample of customers 120 days ago, to the co-creators 14 days
   ago, to every customer not just asked 12 days ago), answered by about half, with
   scores drawn so that co-creators' NPS is 58 points above the others'
   (simulation.nps_score) and a reason in the member's language.
"""

from datetime import datetime, time, timedelta

import numpy as np
from django.utils import timezone

from fanrepublic.activity.models import Integration
from fanrepublic.members.demo import demo_accounts
from fanrepublic.stores.models import Order
from fanrepublic.stores.purchases import orders_import

from . import estimating, simulation
from .interactions import CO_CREATION, first_dates, key_of
from .models import ClvFit, InteractionEstimate
from .services import clv_fit_start

SHOP = "orange-online-shop"
PREFIX = "SIM-"
YEARS = 2


def _send(run, shop, purchases, tz) -> int:
    by_week: dict[int, list] = {}
    start = purchases[0].day if purchases else None
    for number, bought in enumerate(purchases, start=1):
        at = datetime.combine(bought.day, time(12 + number % 9, number % 60), tzinfo=tz)
        item = {
            "order_id": f"{PREFIX}{bought.day:%Y%m%d}-{number:06d}",
            "occurred_at": at.isoformat(),
            "channel": "online",
            "currency": "CNY",
            "customer": {"member": bought.member_id},
            "lines": [
                {
                    "sku": "SIM-MIX",
                    "description": "Online shop order",
                    "quantity": 1,
                    "unit_price": f"{bought.amount:.2f}",
                }
            ],
        }
        by_week.setdefault((bought.day - start).days // 7, []).append((at, item))
    for week in sorted(by_week):
        items = by_week[week]
        with run.at(max(at for at, _item in items) + timedelta(hours=1)):
            orders_import(integration=shop, items=[item for _at, item in items])
    return len(purchases)


def seed(run) -> None:
    _purchases_and_fits(run)
    _answer_surveys(run)
    from .services import dashboard_refresh

    snapshot = dashboard_refresh()
    run.report("republic dashboard computed in", f"{snapshot.seconds:.2f} s")


def _purchases_and_fits(run) -> None:
    shop = Integration.objects.filter(slug=SHOP).first()
    if shop is not None and not Order.objects.filter(external_id__startswith=PREFIX).exists():
        members = list(
            demo_accounts().filter(username__startswith="fan").order_by("pk").values_list("pk", flat=True)
        )
        tz = timezone.get_current_timezone()
        end = (run.now - timedelta(days=1)).astimezone(tz).date()
        start = end - timedelta(days=365 * YEARS)
        cocreators = first_dates(CO_CREATION)
        drawn = sorted(
            simulation.purchases(members, cocreators, start=start, end=end),
            key=lambda p: (p.day, p.member_id),
        )
        sent = _send(run, shop, drawn, tz)
        run.report(
            "simulated shop purchases (co-creators / members)",
            f"{sent} ({len(set(cocreators) & set(members))} / {len(members)})",
        )
    if not ClvFit.objects.exists():
        fit = clv_fit_start(window_end=run.now.astimezone(timezone.get_current_timezone()).date())
        fit.refresh_from_db()
        run.report(
            "lifetime value fit", f"{fit.get_status_display()} · {fit.customers} members · {fit.engine}"
        )
    if not InteractionEstimate.objects.exists():
        estimating.refresh_estimates()
        report = InteractionEstimate.objects.filter(key=key_of(CO_CREATION)).first()
        found = report.result if report else {}
        raw, matched = found.get("raw_ratio") or 0, found.get("matched_ratio") or 0
        run.report(
            "co-creators' yearly spend ÷ others', raw / matched",
            f"{raw:.2f}× / {matched:.2f}× ({report.treated if report else 0} co-creators)",
        )


REASONS = {
    -1: [
        ("The phone heats up when charging.", "充电的时候手机发烫。"),
        ("Waited two weeks for a repair.", "维修等了两个星期。"),
        ("The app keeps logging me out.", "App 老是把我登出。"),
    ],
    0: [
        ("Good value, the camera could be better.", "性价比不错，相机还可以更好。"),
        ("Fine, nothing special lately.", "还行，最近没什么惊喜。"),
    ],
    1: [
        ("Engineers answered my post the same day!", "工程师当天就回复了我的帖子！"),
        ("My idea shipped in the Friday release.", "我的建议在周五的版本里上线了。"),
        ("Fast charging and a great community.", "快充很棒，社区氛围也好。"),
    ],
}
SURVEYS = (
    # (days before the run, title, title_zh, audience, sample)
    (120, "How are we doing? (summer)", "我们做得怎么样？（夏季）", "customers", 120),
    (14, "Co-creators' check-in", "共创者回访", "co_creators", None),
    (12, "How are we doing? (winter)", "我们做得怎么样？（冬季）", "customers", None),
)


def _answer_surveys(run) -> None:
    from fanrepublic.core.errors import ValidationFailed
    from fanrepublic.members.demo import demo_accounts as accounts
    from fanrepublic.members.models import User

    from . import nps
    from .interactions import is_cocreator
    from .models import Survey, SurveyResponse
    from .surveys import survey_answer, survey_save, survey_send

    if Survey.objects.exists():
        return
    operator = accounts().filter(username="op_zhou").first()
    if operator is None:
        return
    rng = np.random.default_rng(14)
    for days_ago, title, title_zh, audience, sample in SURVEYS:
        sent_at = run.now - timedelta(days=days_ago)
        with run.at(sent_at):
            survey = survey_save(
                actor=operator,
                data={
                    "title": title,
                    "title_zh": title_zh,
                    "question": "How likely are you to recommend Orange to a friend?",
                    "question_zh": "你有多大可能把橙子推荐给朋友？",
                    "follow_up": "What one thing should we improve?",
                    "follow_up_zh": "我们最该改进的一件事是什么？",
                    "audience": audience,
                    "sample_size": sample,
                },
            )
            try:
                survey_send(actor=operator, survey=survey, seed=days_ago)
            except ValidationFailed:
                continue  # nobody to ask then (a small demo): it stays a draft
        for invite in survey.invites.select_related("member").order_by("member_id"):
            # The demo member answers for themselves (README: their notifications).
            if rng.random() > simulation.ANSWER_RATE or invite.member.username == "mifan":
                continue
            answered_at = sent_at + timedelta(hours=float(rng.uniform(1, 24 * 6)))
            with run.at(answered_at):
                co_creator = is_cocreator(invite.member_id, until=answered_at)
                score = simulation.nps_score(rng, co_creator)
                english, chinese = REASONS[nps.category(score)][
                    int(rng.integers(0, 3)) % len(REASONS[nps.category(score)])
                ]
                member = User.objects.get(pk=invite.member_id)
                zh = (member.language or "zh-hans").startswith("zh")
                survey_answer(member=member, survey=survey, score=score, reason=chinese if zh else english)
    summary = {
        group: nps.score_of(
            SurveyResponse.objects.filter(was_co_creator=group).values_list("score", flat=True)
        ).value
        for group in (True, False)
    }
    run.report(
        "NPS answers (co-creators / others)",
        f"{SurveyResponse.objects.count()} ({summary[True] or 0:+.0f} / {summary[False] or 0:+.0f})",
    )
