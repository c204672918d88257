"""Purchase histories for the insights tests: drawn by the demo's simulation and written
as stores orders through the order import, as a shop would send them."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from fanrepublic.activity.models import Integration
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.stores.models import SalesSource
from fanrepublic.stores.purchases import orders_import

from .. import simulation
from ..enums import FitStatus, FitTrigger, SurveyStatus
from ..models import (
    ClvFit,
    ClvScore,
    DashboardSnapshot,
    InteractionEstimate,
    Survey,
    SurveyInvite,
    SurveyResponse,
)

VERBS = ["stores.purchase.recorded", "stores.purchase.refunded"]


def shop() -> Integration:
    found, created = Integration.objects.get_or_create(
        slug="test-shop", defaults={"name": "Test shop", "channel": "web", "verbs": VERBS}
    )
    if created:
        SalesSource.objects.create(integration=found, sells_online=True, names_members=True)
    return found


def sale(member, day: date, amount: str, *, order_id: str, currency="CNY", hour=12) -> dict:
    at = datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())
    return {
        "order_id": order_id,
        "occurred_at": at.isoformat(),
        "channel": "online",
        "currency": currency,
        "customer": {"member": member.pk},
        "lines": [{"sku": "X", "quantity": 1, "unit_price": amount}],
    }


def refund(of: dict, *, order_id: str, day: date) -> dict:
    at = datetime.combine(day, time(18, 0), tzinfo=timezone.get_current_timezone())
    line = of["lines"][0]
    return {
        "order_id": order_id,
        "kind": "refund",
        "refund_of": of["order_id"],
        "occurred_at": at.isoformat(),
        "currency": of["currency"],
        "lines": [{"sku": line["sku"], "quantity": 1, "unit_price": line["unit_price"], "refunds_line": 1}],
    }


def simulated_members(count: int, *, end: date, years: int = 2, cocreators: int = 0, seed: int = 7):
    """`count` members with simulated purchases up to `end`; the first `cocreators` of them
    get the co-creation effect. Returns the members."""
    members = [MemberFactory() for _ in range(count)]
    # Co-creators from the window's first day, so the whole window shows the effect.
    boosted = {m.pk: end - timedelta(days=365 * years) for m in members[:cocreators]}
    drawn = simulation.purchases(
        [m.pk for m in members], boosted, start=end - timedelta(days=365 * years), end=end, seed=seed
    )
    by_pk = {m.pk: m for m in members}
    items = [
        sale(by_pk[p.member_id], p.day, f"{p.amount:.2f}", order_id=f"S{n}") for n, p in enumerate(drawn)
    ]
    for begin in range(0, len(items), 500):
        orders_import(integration=shop(), items=items[begin : begin + 500])
    return members


class ClvFitFactory(factory.django.DjangoModelFactory):
    """A finished fit of the last year, as the schedule makes one."""

    class Meta:
        model = ClvFit

    status = FitStatus.DONE
    trigger = FitTrigger.SCHEDULE
    engine = "scipy"
    window_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    window_end = factory.LazyFunction(timezone.localdate)
    holdout_days = 90
    horizon_days = 365
    customers = 1
    transactions = 3
    parameters = factory.LazyFunction(lambda: {"bgnbd": {"r": 1.0, "alpha": 60.0, "a": 1.2, "b": 5.0}})
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    scores_kept = True


class ClvScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClvScore

    fit = factory.SubFactory(ClvFitFactory)
    member = factory.SubFactory(MemberFactory)
    first_purchase = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=200))
    repeat_purchases = 2
    recency_days = 150
    age_days = 200
    mean_spend = Decimal("800.00")
    p_alive = 0.8
    p_alive_low = 0.7
    p_alive_high = 0.9
    purchases = 1.5
    purchases_low = 1.2
    purchases_high = 1.8
    value = Decimal("1200.00")
    value_low = Decimal("950.00")
    value_high = Decimal("1450.00")


class InteractionEstimateFactory(factory.django.DjangoModelFactory):
    """A comparison with too few members to compare (what a new community has)."""

    class Meta:
        model = InteractionEstimate

    kinds = factory.LazyFunction(lambda: ["committee"])
    key = "committee"
    window_end = factory.LazyFunction(timezone.localdate)
    computed_at = factory.LazyFunction(timezone.now)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = "How are we doing?"
    title_zh = "我们做得怎么样？"
    question = "How likely are you to recommend Orange to a friend?"
    question_zh = "你有多大可能把橙子推荐给朋友？"
    created_by = factory.SubFactory(MemberFactory)


class SurveyInviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyInvite

    survey = factory.SubFactory(SurveyFactory, status=SurveyStatus.OPEN)
    member = factory.SubFactory(MemberFactory)
    sent_at = factory.LazyFunction(timezone.now)


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory, status=SurveyStatus.OPEN)
    member = factory.SubFactory(MemberFactory)
    score = 9
    reason = "Engineers answer fast."
    created_at = factory.LazyFunction(timezone.now)


class DashboardSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DashboardSnapshot

    computed_at = factory.LazyFunction(timezone.now)
    seconds = 0.05
    figures = factory.LazyFunction(lambda: {"beta_seats": {"value": 0}})
