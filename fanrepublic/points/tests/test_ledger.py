"""The ledger's guarantees: balanced, idempotent, never negative, reversible, expiring
oldest first, reconcilable — including property-based runs of random operations."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.points import services
from fanrepublic.points.enums import AccountKind, Currency, from_minor, to_minor
from fanrepublic.points.errors import InsufficientBalance, UnbalancedTransaction
from fanrepublic.points.models import Account, PointLot, Posting, Transaction
from fanrepublic.points.selectors import account_balance, ledger_problems, wallet_history, wallet_summary

pytestmark = pytest.mark.django_db


def balance(member):
    return services.wallet_for(member).balance_minor if member else 0


class TestPosting:
    def test_award_moves_points_from_issuance_and_balances(self):
        fan = MemberFactory()
        tx = services.points_award(member=fan, points=500, key="bug:1", memo="Valid bug report")
        assert balance(fan) == 500
        assert sorted(tx.postings.values_list("amount_minor", flat=True)) == [-500, 500]
        assert account_balance(services.system_account(AccountKind.ISSUANCE)) == -500
        assert ledger_problems() == []

    def test_same_key_stores_once_and_returns_the_first_result(self):
        fan = MemberFactory()
        first = services.points_award(member=fan, points=100, key="k", memo="first")
        again = services.points_award(member=fan, points=999, key="k", memo="second")
        assert again.pk == first.pk and balance(fan) == 100 and Transaction.objects.count() == 1

    def test_spending_more_than_the_balance_changes_nothing(self):
        fan = MemberFactory()
        services.points_award(member=fan, points=100, key="a", memo="earned")
        with pytest.raises(InsufficientBalance):
            services.points_spend(member=fan, points=101, key="s", memo="too much")
        assert balance(fan) == 100 and not Transaction.objects.filter(idempotency_key="s").exists()
        assert ledger_problems() == []

    def test_unbalanced_and_bad_amounts_are_refused(self):
        fan = MemberFactory()
        wallet, issuance = services.wallet_for(fan), services.system_account(AccountKind.ISSUANCE)
        with pytest.raises(UnbalancedTransaction):
            services.ledger_post(key="x", kind="t", memo="m", entries=[(issuance, -5), (wallet, 4)])
        with pytest.raises(UnbalancedTransaction):
            services.ledger_post(key="x", kind="t", memo="m", entries=[(wallet, 5)])
        for bad in (0, 1.5, True, 10**16):
            with pytest.raises(ValidationFailed):
                services.ledger_post(key="x", kind="t", memo="m", entries=[(issuance, -1), (wallet, bad)])
        with pytest.raises(ValidationFailed):
            services.ledger_post(key="", kind="t", memo="m", entries=[(issuance, -1), (wallet, 1)])
        assert Transaction.objects.count() == 0

    def test_currencies_balance_separately(self):
        fan = MemberFactory()
        cny_wallet = services.wallet_for(fan, Currency.CNY)
        with pytest.raises(UnbalancedTransaction):
            services.ledger_post(
                key="mix",
                kind="t",
                memo="m",
                entries=[
                    (services.system_account(AccountKind.SETTLEMENT, Currency.POINTS), -100),
                    (cny_wallet, 100),
                ],
            )
        services.ledger_post(
            key="royalty",
            kind="royalty",
            memo="1% of sales",
            entries=[
                (services.system_account(AccountKind.SETTLEMENT, Currency.CNY), -to_minor("123.45", "CNY")),
                (cny_wallet, to_minor("123.45", "CNY")),
            ],
        )
        cny_wallet.refresh_from_db()
        assert from_minor(cny_wallet.balance_minor, "CNY") == Decimal("123.45")
        assert ledger_problems() == []

    def test_money_keeps_exact_decimals(self):
        assert to_minor("0.1", "CNY") + to_minor("0.2", "CNY") == to_minor("0.3", "CNY")
        with pytest.raises(ValueError):
            to_minor("0.001", "CNY")
        with pytest.raises(ValueError):
            to_minor("1.5", "PTS")

    def test_the_database_refuses_a_negative_wallet_even_without_the_service(self):
        wallet = services.wallet_for(MemberFactory())
        with pytest.raises(IntegrityError), transaction.atomic():
            Account.objects.filter(pk=wallet.pk).update(balance_minor=-1)

    def test_postings_cannot_be_edited(self):
        fan = MemberFactory()
        tx = services.points_award(member=fan, points=5, key="k", memo="m")
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            Posting.objects.filter(transaction=tx).update(amount_minor=500)


class TestReversalAndAdjustments:
    def test_reversal_names_the_original_and_restores_balances(self):
        fan = MemberFactory()
        services.points_award(member=fan, points=300, key="a", memo="earned")
        spend = services.points_spend(member=fan, points=200, key="s", memo="voucher")
        refund = services.transaction_reverse(tx=spend, key="refund:s", memo="order cancelled")
        assert refund.reverses == spend and balance(fan) == 300
        again = services.transaction_reverse(tx=spend, key="refund:s2", memo="twice")
        assert again.pk == refund.pk and balance(fan) == 300
        with pytest.raises(ValidationFailed):
            services.transaction_reverse(tx=refund, key="x", memo="reverse the reversal")
        assert ledger_problems() == []

    def test_an_award_already_spent_cannot_be_clawed_back_below_zero(self):
        fan = MemberFactory()
        award = services.points_award(member=fan, points=100, key="a", memo="earned")
        services.points_spend(member=fan, points=80, key="s", memo="spent")
        with pytest.raises(InsufficientBalance):
            services.transaction_reverse(tx=award, key="r", memo="fraud")
        assert balance(fan) == 20

    def test_operator_adjusts_with_reason_and_it_is_audited(self):
        fan, op = MemberFactory(), operator()
        services.points_adjust(actor=op, member=fan, points=50, reason="Goodwill after outage", key="adj:1")
        services.points_adjust(actor=op, member=fan, points=50, reason="Goodwill after outage", key="adj:1")
        services.points_adjust(actor=op, member=fan, points=-20, reason="Duplicate award", key="adj:2")
        assert balance(fan) == 30
        assert AuditEntry.objects.filter(action="points.adjusted").count() == 2

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_only_operators_adjust(self, make):
        with pytest.raises(Forbidden):
            services.points_adjust(actor=make(), member=MemberFactory(), points=50, reason="x", key="k")

    def test_adjustment_needs_a_reason_and_a_non_zero_amount(self):
        with pytest.raises(ValidationFailed):
            services.points_adjust(actor=operator(), member=MemberFactory(), points=50, reason=" ", key="k")
        with pytest.raises(ValidationFailed):
            services.points_adjust(actor=operator(), member=MemberFactory(), points=0, reason="x", key="k")


class TestExpiry:
    def test_oldest_points_are_spent_first_and_the_rest_expire_once(self, settings):
        settings.POINTS_EXPIRE_AFTER_MONTHS = 24
        fan = MemberFactory()
        services.points_award(member=fan, points=100, key="old", memo="old")
        old_lot = PointLot.objects.get()
        PointLot.objects.filter(pk=old_lot.pk).update(expires_at=timezone.now() - timedelta(days=1))
        services.points_award(member=fan, points=50, key="new", memo="new")
        services.points_spend(member=fan, points=30, key="s", memo="spend")  # from the old lot
        assert services.points_expire_due() == 1
        assert services.points_expire_due() == 0
        assert balance(fan) == 50
        assert account_balance(services.system_account(AccountKind.EXPIRY)) == 70
        assert ledger_problems() == []

    def test_a_spend_larger_than_a_batch_of_lots_takes_the_oldest_in_order(self):
        fan = MemberFactory()
        for i in range(services.LOT_BATCH + 5):
            services.points_award(member=fan, points=2, key=f"small:{i}", memo="like")
        services.points_spend(member=fan, points=2 * services.LOT_BATCH + 3, key="big", memo="voucher")
        remaining = list(PointLot.objects.order_by("earned_at", "id").values_list("remaining", flat=True))
        assert remaining == [0] * (services.LOT_BATCH + 1) + [1, 2, 2, 2]
        assert balance(fan) == 7
        assert ledger_problems() == []

    def test_wallet_summary_shows_what_expires_soon(self):
        fan = MemberFactory()
        services.points_award(member=fan, points=40, key="a", memo="a")
        PointLot.objects.update(expires_at=timezone.now() + timedelta(days=10))
        services.points_award(member=fan, points=60, key="b", memo="b")
        summary = wallet_summary(member=fan)
        assert summary.balance == 100 and summary.expiring_soon == 40 and summary.earned_total == 100
        assert [p.amount_minor for p in wallet_history(member=fan)] == [60, 40]

    def test_periodic_task(self):
        from fanrepublic.points.tasks import expire_points

        fan = MemberFactory()
        services.points_award(member=fan, points=10, key="a", memo="a")
        PointLot.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert expire_points.delay().get() == 1 and balance(fan) == 0


class TestReconciliation:
    def test_command_passes_on_a_sound_ledger(self, capsys):
        services.points_award(member=MemberFactory(), points=10, key="a", memo="a")
        call_command("reconcile_ledger")
        assert "every invariant holds" in capsys.readouterr().out

    def test_command_fails_with_a_report_when_a_balance_drifts(self):
        fan = MemberFactory()
        services.points_award(member=fan, points=10, key="a", memo="a")
        Account.objects.filter(owner=fan).update(balance_minor=15)
        with pytest.raises(CommandError, match="violated"):
            call_command("reconcile_ledger")
        assert any("cached balance 15 != postings 10" in p for p in ledger_problems())


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["award", "spend", "refund", "expire"]), st.integers(0, 2), st.integers(1, 500)
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPERATIONS)
def test_random_operations_keep_every_invariant(ops):
    """Whatever happens, in whatever order: balances equal the model's arithmetic, never
    go negative, and reconcile_ledger finds nothing."""
    with transaction.atomic():
        members = [MemberFactory() for _ in range(3)]
        expected = [0, 0, 0]
        spends = []
        for i, (op, who, amount) in enumerate(ops):
            member = members[who]
            if op == "award":
                services.points_award(member=member, points=amount, key=f"p:{i}", memo="award")
                expected[who] += amount
            elif op == "spend":
                try:
                    spends.append(
                        (who, services.points_spend(member=member, points=amount, key=f"p:{i}", memo="s"))
                    )
                    expected[who] -= amount
                except InsufficientBalance:
                    assert expected[who] < amount
            elif op == "refund" and spends:
                owner, tx = spends.pop()
                services.transaction_reverse(tx=tx, key=f"r:{tx.pk}", memo="refund")
                expected[owner] += -tx.postings.get(account__kind=AccountKind.WALLET).amount_minor
            elif op == "expire":
                PointLot.objects.filter(account__owner=member, remaining__gt=0).update(
                    expires_at=timezone.now() - timedelta(seconds=1)
                )
                services.points_expire_due()
                expected[who] = 0
        assert [balance(m) for m in members] == expected
        assert all(b >= 0 for b in expected)
        assert ledger_problems() == []
        transaction.set_rollback(True)
