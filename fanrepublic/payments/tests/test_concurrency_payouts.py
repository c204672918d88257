"""Concurrency proofs for payouts on PostgreSQL with real concurrent connections: the
whole balance asked for twice at once is paid out once; requests for less, at once, make
one payout on its way; one key sent many times at once is one payout."""

import types

import pytest

from fanrepublic.core.errors import Conflict, ValidationFailed
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.payments import payouts, selectors, tasks
from fanrepublic.payments.models import Payout
from fanrepublic.points.models import Posting
from fanrepublic.points.selectors import ledger_problems

from .factories import PayeeAccountFactory, fund_wallet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def creator(fen=500_00):
    member = MemberFactory()
    fund_wallet(member, fen)
    PayeeAccountFactory(member=member, provider="offline", identifier=f"demo-{member.pk}", real_name="")
    return member


def ask(member, amount, key):
    try:
        return payouts.payout_request(member=member, provider="offline", amount=amount, key=key).reference
    except (ValidationFailed, Conflict) as exc:
        return type(exc).__name__


def moved(code) -> int:
    return sum(Posting.objects.filter(account__code=code).values_list("amount_minor", flat=True))


def test_two_requests_for_the_whole_balance_at_once_make_one_payout():
    member = creator()
    results, errors = run_at_once(lambda i: ask(member, 500_00, f"k{i}"), 2)
    assert errors == []
    assert sum(r.startswith("PO") for r in results) == 1, results
    assert Payout.objects.count() == 1
    assert selectors.wallet_balance_fen(member) == 0
    # Sent after its commit (the demo provider pays at once): in transit, then paid out.
    assert moved("system:payouts-in-transit:CNY") + moved("system:provider-offline-payouts:CNY") == 500_00
    assert ledger_problems() == []


def test_requests_for_less_at_once_make_one_payout_on_its_way(monkeypatch):
    # Not sent, so the first stays on its way while the others try.
    monkeypatch.setattr(tasks, "send_payout", types.SimpleNamespace(delay=lambda *args: None))
    member = creator()
    results, errors = run_at_once(lambda i: ask(member, 100_00, f"k{i}"), 8)
    assert errors == []
    assert sum(r.startswith("PO") for r in results) == 1, results
    assert Payout.objects.count() == 1 and selectors.wallet_balance_fen(member) == 400_00
    assert moved("system:payouts-in-transit:CNY") == 100_00
    assert ledger_problems() == []


def test_one_key_sent_at_once_is_one_payout():
    member = creator()
    results, errors = run_at_once(lambda i: ask(member, 100_00, "same"), 8)
    assert errors == []
    assert len(set(results)) == 1 and results[0].startswith("PO"), results
    assert Payout.objects.count() == 1 and selectors.wallet_balance_fen(member) == 400_00
    assert ledger_problems() == []
