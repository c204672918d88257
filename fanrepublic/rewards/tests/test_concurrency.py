"""Never oversell, never overdraw: simultaneous redemptions on PostgreSQL."""

import pytest

from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.points import services as points
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.rewards import services
from fanrepublic.rewards.errors import OutOfStock
from fanrepublic.rewards.models import Order
from fanrepublic.rewards.tests.factories import RewardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_last_units_go_to_exactly_that_many_members():
    reward = RewardFactory(stock=3, price_points=100)
    fans = [MemberFactory() for _ in range(10)]
    for fan in fans:
        points.points_award(member=fan, points=100, key=f"seed:{fan.pk}", memo="seed")
    results, errors = run_concurrently(
        lambda fan: services.reward_redeem(member=fan, reward=reward, key=f"o:{fan.pk}"), [(f,) for f in fans]
    )
    reward.refresh_from_db()
    assert len(results) == 3 and reward.stock == 0
    assert len(errors) == 7 and all(isinstance(e, OutOfStock) for e in errors)
    assert sum(points.wallet_for(f).balance_minor for f in fans) == 700
    assert ledger_problems() == []


def test_one_wallet_redeeming_many_times_at_once_never_goes_negative():
    reward = RewardFactory(stock=50, price_points=100)
    fan = MemberFactory()
    points.points_award(member=fan, points=350, key="seed", memo="seed")
    results, errors = run_concurrently(
        lambda i: services.reward_redeem(member=fan, reward=reward, key=f"o:{i}"), [(i,) for i in range(10)]
    )
    reward.refresh_from_db()
    assert len(results) == 3 and points.wallet_for(fan).balance_minor == 50
    assert reward.stock == 47 and Order.objects.count() == 3
    assert ledger_problems() == []


def test_one_idempotency_key_sent_ten_times_at_once_places_one_order_and_says_so_once():
    # Issue 10 (6): a replay must never be told "created".
    reward = RewardFactory(stock=50, price_points=100)
    fan = MemberFactory()
    points.points_award(member=fan, points=1000, key="seed", memo="seed")
    results, errors = run_concurrently(
        lambda: services.reward_redeem(member=fan, reward=reward, key="double-click"), [()] * 10
    )
    assert errors == [] and len({o.pk for o in results}) == 1
    assert [o.replayed for o in results].count(False) == 1
    assert points.wallet_for(fan).balance_minor == 900 and Order.objects.count() == 1
    assert ledger_problems() == []


def test_one_adjustment_key_sent_eight_times_at_once_posts_once_and_says_so_once():
    from fanrepublic.members.tests.factories import operator

    fan, op = MemberFactory(), operator()
    results, errors = run_concurrently(
        lambda: points.points_adjust(actor=op, member=fan, points=250, reason="Goodwill", key="adj-1"),
        [()] * 8,
    )
    assert errors == [] and len({tx.pk for tx in results}) == 1
    assert [tx.replayed for tx in results].count(False) == 1
    assert points.wallet_for(fan).balance_minor == 250
    assert ledger_problems() == []
