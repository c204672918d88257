from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.launches import avatars, ballot_queue, live, selectors, services
from fanrepublic.launches.enums import EventStatus, QuestionStatus
from fanrepublic.launches.errors import HallPassInvalid
from fanrepublic.launches.models import Attendance, Avatar, LiveBallot
from fanrepublic.launches.tests.factories import (
    LaunchEventFactory,
    LiveQuestionFactory,
    open_question,
    settle,
)
from fanrepublic.members.tests.factories import MemberFactory, operator

pytestmark = pytest.mark.django_db


def joined(event, **kwargs):
    member = MemberFactory(**kwargs)
    services.join(member=member, event=event)
    return member


def options(question):
    return list(question.options.values_list("pk", flat=True))


def test_a_member_who_joined_answers_once_and_the_count_moves(on_commit):
    question = open_question()
    member = joined(question.event)
    yes, no = options(question)
    with on_commit():
        services.cast_as_member(member=member, event=question.event, question_id=question.pk, option_id=yes)
    assert selectors.question_counts(question) == {yes: 1, no: 0}
    with pytest.raises(Conflict) as exc:
        services.cast_as_member(member=member, event=question.event, question_id=question.pk, option_id=no)
    assert exc.value.code == "already_voted"
    settle()
    assert LiveBallot.objects.filter(question=question).count() == 1
    assert selectors.question_counts(question) == {yes: 1, no: 0}


def test_members_must_join_before_answering_and_joining_checks_eligibility():
    question = open_question(event=LaunchEventFactory(min_trust_level=2))
    newcomer = MemberFactory(trust_level=0)
    yes = options(question)[0]
    with pytest.raises(Forbidden, match="Join the hall"):
        services.cast_as_member(member=newcomer, event=question.event, question_id=question.pk, option_id=yes)
    with pytest.raises(Forbidden, match="trust level 2"):
        services.join(member=newcomer, event=question.event)
    suspended = MemberFactory(trust_level=3, suspended_until=timezone.now() + timedelta(days=1))
    with pytest.raises(Forbidden, match="suspended"):
        services.join(member=suspended, event=question.event)
    assert not Attendance.objects.exists() and not LiveBallot.objects.exists()


def test_joining_twice_is_one_seat_and_gives_the_member_a_generated_avatar():
    event = LaunchEventFactory()
    member = MemberFactory(username="lin_fan")
    services.join(member=member, event=event)
    services.join(member=member, event=event)
    assert Attendance.objects.filter(event=event).count() == 1
    saved = Avatar.objects.get(member=member)
    drawn = avatars.generated(member)
    assert (saved.hue, saved.shape, saved.eyes, saved.accessory) == (
        drawn.hue,
        drawn.shape,
        drawn.eyes,
        drawn.accessory,
    )


def test_an_ended_event_takes_no_one():
    event = LaunchEventFactory(status=EventStatus.ENDED)
    with pytest.raises(Conflict):
        services.join(member=MemberFactory(), event=event)


@pytest.mark.parametrize(
    "status, refusal", [(QuestionStatus.DRAFT, NotFound), (QuestionStatus.CLOSED, Conflict)]
)
def test_a_question_that_is_not_open_takes_no_answer(status, refusal):
    # (a draft is the host's surprise: to a member it is as missing)
    question = LiveQuestionFactory(status=status)
    member = joined(question.event)
    with pytest.raises(refusal):
        services.cast(
            member_id=member.pk,
            event_id=question.event_id,
            question_id=question.pk,
            option_id=options(question)[0],
        )
    assert not LiveBallot.objects.exists()


def test_an_option_of_another_question_or_rubbish_is_refused():
    question = open_question()
    other = LiveQuestionFactory(event=question.event)
    member = joined(question.event)
    for option in (options(other)[0], "abc", None, "", 10**12):
        with pytest.raises(ValidationFailed):
            services.cast(
                member_id=member.pk, event_id=question.event_id, question_id=question.pk, option_id=option
            )
    assert not LiveBallot.objects.exists()


