"""The ledger under real concurrent connections on PostgreSQL."""

import pytest

from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.points import services
from fanrepublic.points.errors import InsufficientBalance
from fanrepublic.points.models import Transaction
from fanrepublic.points.selectors import ledger_problems

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_many_spends_from_one_wallet_never_overdraw_it():
    fan = MemberFactory()
    services.points_award(member=fan, points=1000, key="seed", memo="seed")
    calls = [(f"spend:{i}",) for i in range(16)]  # 16 × 100 asked, 1,000 available
    results, errors = run_concurrently(
        lambda key: services.points_spend(member=fan, points=100, key=key, memo="voucher"), calls
    )
    assert len(results) == 10 and len(errors) == 6
    assert all(isinstance(e, InsufficientBalance) for e in errors)
    assert services.wallet_for(fan).balance_minor == 0
    assert ledger_problems() == []


def test_the_same_key_posted_at_once_is_stored_once():
    fan = MemberFactory()
    results, errors = run_concurrently(
        lambda: services.points_award(member=fan, points=250, key="bug:42", memo="valid bug"), [()] * 8
    )
    assert errors == [] and len({tx.pk for tx in results}) == 1
    assert Transaction.objects.filter(idempotency_key="bug:42").count() == 1
    assert services.wallet_for(fan).balance_minor == 250
    assert ledger_problems() == []


def test_transfers_between_two_wallets_in_both_directions_do_not_deadlock():
    a, b = MemberFactory(), MemberFactory()
    services.points_award(member=a, points=500, key="a", memo="seed")
    services.points_award(member=b, points=500, key="b", memo="seed")
    wa, wb = services.wallet_for(a), services.wallet_for(b)
    calls = [((wa, wb) if i % 2 else (wb, wa), i) for i in range(12)]
    _, errors = run_concurrently(
        lambda pair, i: services.ledger_post(
            key=f"t:{i}", kind="transfer", memo="gift", entries=[(pair[0], -10), (pair[1], 10)]
        ),
        calls,
    )
    assert errors == []
    wa.refresh_from_db()
    wb.refresh_from_db()
    assert wa.balance_minor + wb.balance_minor == 1000
    assert ledger_problems() == []


def test_awards_and_spends_racing_on_one_wallet_keep_its_lots_equal_to_its_balance():
    fan = MemberFactory()
    services.points_award(member=fan, points=30, key="seed", memo="seed")
    calls = [(i,) for i in range(24)]

    def act(i):
        if i % 2:
            return services.points_spend(member=fan, points=7, key=f"s:{i}", memo="voucher")
        return services.points_award(member=fan, points=3, key=f"a:{i}", memo="like")

    results, errors = run_concurrently(act, calls)
    assert all(isinstance(e, InsufficientBalance) for e in errors)
    spent = sum(1 for tx in results if tx.kind == "redemption")
    assert services.wallet_for(fan).balance_minor == 30 + 12 * 3 - 7 * spent >= 0
    assert ledger_problems() == []  # includes: every wallet's lots add up to its balance
