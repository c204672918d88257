"""Chain sign-ups (接龙): starting, signing, editing, withdrawing, moderating, closing —
and the counters that the live count reads, which must always equal the visible lines."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.chains import services
from fanrepublic.chains.enums import ChainStatus
from fanrepublic.chains.models import Chain, Entry
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.members.tests.factories import MemberFactory, operator

from .factories import BoardRuleFactory, ChainFactory

pytestmark = pytest.mark.django_db


def assert_counters_true(chain: Chain) -> None:
    """The chain's counters against the lines themselves (an independent count)."""
    chain.refresh_from_db()
    visible = Entry.objects.filter(chain=chain, hidden_at__isnull=True)
    assert chain.entry_count == visible.count()
    assert chain.pledge_total == (visible.aggregate(s=Sum("pledge"))["s"] or 0)
    numbers = list(Entry.objects.filter(chain=chain).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) and (not numbers or max(numbers) <= chain.last_number)


class TestStarting:
    def test_an_operator_starts_a_chain_anywhere(self):
        chain = services.chain_start(
            actor=operator(), theme="  永不离开  ", pledge_label="我会预订", pledge_max=2
        )
        assert chain.theme == "永不离开" and chain.status == ChainStatus.OPEN and len(chain.slug) >= 6
        assert Event.objects.filter(verb="chains.chain.started").count() == 1

    def test_a_member_starts_one_only_where_the_board_lets_them_and_from_its_trust_level(self):
        rule = BoardRuleFactory(min_trust_level=2)
        closed_board = BoardFactory()
        member = MemberFactory(trust_level=1)
        with pytest.raises(Forbidden):
            services.chain_start(actor=member, theme="x", board=rule.board)
        member.trust_level = 2
        with pytest.raises(Forbidden):
            services.chain_start(actor=member, theme="x", board=closed_board)
        with pytest.raises(Forbidden):
            services.chain_start(actor=member, theme="x")  # no board: operators only
        assert services.chain_start(actor=member, theme="x", board=rule.board).board == rule.board

    def test_a_suspended_member_starts_nothing(self):
        rule = BoardRuleFactory(min_trust_level=0)
        member = MemberFactory(suspended_until=timezone.now() + timedelta(days=1))
        with pytest.raises(Forbidden):
            services.chain_start(actor=member, theme="x", board=rule.board)

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"theme": ""}, "theme"),
            ({"theme": "   "}, "theme"),
            ({"theme": "x" * 121}, "theme"),
            ({"theme": "a\x00b"}, "theme"),
            ({"theme": "line\nbreak\x1b"}, "theme"),
            ({"theme": 5}, "theme"),
            ({"description": "x" * 2001}, "description"),
            ({"description": "\ud800"}, "description"),
            ({"pledge_max": 0}, "pledge_max"),
            ({"pledge_max": 101}, "pledge_max"),
            ({"pledge_max": True}, "pledge_max"),
            ({"pledge_label": "y" * 81}, "pledge_label"),
            ({"closes_at": timezone.now() - timedelta(minutes=1)}, "closes_at"),
            ({"closes_at": timezone.now() + timedelta(days=400)}, "closes_at"),
        ],
    )
    def test_bad_input_is_named_and_starts_nothing(self, fields, field):
        data = {"theme": "Never leave", **fields}
        with pytest.raises(ValidationFailed) as refused:
            services.chain_start(actor=operator(), **data)
        assert field in refused.value.errors
        assert not Chain.objects.exists()


class TestSigning:
    def test_lines_are_numbered_in_order_and_counted(self):
        chain = ChainFactory(pledge_max=3)
        members = [MemberFactory() for _ in range(3)]
        entries = [
            services.entry_sign(actor=m, chain=chain, message=f"line {i}", pledge=i)[0]
            for i, m in enumerate(members)
        ]
        assert [e.number for e in entries] == [1, 2, 3]
        chain.refresh_from_db()
        assert (chain.entry_count, chain.pledge_total) == (3, 3)
        assert_counters_true(chain)

    def test_signing_again_changes_the_members_line_and_keeps_their_number(self):
        chain, member = ChainFactory(), MemberFactory()
        first, created = services.entry_sign(actor=member, chain=chain, message="永不离开", pledge=1)
        again, created_again = services.entry_sign(
            actor=member, chain=chain, message="永不离开！！", pledge=3
        )
        assert created and not created_again
        assert again.pk == first.pk and again.number == 1 and again.edited_at is not None
        assert Entry.objects.count() == 1
        assert_counters_true(chain)

    def test_a_chain_without_a_pledge_takes_no_units(self):
        chain = ChainFactory(pledge_label="")
        with pytest.raises(ValidationFailed) as refused:
            services.entry_sign(actor=MemberFactory(), chain=chain, pledge=1)
        assert "pledge" in refused.value.errors and not Entry.objects.exists()

    @pytest.mark.parametrize(
        ("message", "pledge", "field"),
        [
            ("x" * 141, 0, "message"),
            ("a\x00", 0, "message"),
            ("bell\x07", 0, "message"),
            ("ok", 4, "pledge"),
            ("ok", -1, "pledge"),
            ("ok", "many", "pledge"),
            ("ok", 1.5, "pledge"),
            ("ok", True, "pledge"),
            (["list"], 0, "message"),
        ],
    )
    def test_bad_lines_change_nothing(self, message, pledge, field):
        chain = ChainFactory(pledge_max=3)
        with pytest.raises(ValidationFailed) as refused:
            services.entry_sign(actor=MemberFactory(), chain=chain, message=message, pledge=pledge)
        assert field in refused.value.errors
        assert not Entry.objects.exists()
        assert_counters_true(chain)

    def test_closed_or_expired_chains_take_no_lines(self):
        closed = ChainFactory(status=ChainStatus.CLOSED)
        expired = ChainFactory(closes_at=timezone.now() - timedelta(seconds=1))
        for chain in (closed, expired):
            with pytest.raises(Conflict):
                services.entry_sign(actor=MemberFactory(), chain=chain, message="late")
        assert not Entry.objects.exists()

    def test_a_hidden_chain_is_missing_to_members(self):
        hidden = ChainFactory(status=ChainStatus.HIDDEN)
        with pytest.raises(NotFound):
            services.entry_sign(actor=MemberFactory(), chain=hidden)

    def test_suspended_members_and_visitors_cannot_sign(self):
        from django.contrib.auth.models import AnonymousUser

        chain = ChainFactory()
        with pytest.raises(Forbidden):
            services.entry_sign(
                actor=MemberFactory(suspended_until=timezone.now() + timedelta(days=1)), chain=chain
            )
        with pytest.raises(Forbidden):
            services.entry_sign(actor=AnonymousUser(), chain=chain)

    def test_signing_is_rate_limited_per_member(self, settings):
        settings.CHAINS_SIGN_RATE = "2/m"
        chain, member = ChainFactory(), MemberFactory()
        services.entry_sign(actor=member, chain=chain, message="a")
        services.entry_sign(actor=member, chain=chain, message="b")
        with pytest.raises(RateLimited) as limited:
            services.entry_sign(actor=member, chain=chain, message="c")
        assert limited.value.retry_after >= 1
        assert Entry.objects.get().message == "b"


