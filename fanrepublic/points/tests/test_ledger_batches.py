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