def test_a_question_of_another_event_is_not_found():
    question = open_question()
    elsewhere = LaunchEventFactory()
    member = joined(elsewhere)
    with pytest.raises(NotFound):
        services.cast(
            member_id=member.pk,
            event_id=elsewhere.pk,
            question_id=question.pk,
            option_id=options(question)[0],
        )
    assert not LiveBallot.objects.exists()


def test_a_hall_pass_names_one_member_for_one_event():
    event, other = LaunchEventFactory(), LaunchEventFactory()
    token = services.hall_pass(42, event)
    assert services.read_pass(token, event.pk) == 42
    for bad in (token + "x", "", "42", services.hall_pass(42, other)):
        with pytest.raises(HallPassInvalid):
            services.read_pass(bad, event.pk)
    with pytest.raises(HallPassInvalid):
        services.read_pass(token, event.pk, max_age=timedelta(seconds=-1))
    assert HallPassInvalid.status == 401


def test_only_the_host_or_operators_run_the_event():
    event = LaunchEventFactory(status=EventStatus.SCHEDULED)
    question = LiveQuestionFactory(event=event)
    member = MemberFactory()
    for action in (
        lambda: services.event_start(actor=member, event=event),
        lambda: services.event_end(actor=member, event=event),
        lambda: services.question_open(actor=member, question=question),
        lambda: services.question_add(
            actor=member, event=event, prompt="Q", options=[{"label": "a"}, {"label": "b"}]
        ),
    ):
        with pytest.raises(NotFound):
            action()
    services.event_start(actor=operator(), event=event)
    services.question_open(actor=event.host, question=question)
    event.refresh_from_db()
    question.refresh_from_db()
    assert (event.status, question.status) == (EventStatus.LIVE, QuestionStatus.OPEN)
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "launches.event.started",
        "launches.question.opened",
    }


def test_questions_open_one_at_a_time_only_while_live_and_only_once():
    event = LaunchEventFactory(status=EventStatus.SCHEDULED)
    first, second = LiveQuestionFactory(event=event), LiveQuestionFactory(event=event)
    with pytest.raises(Conflict, match="Start the event"):
        services.question_open(actor=event.host, question=first)
    services.event_start(actor=event.host, event=event)
    services.question_open(actor=event.host, question=first)
    with pytest.raises(Conflict, match="Close the open question"):
        services.question_open(actor=event.host, question=second)
    services.question_close(actor=event.host, question=first)
    with pytest.raises(Conflict):
        services.question_open(actor=event.host, question=first)
    with pytest.raises(Conflict):
        services.question_close(actor=event.host, question=first)
    services.question_open(actor=event.host, question=second)


def test_closing_stores_the_exact_count_and_ending_closes_the_open_question(on_commit):
    question = open_question()
    event = question.event
    yes, no = options(question)
    with on_commit():
        for n in range(5):
            member = joined(event)
            services.cast(
                member_id=member.pk,
                event_id=event.pk,
                question_id=question.pk,
                option_id=yes if n < 3 else no,
            )
    # The running counters are a display; the closing count comes from the ballots.
    cache.clear()
    closed = services.question_close(actor=event.host, question=question)
    assert closed.result == {"counts": {str(yes): 3, str(no): 2}, "total": 5}
    assert AuditEntry.objects.get(action="launches.question.closed").data == closed.result
    second = open_question(event=event)
    services.event_end(actor=event.host, event=event)
    second.refresh_from_db()
    assert second.status == QuestionStatus.CLOSED and second.result["total"] == 0


def test_running_counts_are_rebuilt_from_the_ballots_when_the_cache_loses_them(on_commit):
    question = open_question()
    yes, no = options(question)
    with on_commit():
        for option in (yes, yes, no):
            member = joined(question.event)
            services.cast(
                member_id=member.pk, event_id=question.event_id, question_id=question.pk, option_id=option
            )
    cache.clear()
    assert live.running_counts(question.pk, [yes, no]) == {yes: 2, no: 1}
    with on_commit():
        member = joined(question.event)
        cache.clear()
        services.cast(member_id=member.pk, event_id=question.event_id, question_id=question.pk, option_id=no)
    assert live.running_counts(question.pk, [yes, no]) == {yes: 2, no: 2}


