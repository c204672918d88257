"""The release train, given/when/then: plan on the cadence, add items until the freeze,
publish once — topics ship, authors and voters hear of it, contributors are paid once."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum import services as forum
from fanrepublic.forum.enums import TopicStatus
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, store_manager
from fanrepublic.notifications.models import Notification
from fanrepublic.points import services as points
from fanrepublic.points.tests.factories import EarningRuleFactory
from fanrepublic.releases import selectors, services
from fanrepublic.releases.enums import ReleaseStatus
from fanrepublic.releases.models import Release, ReleaseItem
from fanrepublic.releases.tests.factories import ReleaseCadenceFactory, ReleaseFactory, ReleaseItemFactory

pytestmark = pytest.mark.django_db


def suggestion(board=None, author=None, title="Game do-not-disturb mode"):
    return forum.topic_create(
        author=author or MemberFactory(),
        board=board or BoardFactory(),
        kind="suggestion",
        title=title,
        body="Please",
    )


def planned(board, actor=None):
    return services.release_create(
        actor=actor or engineer(), product_line=board.product_line, version="2.1.3"
    )


class TestCadence:
    def test_the_next_release_is_the_coming_friday_unless_its_freeze_has_passed(self):
        board = BoardFactory()
        # Friday 27 November 2026 at 10:00 freezes 48 hours before: Wednesday at 10:00.
        wednesday_morning = timezone.make_aware(datetime(2026, 11, 25, 9, 0))
        wednesday_noon = timezone.make_aware(datetime(2026, 11, 25, 12, 0))
        assert services.next_release_date(board.product_line, now=wednesday_morning) == date(2026, 11, 27)
        assert services.next_release_date(board.product_line, now=wednesday_noon) == date(2026, 12, 4)

    def test_a_product_can_ship_on_another_day_with_its_own_freeze(self):
        cadence = ReleaseCadenceFactory(weekday=1, publish_hour=9, freeze_hours=24)
        wednesday = timezone.make_aware(datetime(2026, 11, 25, 12, 0))
        assert services.next_release_date(cadence.product_line, now=wednesday) == date(2026, 12, 1)
        freeze = timezone.localtime(services.freeze_time(cadence.product_line, date(2026, 12, 1)))
        assert (freeze.date(), freeze.hour) == (date(2026, 11, 30), 9)

    def test_a_release_is_planned_on_the_cadence_and_audited(self):
        board, eng = BoardFactory(), engineer()
        release = planned(board, eng)
        assert release.planned_for == services.next_release_date(board.product_line)
        assert release.status == ReleaseStatus.PLANNED
        assert AuditEntry.objects.filter(action="releases.release.created", actor=eng).exists()


class TestPlanningRules:
    @pytest.mark.parametrize("role", [None, store_manager])
    def test_only_engineers_operators_and_the_founder_plan(self, role):
        board = BoardFactory()
        with pytest.raises(Forbidden):
            planned(board, role() if role else MemberFactory())
        assert not Release.objects.exists()

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"version": ""},
            {"version": "2.1 beta"},
            {"version": "x" * 41},
            {"channel": "nightly"},
            {"planned_for": date(2020, 1, 3)},
        ],
    )
    def test_bad_release_input_changes_nothing(self, kwargs):
        board = BoardFactory()
        with pytest.raises(ValidationFailed):
            services.release_create(
                actor=engineer(), product_line=board.product_line, **{"version": "2.1.3", **kwargs}
            )
        assert not Release.objects.exists()

    def test_a_version_exists_once_per_product_and_channel(self):
        board = BoardFactory()
        planned(board)
        with pytest.raises(ValidationFailed):
            planned(board)
        services.release_create(
            actor=engineer(), product_line=board.product_line, version="2.1.3", channel="developer"
        )
        assert Release.objects.count() == 2

    def test_adding_a_suggestion_credits_its_author_and_plans_the_topic(self, on_commit):
        board = BoardFactory()
        topic = suggestion(board)
        release = planned(board)
        with on_commit():
            item = services.release_item_add(
                actor=engineer(), release=release, source="suggestion", topic=topic
            )
        topic.refresh_from_db()
        assert item.contributor == topic.author and item.title == topic.title and item.user_contributed
        assert topic.status == TopicStatus.PLANNED
        assert Notification.objects.filter(recipient=topic.author, kind="status").exists()

    @pytest.mark.parametrize(
        "source, kwargs, field",
        [
            ("suggestion", {}, "topic"),
            ("bug_report", {"topic": "suggestion"}, "topic"),
            ("outside", {"title": "Faster boot"}, "contributor"),
            ("outside", {"title": "Faster boot", "contributor": "member"}, "outside_url"),
            ("internal", {"title": ""}, "title"),
            ("internal", {"title": "x" * 201}, "title"),
            ("rumour", {"title": "x"}, "source"),
        ],
    )
    def test_bad_item_input_changes_nothing(self, source, kwargs, field):
        board = BoardFactory()
        release = planned(board)
        if kwargs.get("topic") == "suggestion":
            kwargs["topic"] = suggestion(board)
        if kwargs.get("contributor") == "member":
            kwargs["contributor"] = MemberFactory()
        with pytest.raises(ValidationFailed) as exc:
            services.release_item_add(actor=engineer(), release=release, source=source, **kwargs)
        assert field in exc.value.errors
        assert not ReleaseItem.objects.exists()

    def test_a_topic_is_in_a_release_once_and_never_ships_twice(self):
        board = BoardFactory()
        topic = suggestion(board)
        release = planned(board)
        services.release_item_add(actor=engineer(), release=release, source="suggestion", topic=topic)
        with pytest.raises(ValidationFailed):
            services.release_item_add(actor=engineer(), release=release, source="suggestion", topic=topic)
        services.release_publish(actor=engineer(), release=release)
        later = services.release_create(actor=engineer(), product_line=board.product_line, version="2.1.4")
        with pytest.raises(ValidationFailed) as exc:
            services.release_item_add(actor=engineer(), release=later, source="suggestion", topic=topic)
        assert "already shipped" in str(exc.value.errors["topic"])

    def test_nothing_is_added_or_removed_after_the_freeze(self):
        release = ReleaseFactory(freeze_at=timezone.now() - timedelta(minutes=1))
        item = ReleaseItemFactory(release=release)
        with pytest.raises(Conflict):
            services.release_item_add(actor=engineer(), release=release, source="internal", title="Late")
        with pytest.raises(Conflict):
            services.release_item_remove(actor=engineer(), item=item)
        assert release.items.count() == 1


class TestPublishing:
    def test_publishing_ships_topics_notifies_author_and_voters_and_pays_once(self, on_commit):
        EarningRuleFactory(
            verb="releases.item.shipped", match_properties={"source": "suggestion"}, points=1000
        )
        board = BoardFactory()
        author, voter = MemberFactory(), MemberFactory()
        topic = suggestion(board, author=author)
        forum.vote_set(member=voter, topic=topic, voted=True)
        contributor = MemberFactory()
        eng = engineer()
        release = planned(board, eng)
        services.release_item_add(actor=eng, release=release, source="suggestion", topic=topic)
        services.release_item_add(
            actor=eng,
            release=release,
            source="outside",
            title="Faster boot",
            contributor=contributor,
            outside_url="https://github.com/orange/os/pull/7",
        )
        services.release_item_add(actor=eng, release=release, source="internal", title="Security patch")
        with on_commit():
            services.release_publish(actor=eng, release=release)
        topic.refresh_from_db()
        release.refresh_from_db()
        assert topic.status == TopicStatus.SHIPPED and release.status == ReleaseStatus.PUBLISHED
        assert "2.1.3" in topic.status_changes.latest("created_at").note_html
        for member in (author, voter):
            assert Notification.objects.filter(
                recipient=member, kind="status", params__status="shipped"
            ).exists()
        assert Notification.objects.filter(recipient=contributor, kind="release").exists()
        assert points.wallet_for(author).balance_minor == 1000
        assert points.wallet_for(contributor).balance_minor == 0  # the rule pays suggestions only
        assert AuditEntry.objects.filter(action="releases.release.published").count() == 1
        with pytest.raises(Conflict), on_commit():
            services.release_publish(actor=eng, release=release)
        assert points.wallet_for(author).balance_minor == 1000

    def test_an_empty_release_is_not_published(self):
        release = ReleaseFactory()
        with pytest.raises(ValidationFailed):
            services.release_publish(actor=engineer(), release=release)
        release.refresh_from_db()
        assert release.status == ReleaseStatus.PLANNED

    def test_members_cannot_publish(self):
        item = ReleaseItemFactory()
        with pytest.raises(Forbidden):
            services.release_publish(actor=MemberFactory(), release=item.release)


class TestMetrics:
    def test_share_lead_time_and_answer_rate(self, on_commit):
        board = BoardFactory()
        eng = operator()
        now = timezone.now()
        fast, slow = suggestion(board, title="Fast idea"), suggestion(board, title="Slow idea")
        fast_created, slow_created = now - timedelta(days=9), now - timedelta(days=30)
        type(fast).objects.filter(pk=fast.pk).update(
            created_at=fast_created, first_staff_response_at=fast_created + timedelta(days=1)
        )
        type(slow).objects.filter(pk=slow.pk).update(created_at=slow_created)  # never answered
        fast.refresh_from_db()
        slow.refresh_from_db()
        release = planned(board, eng)
        services.release_item_add(actor=eng, release=release, source="suggestion", topic=fast)
        services.release_item_add(actor=eng, release=release, source="suggestion", topic=slow)
        for n in range(2):
            services.release_item_add(actor=eng, release=release, source="internal", title=f"Internal {n}")
        services.release_publish(actor=eng, release=release, now=now)
        m = selectors.release_metrics(product_line=board.product_line)
        assert m.user_share == 50.0 and m.releases[0]["share"] == 50.0
        assert m.lead_days_median == 19.5 and m.fastest[0]["topic"] == fast and m.fastest[0]["days"] == 9.0
        # The status changes above answered both after the fact: "fast" in a day, "slow"
        # a month late.
        assert m.answerable_suggestions == 2 and m.answered_within_target == 50.0

    def test_a_product_without_releases_has_no_figures(self):
        m = selectors.release_metrics(product_line=BoardFactory().product_line)
        assert m.user_share is None and m.lead_days_median is None and m.fastest == []
