from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.launches.enums import EventStatus
from fanrepublic.launches.models import (
    Attendance,
    Avatar,
    LaunchEvent,
    LiveBallot,
    LiveOption,
    LiveQuestion,
    ScheduleItem,
)
from fanrepublic.members.tests.factories import MemberFactory


class LaunchEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LaunchEvent

    slug = factory.Sequence(lambda n: f"launch-{n}")
    title = "Orange Phone 3 launch"
    title_zh = "橙子手机 3 发布会"
    host = factory.SubFactory(MemberFactory)
    created_by = factory.SelfAttribute("host")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=10))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))
    status = EventStatus.LIVE


class ScheduleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleItem

    event = factory.SubFactory(LaunchEventFactory)
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    title = "Opening"
    title_zh = "开场"


class LiveQuestionFactory(factory.django.DjangoModelFactory):
    """A draft question with two options (Yes / No)."""

    class Meta:
        model = LiveQuestion
        skip_postgeneration_save = True

    event = factory.SubFactory(LaunchEventFactory)
    position = factory.Sequence(lambda n: n)
    prompt = "Should the Orange Phone 3 come in titanium?"
    prompt_zh = "橙子手机 3 要出钛金属版吗？"

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if create:
            for n, (label, label_zh) in enumerate(extracted or [("Yes", "要"), ("No", "不要")]):
                LiveOption.objects.create(question=self, label=label, label_zh=label_zh, position=n)


class LiveOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveOption

    question = factory.SubFactory(LiveQuestionFactory, options=[])
    label = factory.Sequence(lambda n: f"Option {n}")
    label_zh = factory.Sequence(lambda n: f"选项 {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(LaunchEventFactory)
    member = factory.SubFactory(MemberFactory)


class LiveBallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveBallot

    option = factory.SubFactory(LiveOptionFactory)
    question = factory.SelfAttribute("option.question")
    member = factory.SubFactory(MemberFactory)


class AvatarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Avatar

    member = factory.SubFactory(MemberFactory)
    hue = 120


def settle():
    """Store the answers the Redis ballot queue has accepted, as `manage.py hall_writer`
    does in production (nothing to do when answers go straight to the database)."""
    from fanrepublic.launches import ballot_queue

    if ballot_queue.enabled():
        ballot_queue.drain()


def open_question(**kwargs):
    """A question its host has just opened (the factory's event is live)."""
    from fanrepublic.launches import services

    question = LiveQuestionFactory(**kwargs)
    return services.question_open(actor=question.event.host, question=question)
