"""Reads: search in Chinese and English, the engineer desk queue, response metrics."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fanrepublic.forum import selectors
from fanrepublic.forum.tests.factories import BoardFactory, ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator

pytestmark = pytest.mark.django_db


def titles(qs):
    return sorted(t.title for t in qs)


class TestSearch:
    @pytest.fixture
    def topics(self):
        return {
            "charge": TopicFactory(title="手机充电速度变慢", body="升级系统以后无线充电很慢"),
            "camera": TopicFactory(title="Camera night mode is too dark", body="Photos at night are noisy"),
            "dnd": TopicFactory(title="游戏免打扰模式", body="打游戏的时候来电很烦"),
            "mixed": TopicFactory(title="SU7 冬季续航 winter range", body="零下十度续航掉得厉害"),
        }

    @pytest.mark.parametrize(
        "query,expected",
        [
            ("充电", ["手机充电速度变慢"]),
            ("无线充电", ["手机充电速度变慢"]),
            ("免打扰", ["游戏免打扰模式"]),
            ("night", ["Camera night mode is too dark"]),
            ("NIGHT MODE", ["Camera night mode is too dark"]),
            ("续航", ["SU7 冬季续航 winter range"]),
            ("winter 续航", ["SU7 冬季续航 winter range"]),
            ("冰箱", []),
        ],
    )
    def test_chinese_and_english_words(self, topics, query, expected):
        assert titles(selectors.topic_list(viewer=MemberFactory(), query=query)) == expected

    def test_partial_words_do_not_match(self, topics):
        assert titles(selectors.topic_list(viewer=MemberFactory(), query="nigh")) == []

    def test_replies_are_searched_too(self, topics):
        ReplyFactory(topic=topics["camera"], body="试试专业模式的长曝光")
        assert titles(selectors.topic_list(viewer=MemberFactory(), query="长曝光")) == [
            topics["camera"].title
        ]

    def test_hidden_content_is_not_found_by_members(self, topics):
        ReplyFactory(topic=topics["camera"], body="秘密的隐藏回复", is_hidden=True)
        TopicFactory(title="隐藏的主题 secret", is_hidden=True)
        assert titles(selectors.topic_list(viewer=MemberFactory(), query="隐藏")) == []
        assert len(titles(selectors.topic_list(viewer=operator(), query="隐藏"))) == 2

    def test_symbols_only_find_nothing(self, topics):
        assert list(selectors.topic_list(viewer=MemberFactory(), query="!!! ''' & |")) == []


class TestDeskQueue:
    def test_oldest_first_then_votes_and_filters(self):
        now = timezone.now()
        board, other = BoardFactory(), BoardFactory()
        old = TopicFactory(board=board, created_at=now - timedelta(days=5), vote_count=1)
        popular = TopicFactory(board=board, created_at=now - timedelta(days=1), vote_count=50)
        bug = TopicFactory(board=other, kind="bug", created_at=now - timedelta(days=3))
        TopicFactory(board=board, kind="discussion")
        TopicFactory(board=board, first_staff_response_at=now)
        TopicFactory(board=board, is_hidden=True)
        assert list(selectors.desk_queue()) == [old, bug, popular]
        assert list(selectors.desk_queue(sort="votes")) == [popular, old, bug]
        assert list(selectors.desk_queue(board=other)) == [bug]
        assert list(selectors.desk_queue(kind="bug")) == [bug]
        eng = engineer()
        old.claimed_by = eng
        old.save()
        assert list(selectors.desk_queue(claim="mine", engineer=eng)) == [old]
        assert old not in selectors.desk_queue(claim="unclaimed")

    def test_engineer_today(self):
        eng = engineer(daily_reply_target=4)
        ReplyFactory.create_batch(2, author=eng, author_role="engineer")
        ReplyFactory(author=eng, created_at=timezone.now() - timedelta(days=2))
        today = selectors.engineer_today(engineer=eng)
        assert today.replies_today == 2 and today.percent == 50


class TestResponseMetrics:
    def test_median_p90_share_and_overdue(self):
        tz = timezone.get_current_timezone()
        day = date(2026, 11, 2)
        base = datetime(2026, 11, 2, 9, 0, tzinfo=tz)
        hours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 200]  # one answered after the 7-day target
        eng = engineer()
        for h in hours:
            t = TopicFactory(created_at=base)
            t.first_staff_response_at = base + timedelta(hours=h)
            t.first_staff_responder = eng
            t.save()
        TopicFactory(created_at=base)  # never answered and older than 7 days: overdue
        TopicFactory(created_at=base, kind="discussion")  # not answerable: ignored
        ReplyFactory(author=eng, author_role="engineer", created_at=base + timedelta(hours=1))
        m = selectors.response_metrics(start=day, end=day + timedelta(days=1))
        assert m.topics == 11 and m.answered == 10
        assert m.median_hours == 5.5
        assert m.p90_hours == pytest.approx(28.1, abs=0.1)
        assert m.judged == 11 and m.within_target_share == round(9 / 11, 3)
        assert m.overdue == 1
        assert m.per_engineer[0]["engineer"] == eng.public_name and m.per_engineer[0]["total"] == 1
        assert m.daily[0]["staff_replies"] == 1 and m.daily[1]["topics"] == 0

    def test_young_unanswered_topics_are_not_judged_yet(self):
        TopicFactory()
        today = timezone.localdate()
        m = selectors.response_metrics(start=today, end=today)
        assert m.judged == 0 and m.within_target_share is None and m.overdue == 0