def test_adding_a_question_needs_words_and_two_to_twelve_options():
    event = LaunchEventFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.question_add(actor=event.host, event=event, prompt=" ", options=[{"label": "only"}])
    assert set(exc.value.errors) == {"prompt", "options"}
    with pytest.raises(ValidationFailed):
        services.question_add(
            actor=event.host, event=event, prompt="Q", options=[{"label": str(n)} for n in range(13)]
        )
    question = services.question_add(
        actor=event.host,
        event=event,
        prompt="Colour?",
        prompt_zh="颜色？",
        options=[{"label": "Orange", "label_zh": "橙"}, {"label": "Black"}, {"label": "  "}],
    )
    assert [o.label for o in question.options.all()] == ["Orange", "Black"]
    assert question.status == QuestionStatus.DRAFT


def test_creating_an_event_checks_times_and_slug():
    actor = operator()
    start = timezone.now() + timedelta(days=1)
    fields = {
        "slug": "phone-3",
        "title": "Phone 3",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    }
    with pytest.raises(Forbidden):
        services.event_create(actor=MemberFactory(), **fields)
    with pytest.raises(ValidationFailed):
        services.event_create(actor=actor, **{**fields, "ends_at": start})
    event = services.event_create(
        actor=actor, schedule=[{"starts_at": start, "title": "Opening", "title_zh": "开场"}], **fields
    )
    assert event.host == actor and event.schedule.get().title_zh == "开场"
    with pytest.raises(ValidationFailed, match="slug"):
        services.event_create(actor=actor, **fields)


def test_avatar_update_accepts_only_offered_values():
    member = MemberFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.avatar_update(member=member, hue=360, shape="star", eyes="dots", accessory="sword")
    assert set(exc.value.errors) == {"hue", "shape", "accessory"}
    assert not Avatar.objects.exists()
    services.avatar_update(member=member, hue=10, shape="hexagon", eyes="wink", accessory="crown")
    svg = str(avatars.member_svg(member))
    assert "hsl(10," in svg and "polygon" in svg and member.public_name in svg


def test_the_batch_path_skips_second_answers_ineligible_members_and_unknown_options(on_commit):
    with on_commit():
        question = open_question(event=LaunchEventFactory(min_trust_level=1))
    yes, no = options(question)
    members = [MemberFactory(trust_level=1) for _ in range(4)]
    newcomer = MemberFactory(trust_level=0)
    with on_commit():
        services.cast(
            member_id=members[0].pk, event_id=question.event_id, question_id=question.pk, option_id=no
        )
        stored = services.cast_batch(
            event=question.event,
            question_id=question.pk,
            ballots=[(members[0].pk, yes), (members[1].pk, yes), (members[2].pk, no), (members[3].pk, 999999)]
            + [(newcomer.pk, yes)],
        )
    assert stored == 2
    assert selectors.question_counts(question) == {yes: 1, no: 2}
    settle()
    assert LiveBallot.objects.filter(question=question).count() == 3


def test_the_batch_path_refuses_a_closed_question():
    question = LiveQuestionFactory(status=QuestionStatus.CLOSED)
    with pytest.raises(Conflict):
        services.cast_batch(event=question.event, question_id=question.pk, ballots=[(MemberFactory().pk, 1)])


def test_nobody_changes_an_answer_in_the_database():
    question = open_question()
    member = joined(question.event)
    yes, no = options(question)
    services.cast(member_id=member.pk, event_id=question.event_id, question_id=question.pk, option_id=yes)
    settle()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        LiveBallot.objects.filter(question=question).update(option_id=no)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            LiveBallot.objects.filter(question=question)._raw_delete(using="default")
    assert LiveBallot.objects.get(question=question).option_id == yes


@pytest.mark.skipif(not ballot_queue.enabled(), reason="the Redis ballot queue needs REDIS_URL")
def test_with_the_redis_queue_lost_keys_are_rebuilt_from_the_stored_ballots(on_commit):
    with on_commit():
        question = open_question()
    yes, no = options(question)
    first, second = joined(question.event), joined(question.event)
    services.cast(member_id=first.pk, event_id=question.event_id, question_id=question.pk, option_id=yes)
    settle()
    ballot_queue.client().delete(*ballot_queue._keys(question.pk)[:4])  # Redis restarted empty
    with pytest.raises(Conflict):
        services.cast(member_id=first.pk, event_id=question.event_id, question_id=question.pk, option_id=no)
    services.cast(member_id=second.pk, event_id=question.event_id, question_id=question.pk, option_id=no)
    assert selectors.question_counts(question) == {yes: 1, no: 1}
    assert services.question_close(actor=question.event.host, question=question).result["total"] == 2


