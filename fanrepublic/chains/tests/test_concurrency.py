"""Concurrency proofs on PostgreSQL with real concurrent connections: a wave of members
signing at once gets numbers 1..n, each once, and the live count equals the lines; a
member signing twice at once has one line; lines hidden while others sign keep the
counters true."""

import pytest
from django.db.models import Sum

from fanrepublic.chains import services
from fanrepublic.chains.models import Chain, Entry
from fanrepublic.core.tests.concurrency import run_at_once
from fanrepublic.members.tests.factories import MemberFactory, operator

from .factories import ChainFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sixteen_members_signing_at_once_get_sixteen_numbers():
    chain = ChainFactory(pledge_max=3)
    members = [MemberFactory() for _ in range(16)]
    results, errors = run_at_once(
        lambda i: services.entry_sign(actor=members[i], chain=chain, message=f"m{i}", pledge=i % 4)[0].number,
        16,
    )
    assert errors == []
    assert sorted(results) == list(range(1, 17))
    chain = Chain.objects.get(pk=chain.pk)
    assert chain.entry_count == 16 and chain.last_number == 16
    assert chain.pledge_total == sum(i % 4 for i in range(16))


def test_one_member_signing_eight_times_at_once_has_one_line():
    chain, member = ChainFactory(), MemberFactory()
    results, errors = run_at_once(
        lambda i: services.entry_sign(actor=member, chain=chain, message=f"try {i}", pledge=1)[1], 8
    )
    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert Entry.objects.filter(chain=chain).count() == 1
    chain = Chain.objects.get(pk=chain.pk)
    assert (chain.entry_count, chain.pledge_total, chain.last_number) == (1, 1, 1)


def test_hiding_and_withdrawing_while_others_sign_keeps_the_count_true():
    chain = ChainFactory(pledge_max=2)
    early = [MemberFactory() for _ in range(6)]
    entries = [services.entry_sign(actor=m, chain=chain, pledge=2)[0] for m in early]
    late = [MemberFactory() for _ in range(6)]
    moderator = operator()

    def work(i):
        if i < 6:
            return services.entry_sign(actor=late[i], chain=chain, pledge=1)
        if i < 9:
            return services.entry_hide(actor=moderator, entry=entries[i - 6], reason="spam")
        return services.entry_withdraw(actor=early[i - 6], chain=chain)

    _results, errors = run_at_once(work, 12)
    assert errors == []
    chain = Chain.objects.get(pk=chain.pk)
    visible = Entry.objects.filter(chain=chain, hidden_at__isnull=True)
    assert chain.entry_count == visible.count() == 6
    assert chain.pledge_total == visible.aggregate(s=Sum("pledge"))["s"] == 6
