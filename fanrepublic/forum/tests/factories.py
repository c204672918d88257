import factory
from django.db.models import F
from django.utils import timezone

from fanrepublic.core.markdown import render_markdown
from fanrepublic.core.search import search_document
from fanrepublic.forum.enums import TopicKind
from fanrepublic.forum.models import Attachment, Board, Flag, Like, Reply, StatusChange, Topic, Vote
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.products.tests.factories import ProductLineFactory


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("slug",)

    product_line = factory.SubFactory(ProductLineFactory)
    slug = factory.Sequence(lambda n: f"board-{n}")
    name = factory.Sequence(lambda n: f"Board {n}")
    name_zh = factory.Sequence(lambda n: f"版块 {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    """A stored topic, bypassing services (for selectors and pages). Workflow tests
    create topics through forum.services instead."""

    class Meta:
        model = Topic

    board = factory.SubFactory(BoardFactory)
    author = factory.SubFactory(MemberFactory)
    kind = TopicKind.SUGGESTION
    title = factory.Sequence(lambda n: f"Suggestion number {n}")
    body = "Please add a **dark mode** to the camera app."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    created_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyAttribute(lambda o: o.created_at)
    search_document = factory.LazyAttribute(lambda o: search_document(o.title, o.body))


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(MemberFactory)
    body = "Same here, I would love this."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    search_document = factory.LazyAttribute(lambda o: search_document(o.body))

    @factory.post_generation
    def keep_topic_count(obj, create, extracted, **kwargs):
        # Like reply_create: the topic counts its visible replies.
        if create and not obj.is_hidden:
            Topic.objects.filter(pk=obj.topic_id).update(reply_count=F("reply_count") + 1)
            obj.topic.reply_count += 1


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    member = factory.SubFactory(MemberFactory)
    reply = factory.SubFactory(ReplyFactory)


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    member = factory.SubFactory(MemberFactory)
    topic = factory.SubFactory(TopicFactory)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    topic = factory.SubFactory(TopicFactory)
    actor = factory.SubFactory(MemberFactory)
    from_status = "new"
    to_status = "acknowledged"
    note = "Thanks, we are looking at it."
    note_html = "<p>Thanks, we are looking at it.</p>"


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    reporter = factory.SubFactory(MemberFactory)
    topic = factory.SubFactory(TopicFactory)
    reason = "spam"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    uploader = factory.SubFactory(MemberFactory)
    topic = factory.SubFactory(TopicFactory)
    image = factory.django.ImageField(width=8, height=6, format="PNG")
    content_type = "image/png"
    size = 100
