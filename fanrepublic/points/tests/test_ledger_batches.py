"""Posting many transactions at once (ledger_post_many, for refunding every backer of a
campaign): cross-checked against posting the same transactions one by one, on random
batches; keys stored before are skipped; wallets and bad batches are refused whole."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanrepublic.core.errors import ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.points import services
from fanrepublic.points.enums import AccountKind, Currency
from fanrepublic.points.errors import UnbalancedTransaction
from fanrepublic.points.models import Posting, Transaction
from fanrepublic.points.selectors import ledger_problems

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    services.AccountRef(code=f"system:batch-{name}:CNY", kind=kind, currency=Currency.CNY)
    for name, kind in (
        ("escrow-a", AccountKind.ESCROW),
        ("settlement", AccountKind.SETTLEMENT),
        ("escrow-b", AccountKind.ESCROW),
    )
]

transfer = st.tuples(
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=1, max_value=10**9),
).filter(lambda t: t[0] != t[1])


def posts(prefix, transfers):
    return [
        services.LedgerPost(
            key=f"{prefix}:{n}",
            kind="refund",
            memo=f"transfer {n}",
            entries=[(ACCOUNTS[source], -amount), (ACCOUNTS[target], amount)],
        )
        for n, (source, target, amount) in enumerate(transfers)
    ]


def stored(prefix):
    """Each transaction of a prefix as (its number, sorted (account, amount) postings)."""
    rows = {}
    for posting in Posting.objects.filter(
        transaction__idempotency_key__startswith=f"{prefix}:"
    ).select_related("transaction", "account"):
        number = posting.transaction.idempotency_key.split(":", 1)[1]
        rows.setdefault(number, []).append((posting.account.code, posting.amount_minor))
    return {number: sorted(entries) for number, entries in rows.items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(transfer, min_size=1, max_size=30))
def test_a_batch_posts_what_posting_one_by_one_posts(transfers):
    # Hypothesis runs every example in one test transaction: each gets its own keys.
    run = uuid.uuid4().hex[:8]
    single, batch = f"single-{run}", f"batch-{run}"
    for post in posts(single, transfers):
        services.ledger_post(key=post.key, kind=post.kind, memo=post.memo, entries=post.entries)
    assert services.ledger_post_many(posts(batch, transfers)) == len(transfers)
    assert stored(batch) == stored(single)
    assert Transaction.objects.filter(idempotency_key__startswith=f"{batch}:").count() == len(transfers)
    assert ledger_problems() == []
    # The same batch again posts nothing; a batch half of it stored posts the rest.
    assert services.ledger_post_many(posts(batch, transfers)) == 0
    more = [*transfers, (0, 1, 7)]
    assert services.ledger_post_many(posts(batch, more)) == 1
    assert Posting.objects.filter(transaction__idempotency_key__startswith=f"{batch}:").count() == 2 * len(
        more
    )


def test_a_wallet_is_refused_and_nothing_is_posted():
    wallet = services.wallet_ref(MemberFactory(), Currency.CNY)
    batch = [
        *posts("ok", [(0, 1, 5)]),
        services.LedgerPost("w:1", "refund", "to a wallet", [(ACCOUNTS[0], -5), (wallet, 5)]),
    ]
    with pytest.raises(ValueError):
        services.ledger_post_many(batch)
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    "bad, error",
    [
        ([(ACCOUNTS[0], -5), (ACCOUNTS[1], 4)], UnbalancedTransaction),
        ([(ACCOUNTS[0], -5)], UnbalancedTransaction),
        ([(ACCOUNTS[0], 0), (ACCOUNTS[1], 0)], ValidationFailed),
        ([(ACCOUNTS[0], -1.5), (ACCOUNTS[1], 1.5)], ValidationFailed),
    ],
)
def test_one_bad_transaction_refuses_the_batch(bad, error):
    batch = [*posts("ok", [(0, 1, 5), (1, 2, 6)]), services.LedgerPost("bad:1", "refund", "bad", bad)]
    with pytest.raises(error):
        services.ledger_post_many(batch)
    assert not Transaction.objects.exists()


def test_the_same_key_twice_in_a_batch_is_refused():
    batch = posts("twice", [(0, 1, 5)]) * 2
    with pytest.raises(ValueError):
        services.ledger_post_many(batch)
    assert not Transaction.objects.exists()
    assert services.ledger_post_many([]) == 0


def test_an_account_is_judged_by_what_is_stored_not_by_what_the_caller_names():
    member = MemberFactory()
    services.wallet_ref(member, Currency.CNY).resolve()
    disguised = services.AccountRef(
        code=f"member:{member.pk}:wallet:CNY", kind=AccountKind.ESCROW, currency=Currency.CNY
    )
    with pytest.raises(ValueError):
        services.ledger_post_many(
            [
                services.LedgerPost(
                    "disguised:1", "refund", "into a wallet", [(ACCOUNTS[0], -5), (disguised, 5)]
                )
            ]
        )
    assert not Transaction.objects.exists()


# ---- ledger_credit_many: one credit to a member wallet per transaction -----------------


def credits(prefix, members, amounts, currency=Currency.CNY, source=ACCOUNTS[1]):
    return [
        services.LedgerPost(
            key=f"{prefix}:{n}",
            kind="royalty",
            memo=f"credit {n}",
            entries=[(source, -amount), (services.wallet_ref(member, currency), amount)],
        )
        for n, (member, amount) in enumerate(zip(members, amounts, strict=True))
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 10**9)), min_size=1, max_size=20))
def test_a_credit_batch_leaves_what_posting_one_by_one_leaves(picks):
    """The same credits, once in a batch and once one by one to twin members: equal
    wallets, equal postings; a member credited twice in a batch gets both."""
    batch, single = f"cb-{uuid.uuid4().hex[:8]}", f"cs-{uuid.uuid4().hex[:8]}"
    twins = [(MemberFactory(), MemberFactory()) for _ in range(4)]
    amounts = [amount for _pick, amount in picks]
    mine = [twins[pick][0] for pick, _amount in picks]
    theirs = [twins[pick][1] for pick, _amount in picks]
    ids = services.ledger_credit_many(credits(batch, mine, amounts))
    for post in credits(single, theirs, amounts):
        services.ledger_post(key=post.key, kind=post.kind, memo=post.memo, entries=post.entries)
    assert len(ids) == len(picks)
    for ours, twin in twins:
        assert (
            services.wallet_for(ours, Currency.CNY).balance_minor
            == services.wallet_for(twin, Currency.CNY).balance_minor
        )
    assert len(stored(batch)) == len(stored(single)) == len(picks)
    assert ledger_problems() == []
    # Run again: nothing new, the same ids.
    assert services.ledger_credit_many(credits(batch, mine, amounts)) == ids
    assert Transaction.objects.filter(idempotency_key__startswith=f"{batch}:").count() == len(picks)


def test_a_credit_batch_of_points_keeps_lots_and_refuses_debits_and_two_wallets():
    member, other = MemberFactory(), MemberFactory()
    issuance = services.system_ref(AccountKind.ISSUANCE)
    services.ledger_credit_many(credits("pts", [member, member], [30, 12], Currency.POINTS, issuance))
    assert services.wallet_for(member).balance_minor == 42
    assert sorted(services.wallet_for(member).lots.values_list("remaining", flat=True)) == [12, 30]
    assert ledger_problems() == []
    debit = credits("debit", [member], [-5], Currency.POINTS, issuance)
    two = [
        services.LedgerPost(
            key="two",
            kind="x",
            memo="two wallets",
            entries=[(services.wallet_ref(member), -1), (services.wallet_ref(other), 1)],
        )
    ]
    for bad in (debit, two):
        with pytest.raises((ValueError, ValidationFailed)):
            services.ledger_credit_many(bad)
    assert services.wallet_for(member).balance_minor == 42
