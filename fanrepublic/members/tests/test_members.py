"""Members: trust levels from the event log, the contribution score, senior fans,
suspensions, roles and API tokens."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members import services
from fanrepublic.members.enums import StaffRole, TrustLevel
from fanrepublic.members.models import MemberStats, ReputationEntry, User
from fanrepublic.members.selectors import senior_fans
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator
from fanrepublic.members.trust import REQUIREMENTS, level_for
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def give_activity(member, *, days=0, reads=0, posts=0, likes_given=0, likes_received=0, accepted=0):
    other = MemberFactory()
    for d in range(days):
        services.visit_record(member=member, day=date(2026, 1, 1) + timedelta(days=d))
    for i in range(reads):
        record_event(verb="forum.topic.read", actor=member, idempotency_key=f"r:{member.pk}:{i}")
    for _ in range(posts):
        record_event(verb="forum.reply.created", actor=member, owner=other)
    for _ in range(likes_given):
        record_event(verb="forum.reply.liked", actor=member, owner=other)
    for _ in range(likes_received):
        record_event(verb="forum.reply.liked", actor=other, owner=member)
    for _ in range(accepted):
        record_event(verb="forum.topic.accepted", actor=other, owner=member)


def event_read_distinct(member, object_id):
    Event.objects.create(
        idempotency_key=f"dup:{member.pk}:{object_id}:{timezone.now().timestamp()}",
        verb="forum.topic.read",
        actor=member,
        object_type="forum.topic",
        object_id=str(object_id),
        channel="web",
        occurred_at=timezone.now(),
    )


class TestTrustLevels:
    def test_new_member_is_level_zero(self):
        member = MemberFactory()
        services.trust_levels_recompute(member_ids=[member.pk])
        member.refresh_from_db()
        assert member.trust_level == TrustLevel.NEW

    @pytest.mark.parametrize("level", [1, 2, 3, 4])
    def test_meeting_a_levels_requirements_reaches_it(self, level):
        req = REQUIREMENTS[level]
        member = MemberFactory()
        for i in range(req.topics_read):
            event_read_distinct(member, i)
        give_activity(
            member,
            days=req.days_visited,
            posts=req.posts,
            likes_given=req.likes_given,
            likes_received=req.likes_received,
            accepted=req.suggestions_accepted,
        )
        services.trust_levels_recompute(member_ids=[member.pk])
        member.refresh_from_db()
        assert member.trust_level == level
        assert Event.objects.filter(verb="member.trust_level.changed", owner=member).exists()

    def test_reading_the_same_topic_twice_counts_once(self):
        member = MemberFactory()
        event_read_distinct(member, 1)
        event_read_distinct(member, 1)
        stats = services.member_stats_compute(member_ids=[member.pk])[member.pk]
        assert stats.topics_read == 1

    def test_withdrawn_likes_do_not_count(self):
        member, other = MemberFactory(), MemberFactory()
        record_event(verb="forum.reply.liked", actor=other, owner=member)
        record_event(verb="forum.reply.unliked", actor=other, owner=member)
        stats = services.member_stats_compute(member_ids=[member.pk])[member.pk]
        assert stats.likes_received == 0

    def test_one_missing_requirement_keeps_the_lower_level(self):
        req = REQUIREMENTS[TrustLevel.MEMBER]
        stats = MemberStats(
            days_visited=req.days_visited,
            topics_read=req.topics_read,
            topics_created=0,
            replies_created=req.posts,
            likes_given=req.likes_given,
            likes_received=0,
        )
        assert level_for(stats) == TrustLevel.BASIC

    def test_locked_level_survives_recomputation(self):
        member = MemberFactory()
        services.trust_level_set(actor=operator(), member=member, level=3, reason="known expert")
        services.trust_levels_recompute()
        member.refresh_from_db()
        assert member.trust_level == 3
        assert AuditEntry.objects.filter(action="member.trust_level.set").exists()

    def test_only_operators_set_levels(self):
        with pytest.raises(Forbidden):
            services.trust_level_set(actor=engineer(), member=MemberFactory(), level=4, reason="x")
        with pytest.raises(ValidationFailed):
            services.trust_level_set(actor=operator(), member=MemberFactory(), level=7, reason="x")

    def test_visits_count_once_a_day(self):
        member = MemberFactory()
        assert services.visit_record(member=member, day=date(2026, 5, 1))
        assert not services.visit_record(member=member, day=date(2026, 5, 1))
        assert Event.objects.filter(verb="member.visited", actor=member).count() == 1

    def test_periodic_task_recomputes_everyone(self):
        from fanrepublic.members.tasks import recompute_all_trust_levels

        member = MemberFactory()
        for i in range(REQUIREMENTS[1].topics_read):
            event_read_distinct(member, i)
        give_activity(member, days=REQUIREMENTS[1].days_visited)
        assert recompute_all_trust_levels.delay().get() >= 1
        member.refresh_from_db()
        assert member.trust_level == 1


class TestSeniorFans:
    def test_selects_by_level_excluding_staff_suspended_and_inactive(self):
        phone = ProductLineFactory()
        senior = MemberFactory(trust_level=3)
        senior.products_owned.add(phone)
        leader = MemberFactory(trust_level=4)
        MemberFactory(trust_level=2)
        MemberFactory(trust_level=4, is_active=False)
        MemberFactory(trust_level=4, suspended_until=timezone.now() + timedelta(days=3))
        staff = engineer()
        User.objects.filter(pk=staff.pk).update(trust_level=4)
        assert set(senior_fans()) == {senior, leader}
        assert set(senior_fans(min_level=4)) == {leader}
        assert set(senior_fans(product_line=phone)) == {senior}
        assert staff in set(senior_fans(exclude_staff=False))


class TestReputation:
    def test_score_comes_from_others_and_counts_each_event_once(self):
        member, fan = MemberFactory(), MemberFactory()
        event, _ = record_event(verb="forum.reply.liked", actor=fan, owner=member)
        services.reputation_apply_event(event=event)
        services.reputation_apply_event(event=event)
        member.refresh_from_db()
        assert member.reputation == 1 and ReputationEntry.objects.filter(member=member).count() == 1

    def test_own_actions_score_nothing(self):
        member = MemberFactory()
        event, _ = record_event(verb="forum.topic.voted", actor=member, owner=member)
        assert services.reputation_apply_event(event=event) is None

    def test_valid_bug_report_rule_is_ready_for_the_bounty(self):
        member = MemberFactory()
        event, _ = record_event(verb="bounty.report.valid", actor=operator(), owner=member)
        services.reputation_apply_event(event=event)
        member.refresh_from_db()
        assert member.reputation == 15


class TestSuspension:
    def test_operator_suspends_and_lifts_with_audit(self):
        member, op = MemberFactory(), operator()
        services.member_suspend(
            actor=op, member=member, until=timezone.now() + timedelta(days=7), reason="spam"
        )
        member.refresh_from_db()
        assert member.is_suspended
        services.member_suspend(actor=op, member=member, until=None, reason="appeal accepted")
        member.refresh_from_db()
        assert not member.is_suspended
        assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
            "member.suspended",
            "member.unsuspended",
        ]

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_others_cannot_suspend(self, make):
        with pytest.raises(Forbidden):
            services.member_suspend(actor=make(), member=MemberFactory(), until=None, reason="x")

    def test_bad_suspensions(self):
        op = operator()
        with pytest.raises(ValidationFailed):
            services.member_suspend(actor=op, member=op, until=None, reason="x")
        with pytest.raises(ValidationFailed):
            services.member_suspend(
                actor=op, member=MemberFactory(), until=timezone.now() - timedelta(days=1), reason="x"
            )
        with pytest.raises(ValidationFailed):
            services.member_suspend(actor=op, member=MemberFactory(), until=None, reason=" ")


class TestRoles:
    def test_founder_grants_a_role_and_the_label_follows(self):
        member = MemberFactory()
        services.role_assign(actor=founder(), member=member, role=StaffRole.ENGINEER, granted=True)
        member = User.objects.get(pk=member.pk)
        assert member.staff_role == "engineer"
        assert AuditEntry.objects.filter(action="member.role.granted").exists()

    @pytest.mark.parametrize("make", [MemberFactory, engineer, operator])
    def test_only_founders_grant_roles(self, make):
        with pytest.raises(Forbidden):
            services.role_assign(actor=make(), member=MemberFactory(), role="engineer", granted=True)

    def test_label_priority(self):
        member = MemberFactory(role=StaffRole.OPERATOR)
        services.role_assign(actor=founder(), member=member, role=StaffRole.FOUNDER, granted=True)
        assert User.objects.get(pk=member.pk).staff_role == "founder"


class TestTokens:
    def test_create_authenticate_revoke(self):
        member = MemberFactory()
        token, secret = services.api_token_create(owner=member, name="script", scopes=["read", "write"])
        assert secret.startswith("fr_") and token.key_hash != secret
        assert services.api_token_authenticate(secret=secret).owner == member
        services.api_token_revoke(owner=member, token_id=token.pk)
        assert services.api_token_authenticate(secret=secret) is None

    def test_bad_tokens(self):
        member = MemberFactory()
        with pytest.raises(ValidationFailed):
            services.api_token_create(owner=member, name="", scopes=["read"])
        with pytest.raises(ValidationFailed):
            services.api_token_create(owner=member, name="x", scopes=["root"])
        with pytest.raises(Forbidden):
            services.api_token_create(owner=member, name="x", scopes=["events:ingest"])
        assert services.api_token_authenticate(secret="fr_nonsense") is None
        assert services.api_token_authenticate(secret="") is None

    def test_cannot_revoke_someone_elses_token(self):
        token, _ = services.api_token_create(owner=MemberFactory(), name="x", scopes=["read"])
        with pytest.raises(NotFound):
            services.api_token_revoke(owner=MemberFactory(), token_id=token.pk)