class TestWithdrawingAndModerating:
    def test_a_withdrawn_line_leaves_its_number_unused(self):
        chain = ChainFactory()
        a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
        for m in (a, b):
            services.entry_sign(actor=m, chain=chain, pledge=1)
        services.entry_withdraw(actor=a, chain=chain)
        third, _ = services.entry_sign(actor=c, chain=chain)
        assert third.number == 3
        assert list(Entry.objects.order_by("number").values_list("number", flat=True)) == [2, 3]
        assert_counters_true(chain)
        with pytest.raises(NotFound):
            services.entry_withdraw(actor=a, chain=chain)

    def test_a_moderator_hides_a_line_with_a_reason_and_it_stops_counting(self):
        from fanrepublic.core.models import AuditEntry

        chain, member = ChainFactory(), MemberFactory()
        entry, _ = services.entry_sign(actor=member, chain=chain, message="spam link", pledge=2)
        with pytest.raises(ValidationFailed):
            services.entry_hide(actor=operator(), entry=entry, reason=" ")
        with pytest.raises(NotFound):
            services.entry_hide(actor=MemberFactory(), entry=entry, reason="no")
        services.entry_hide(actor=operator(), entry=entry, reason="Advertising")
        services.entry_hide(actor=operator(), entry=entry, reason="twice")  # no double count
        assert_counters_true(chain)
        chain.refresh_from_db()
        assert (chain.entry_count, chain.pledge_total) == (0, 0)
        # the member's edit of a hidden line does not bring it back into the count
        services.entry_sign(actor=member, chain=chain, message="sorry", pledge=1)
        assert_counters_true(chain)
        services.entry_restore(actor=operator(), entry=entry)
        assert_counters_true(chain)
        chain.refresh_from_db()
        assert (chain.entry_count, chain.pledge_total) == (1, 1)
        assert (
            AuditEntry.objects.filter(action__in=["chains.entry.hidden", "chains.entry.restored"]).count()
            == 2
        )

    def test_the_starter_or_a_moderator_closes_the_chain(self):
        rule = BoardRuleFactory(min_trust_level=0)
        starter = MemberFactory()
        chain = services.chain_start(actor=starter, theme="Band 9 head count", board=rule.board)
        with pytest.raises(NotFound):
            services.chain_close(actor=MemberFactory(), chain=chain)
        assert services.chain_close(actor=starter, chain=chain).status == ChainStatus.CLOSED
        other = services.chain_start(actor=starter, theme="again", board=rule.board)
        assert services.chain_close(actor=operator(), chain=other).status == ChainStatus.CLOSED

    def test_a_hidden_chain_is_seen_only_by_its_starter_and_moderators(self):
        from fanrepublic.chains import selectors

        chain = ChainFactory(started_by=MemberFactory())
        services.chain_hide(actor=operator(), chain=chain, reason="Scam")
        for viewer in (chain.started_by, operator()):
            assert selectors.chain_get(viewer=viewer, slug=chain.slug) == chain
        with pytest.raises(NotFound):
            selectors.chain_get(viewer=MemberFactory(), slug=chain.slug)


def test_random_sequences_keep_the_counters_true():
    """Random signs, edits, withdrawals, hides and restores: after every step the counters
    equal an independent count of the lines."""
    import random

    rng = random.Random(13)
    chain = ChainFactory(pledge_max=3)
    members = [MemberFactory() for _ in range(6)]
    moderator = operator()
    for _ in range(80):
        member = rng.choice(members)
        action = rng.random()
        try:
            if action < 0.5:
                services.entry_sign(actor=member, chain=chain, message="x", pledge=rng.randint(0, 3))
            elif action < 0.65:
                services.entry_withdraw(actor=member, chain=chain)
            else:
                entry = Entry.objects.filter(chain=chain).order_by("?").first()
                if entry is None:
                    continue
                if action < 0.85:
                    services.entry_hide(actor=moderator, entry=entry, reason="r")
                else:
                    services.entry_restore(actor=moderator, entry=entry)
        except (NotFound, RateLimited, Conflict):  # Conflict: a hidden line is not withdrawn
            pass
        assert_counters_true(chain)
