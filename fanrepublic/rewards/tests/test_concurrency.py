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