@pytest.mark.skipif(not ballot_queue.enabled(), reason="the Redis ballot queue needs REDIS_URL")
def test_with_the_redis_queue_a_broken_fast_connection_falls_back_to_the_client(on_commit):
    import socket

    with on_commit():
        question = open_question()
    yes, no = options(question)
    first, second = joined(question.event), joined(question.event)
    services.cast(member_id=first.pk, event_id=question.event_id, question_id=question.pk, option_id=yes)
    # The per-thread socket dies (Redis restarted, a proxy dropped it): the answer still
    # goes through, once.
    broken = socket.socket()
    broken.close()
    wire = ballot_queue._wires.get_nowait()
    wire.sock, wire.reader = broken, None
    ballot_queue._wires.put(wire)
    services.cast(member_id=second.pk, event_id=question.event_id, question_id=question.pk, option_id=no)
    with pytest.raises(Conflict):
        services.cast(member_id=second.pk, event_id=question.event_id, question_id=question.pk, option_id=yes)
    assert selectors.question_counts(question) == {yes: 1, no: 1}


def test_a_member_suspended_after_joining_cannot_answer_with_their_pass():
    question = open_question()
    member = joined(question.event)
    member.suspended_until = timezone.now() + timedelta(days=1)
    member.save(update_fields=["suspended_until"])
    with pytest.raises(Forbidden, match="suspended"):
        services.cast(
            member_id=member.pk,
            event_id=question.event_id,
            question_id=question.pk,
            option_id=options(question)[0],
        )
    settle()
    assert not LiveBallot.objects.exists()


def test_avatar_svg_stays_well_formed_whatever_the_name():
    from xml.etree import ElementTree

    member = MemberFactory(display_name="a\x0bb <&> \"q\" 'x'")
    ElementTree.fromstring(str(avatars.member_svg(member)))  # raises if not well-formed


queue_only = pytest.mark.skipif(not ballot_queue.enabled(), reason="the Redis ballot queue needs REDIS_URL")


@queue_only
def test_closing_drains_only_up_to_its_own_stop_not_later_answers_elsewhere(on_commit):
    with on_commit():
        first, second = open_question(), open_question()
    fans = [joined(first.event), joined(second.event)]
    services.cast(
        member_id=fans[0].pk, event_id=first.event_id, question_id=first.pk, option_id=options(first)[0]
    )
    upto = ballot_queue.stop(first.pk)
    services.cast(
        member_id=fans[1].pk, event_id=second.event_id, question_id=second.pk, option_id=options(second)[0]
    )
    ballot_queue.drain("test", upto=upto)
    assert LiveBallot.objects.filter(question=first).count() == 1


@queue_only
def test_rebuilding_lost_keys_never_reopens_a_stopped_question(on_commit):
    with on_commit():
        question = open_question()
    ballot_queue.stop(question.pk)
    state, options_key, voted, counts, _stream = ballot_queue._keys(question.pk)
    ballot_queue.client().delete(options_key, voted, counts)
    ballot_queue.arm(question.pk, question.event_id, options(question))
    assert ballot_queue.state(question.pk) == "closed"


@queue_only
@pytest.mark.django_db(transaction=True)  # foreign keys are checked at commit
def test_a_stored_answer_the_database_refuses_is_set_aside_and_the_rest_stored():
    question = open_question()
    member = joined(question.event)
    now = timezone.now().timestamp()
    rows = [
        (question.pk, options(question)[0], member.pk, now),
        (question.pk, options(question)[0], 10**12, now),
    ]
    assert ballot_queue.store_rows(rows) == 1
    assert LiveBallot.objects.filter(question=question).count() == 1
    dead = ballot_queue.client().xrange(ballot_queue.key("dead"))
    assert dead and b"10" in dead[-1][1][b"row"]
