"""Concurrency claims proven with real concurrent connections on PostgreSQL: counters
never drift, a member counts once, one engineer is first, one claim wins. (Replayed
event batches: activity/tests/test_ingestion.py.)"""

import threading

import pytest
from django.db import close_old_connections, connection

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict
from fanrepublic.forum import services
from fanrepublic.forum.models import Like, Vote
from fanrepublic.forum.tests.factories import ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def run_concurrently(fn, args_list):
    """Start every call at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(args_list))
    results, errors = [], []

    def worker(args):
        try:
            barrier.wait()
            results.append(fn(*args))
        except Exception as exc:  # collected for the assertions
            errors.append(exc)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_same_member_liking_many_times_at_once_counts_once():
    reply = ReplyFactory()
    fan = MemberFactory()
    results, errors = run_concurrently(
        lambda: services.like_set(member=fan, target=reply, liked=True), [()] * THREADS
    )
    assert errors == [] and results.count(True) == 1
    reply.refresh_from_db()
    assert reply.like_count == 1 == Like.objects.filter(reply=reply).count()


def test_many_members_voting_at_once_keep_the_count_exact():
    topic = TopicFactory(vote_count=0)
    fans = [MemberFactory() for _ in range(THREADS)]
    _, errors = run_concurrently(
        lambda m: services.vote_set(member=m, topic=topic, voted=True), [(f,) for f in fans]
    )
    assert errors == []
    topic.refresh_from_db()
    assert topic.vote_count == THREADS == Vote.objects.filter(topic=topic).count()


def test_vote_and_unvote_races_never_go_negative():
    topic = TopicFactory(vote_count=0)
    fan = MemberFactory()
    calls = [(True,), (False,)] * (THREADS // 2)
    run_concurrently(lambda voted: services.vote_set(member=fan, topic=topic, voted=voted), calls)
    topic.refresh_from_db()
    assert topic.vote_count == Vote.objects.filter(topic=topic).count() >= 0


def test_only_one_engineer_is_the_first_responder():
    topic = TopicFactory()
    engineers = [engineer() for _ in range(4)]
    _, errors = run_concurrently(
        lambda e: services.reply_create(author=e, topic=topic, body="on it"), [(e,) for e in engineers]
    )
    assert errors == []
    topic.refresh_from_db()
    assert topic.reply_count == 4
    assert Event.objects.filter(verb="forum.topic.first_response", object_id=str(topic.pk)).count() == 1
    assert topic.first_staff_responder in engineers


def test_one_claim_wins():
    topic = TopicFactory()
    engineers = [engineer() for _ in range(4)]
    results, errors = run_concurrently(
        lambda e: services.topic_claim(engineer=e, topic=topic), [(e,) for e in engineers]
    )
    assert len(results) == 1 and len(errors) == 3 and all(isinstance(e, Conflict) for e in errors)
