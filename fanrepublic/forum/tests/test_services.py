"""Forum workflows through the services: given a state, when a member acts, then what
they and others would notice (counts, statuses, events, notifications)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum import services
from fanrepublic.forum.enums import TopicKind, TopicStatus
from fanrepublic.forum.models import Attachment, Like, Reply, Topic, Vote
from fanrepublic.forum.tests.factories import BoardFactory, ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.notifications.models import Notification

pytestmark = pytest.mark.django_db


def png_bytes(size=(4, 4), fmt="PNG"):
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", size, (255, 105, 0)).save(buf, fmt)
    return buf.getvalue()


def new_topic(author=None, kind=TopicKind.SUGGESTION, **kw):
    return services.topic_create(
        author=author or MemberFactory(),
        board=kw.pop("board", None) or BoardFactory(),
        kind=kind,
        title=kw.pop("title", "Game do-not-disturb mode"),
        body=kw.pop("body", "Silence calls while I play."),
        **kw,
    )


class TestTopicCreate:
    def test_member_posts_a_suggestion_with_its_own_vote_and_event(self):
        author = MemberFactory()
        topic = new_topic(author)
        assert topic.status == TopicStatus.NEW
        assert topic.vote_count == 1 and Vote.objects.filter(topic=topic, member=author).exists()
        assert topic.author_role == ""
        assert Event.objects.filter(
            verb="forum.topic.created", actor=author, object_id=str(topic.pk)
        ).exists()

    def test_discussion_takes_no_vote(self):
        topic = new_topic(kind=TopicKind.DISCUSSION)
        assert topic.vote_count == 0

    def test_staff_post_carries_role_label(self):
        topic = new_topic(engineer())
        assert topic.author_role == "engineer"

    def test_markdown_is_sanitised(self):
        topic = new_topic(
            body="<script>alert(1)</script> [x](javascript:alert(1)) **ok** <img src=x onerror=alert(1)>"
        )
        assert "<script" not in topic.body_html
        assert 'href="javascript' not in topic.body_html
        assert "<img" not in topic.body_html
        assert "<strong>ok</strong>" in topic.body_html

    @pytest.mark.parametrize(
        "field,kwargs",
        [
            ("title", {"title": "hi"}),
            ("title", {"title": "x" * 201}),
            ("body", {"body": "   "}),
            ("body", {"body": "x" * 20001}),
            ("kind", {"kind": "rant"}),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_stored(self, field, kwargs):
        with pytest.raises(ValidationFailed) as exc:
            new_topic(**kwargs)
        assert field in exc.value.errors
        assert Topic.objects.count() == 0 and Event.objects.filter(verb="forum.topic.created").count() == 0

    def test_suspended_member_cannot_post(self):
        member = MemberFactory(suspended_until=timezone.now() + timedelta(days=1))
        with pytest.raises(Forbidden):
            new_topic(member)

    def test_archived_board_refuses_topics(self):
        with pytest.raises(ValidationFailed):
            new_topic(board=BoardFactory(is_archived=True))

    @override_settings(FORUM_POST_RATE="2/m")
    def test_posting_is_rate_limited_with_retry_after(self):
        member = MemberFactory()
        board = BoardFactory()
        new_topic(member, board=board)
        new_topic(member, board=board)
        with pytest.raises(RateLimited) as exc:
            new_topic(member, board=board)
        assert 1 <= exc.value.retry_after <= 60
        assert Topic.objects.count() == 2

    @override_settings(FORUM_POST_RATE="1/m")
    def test_engineers_are_not_rate_limited(self):
        eng = engineer()
        board = BoardFactory()
        for _ in range(3):
            new_topic(eng, board=board)
        assert Topic.objects.filter(author=eng).count() == 3

    def test_image_attachment_is_stored(self):
        image = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
        topic = new_topic(images=[image])
        att = Attachment.objects.get(topic=topic)
        assert att.width == 4 and att.content_type == "image/png" and att.image.name.endswith(".png")

    @pytest.mark.parametrize(
        "upload",
        [
            SimpleUploadedFile("fake.png", b"<?php echo 1; ?>", content_type="image/png"),
            SimpleUploadedFile("doc.bmp", png_bytes(fmt="BMP"), content_type="image/bmp"),
        ],
    )
    def test_bad_uploads_are_refused(self, upload):
        with pytest.raises(ValidationFailed) as exc:
            new_topic(images=[upload])
        assert "images" in exc.value.errors
        assert Topic.objects.count() == 0 and Attachment.objects.count() == 0

    def test_too_many_images_are_refused(self):
        images = [SimpleUploadedFile(f"{i}.png", png_bytes(), content_type="image/png") for i in range(5)]
        with pytest.raises(ValidationFailed):
            new_topic(images=images)

    def test_oversized_image_is_refused(self, monkeypatch):
        monkeypatch.setattr("fanrepublic.core.images.MAX_BYTES", 10)
        with pytest.raises(ValidationFailed):
            new_topic(images=[SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")])


class TestReplies:
    def test_reply_bumps_topic_and_notifies_author(self, on_commit):
        author = MemberFactory(email="author@example.com")
        topic = new_topic(author)
        replier = MemberFactory()
        with on_commit():
            reply = services.reply_create(author=replier, topic=topic, body="Me too!")
        topic.refresh_from_db()
        assert topic.reply_count == 1 and topic.last_activity_at == reply.created_at
        note = Notification.objects.get(recipient=author)
        assert note.kind == "reply" and note.url.endswith(f"#reply-{reply.pk}")
        assert len(mail.outbox) == 1 and "replied" in mail.outbox[0].subject

    def test_mention_notifies_mentioned_member_once(self, on_commit):
        topic = new_topic()
        ann = MemberFactory(username="ann")
        with on_commit():
            services.reply_create(author=MemberFactory(), topic=topic, body="@Ann what do you think? @ann")
        assert Notification.objects.filter(recipient=ann).count() == 1
        assert Notification.objects.get(recipient=ann).kind == "mention"
        assert 'class="mention"' in Reply.objects.get().body_html

    def test_quote_must_come_from_same_topic(self):
        topic = new_topic()
        other = ReplyFactory()
        with pytest.raises(ValidationFailed):
            services.reply_create(author=MemberFactory(), topic=topic, body="quote", quoted=other)

    def test_locked_topic_refuses_member_replies_but_not_staff(self):
        topic = TopicFactory(is_locked=True)
        with pytest.raises(Forbidden):
            services.reply_create(author=MemberFactory(), topic=topic, body="hello")
        services.reply_create(author=engineer(), topic=topic, body="Staff note")

    def test_hidden_topic_is_not_found_for_members(self):
        topic = TopicFactory(is_hidden=True)
        with pytest.raises(NotFound):
            services.reply_create(author=MemberFactory(), topic=topic, body="hello")

    def test_first_engineer_reply_is_the_first_staff_response(self):
        topic = new_topic()
        services.reply_create(author=MemberFactory(), topic=topic, body="fan reply")
        topic.refresh_from_db()
        assert topic.first_staff_response_at is None
        eng = engineer()
        services.reply_create(author=eng, topic=topic, body="We are on it")
        services.reply_create(author=engineer(), topic=topic, body="Second engineer")
        topic.refresh_from_db()
        assert topic.first_staff_responder == eng
        assert Event.objects.filter(verb="forum.topic.first_response").count() == 1

    def test_discussion_does_not_wait_for_staff(self):
        topic = new_topic(kind=TopicKind.DISCUSSION)
        services.reply_create(author=engineer(), topic=topic, body="Chatting")
        topic.refresh_from_db()
        assert topic.first_staff_response_at is None


class TestEditing:
    def test_author_edits_within_window(self):
        topic = new_topic()
        services.topic_edit(actor=topic.author, topic=topic, title="A better title", body="new body")
        topic.refresh_from_db()
        assert topic.title == "A better title" and topic.edited_at is not None

    def test_author_cannot_edit_after_window(self):
        topic = TopicFactory(created_at=timezone.now() - timedelta(days=2))
        with pytest.raises(Forbidden):
            services.topic_edit(actor=topic.author, topic=topic, title="Changed title", body="x")

    def test_other_member_cannot_edit(self):
        reply = ReplyFactory()
        with pytest.raises(Forbidden):
            services.reply_edit(actor=MemberFactory(), reply=reply, body="hijack")
        reply.refresh_from_db()
        assert reply.body != "hijack"

    def test_moderator_edit_is_audited(self):
        reply = ReplyFactory()
        op = operator()
        services.reply_edit(actor=op, reply=reply, body="Removed a phone number")
        assert AuditEntry.objects.filter(action="forum.reply.edited", actor=op).exists()


class TestLikesAndVotes:
    def test_like_and_unlike_keep_count_and_score(self, on_commit):
        reply = ReplyFactory()
        fan = MemberFactory()
        with on_commit():
            assert services.like_set(member=fan, target=reply, liked=True)
            assert not services.like_set(member=fan, target=reply, liked=True)
        reply.refresh_from_db()
        reply.author.refresh_from_db()
        assert reply.like_count == 1 and reply.author.reputation == 1
        with on_commit():
            services.like_set(member=fan, target=reply, liked=False)
        reply.refresh_from_db()
        reply.author.refresh_from_db()
        assert reply.like_count == 0 and reply.author.reputation == 0 and Like.objects.count() == 0

    def test_cannot_like_own_post(self):
        reply = ReplyFactory()
        with pytest.raises(ValidationFailed):
            services.like_set(member=reply.author, target=reply, liked=True)

    def test_vote_toggle(self):
        topic = new_topic()
        fan = MemberFactory()
        assert services.vote_set(member=fan, topic=topic, voted=True)
        assert not services.vote_set(member=fan, topic=topic, voted=True)
        topic.refresh_from_db()
        assert topic.vote_count == 2
        services.vote_set(member=fan, topic=topic, voted=False)
        topic.refresh_from_db()
        assert topic.vote_count == 1

    def test_discussions_take_no_votes(self):
        topic = new_topic(kind=TopicKind.DISCUSSION)
        with pytest.raises(ValidationFailed):
            services.vote_set(member=MemberFactory(), topic=topic, voted=True)

    def test_anonymous_cannot_vote(self):
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(Forbidden):
            services.vote_set(member=AnonymousUser(), topic=new_topic(), voted=True)


class TestStatusWorkflow:
    def test_engineer_changes_status_and_author_and_voters_hear(self, on_commit):
        author = MemberFactory()
        topic = new_topic(author)
        voter = MemberFactory()
        eng = engineer()
        with on_commit():
            services.vote_set(member=voter, topic=topic, voted=True)
            change = services.topic_status_change(
                actor=eng, topic=topic, status="planned", note="In the next train"
            )
        topic.refresh_from_db()
        assert topic.status == "planned" and change.actor_role == "engineer"
        assert topic.first_staff_responder == eng
        recipients = set(Notification.objects.filter(kind="status").values_list("recipient", flat=True))
        assert recipients == {author.pk, voter.pk}
        assert AuditEntry.objects.filter(action="forum.topic.status_changed").exists()
        author.refresh_from_db()
        assert author.reputation == 10 + 1  # accepted + the voter's +1

    def test_accepting_twice_counts_once(self, on_commit):
        topic = new_topic()
        eng = engineer()
        with on_commit():
            services.topic_status_change(actor=eng, topic=topic, status="planned", note="a")
            services.topic_status_change(actor=eng, topic=topic, status="in_progress", note="b")
            services.topic_status_change(actor=eng, topic=topic, status="shipped", note="c")
        assert Event.objects.filter(verb="forum.topic.accepted").count() == 1
        topic.author.refresh_from_db()
        assert topic.author.reputation == 10

    @pytest.mark.parametrize("who", ["member", "author", "store_manager", "legal"])
    def test_only_answering_staff_change_status(self, who):
        from fanrepublic.members.tests.factories import legal, store_manager

        topic = new_topic()
        actor = {
            "member": MemberFactory,
            "author": lambda: topic.author,
            "store_manager": store_manager,
            "legal": legal,
        }[who]()
        with pytest.raises(Forbidden):
            services.topic_status_change(actor=actor, topic=topic, status="planned", note="x")
        topic.refresh_from_db()
        assert topic.status == "new"

    @pytest.mark.parametrize(
        "status,note", [("new", "same"), ("bogus", "x"), ("duplicate", "x"), ("planned", "   ")]
    )
    def test_bad_status_changes(self, status, note):
        topic = new_topic()
        with pytest.raises(ValidationFailed):
            services.topic_status_change(actor=engineer(), topic=topic, status=status, note=note)

    def test_discussion_has_no_status_workflow(self):
        topic = new_topic(kind=TopicKind.DISCUSSION)
        with pytest.raises(Forbidden):
            services.topic_status_change(actor=engineer(), topic=topic, status="planned", note="x")


class TestMerge:
    def test_votes_carry_over_once_per_member(self, on_commit):
        original = new_topic(title="Dark mode for camera")
        dup = new_topic(title="Camera dark theme please")
        both = MemberFactory()
        only_dup = MemberFactory()
        services.vote_set(member=both, topic=original, voted=True)
        services.vote_set(member=both, topic=dup, voted=True)
        services.vote_set(member=only_dup, topic=dup, voted=True)
        with on_commit():
            result = services.topic_merge(
                actor=engineer(), duplicate=dup, original=original, note="Same idea"
            )
        dup.refresh_from_db()
        assert dup.status == "duplicate" and dup.duplicate_of == original and dup.is_locked
        assert result.vote_count == 4  # original author, both, only_dup, dup's author
        assert set(Vote.objects.filter(topic=original).values_list("member", flat=True)) == {
            original.author_id,
            both.pk,
            only_dup.pk,
            dup.author_id,
        }
        assert Vote.objects.filter(topic=dup).count() == 0
        notified = set(Notification.objects.filter(kind="status").values_list("recipient", flat=True))
        assert notified == {dup.author_id, both.pk, only_dup.pk}

    def test_cannot_merge_into_itself_or_twice(self):
        topic = new_topic()
        with pytest.raises(ValidationFailed):
            services.topic_merge(actor=engineer(), duplicate=topic, original=topic, note="x")

    def test_member_cannot_merge(self):
        with pytest.raises(Forbidden):
            services.topic_merge(actor=MemberFactory(), duplicate=new_topic(), original=new_topic(), note="x")

    def test_merging_into_a_duplicate_follows_to_the_original(self):
        eng = engineer()
        a, b, c = new_topic(), new_topic(), new_topic()
        services.topic_merge(actor=eng, duplicate=b, original=a, note="x")
        b.refresh_from_db()
        result = services.topic_merge(actor=eng, duplicate=c, original=b, note="y")
        assert result.pk == a.pk


class TestModeration:
    @pytest.mark.parametrize(
        "action,field,value",
        [
            ("pin", "is_pinned", True),
            ("lock", "is_locked", True),
            ("hide", "is_hidden", True),
        ],
    )
    def test_operator_moderates_and_it_is_audited(self, action, field, value):
        topic = new_topic()
        op = operator()
        services.topic_moderate(actor=op, topic=topic, action=action, reason="rules")
        topic.refresh_from_db()
        assert getattr(topic, field) is value
        assert AuditEntry.objects.filter(action=f"forum.topic.{action}", actor=op).exists()

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_members_and_engineers_cannot_moderate(self, make):
        topic = new_topic()
        with pytest.raises(Forbidden):
            services.topic_moderate(actor=make(), topic=topic, action="hide", reason="x")

    def test_hiding_needs_a_reason(self):
        with pytest.raises(ValidationFailed):
            services.topic_moderate(actor=operator(), topic=new_topic(), action="hide", reason="")

    def test_move_to_another_board(self):
        topic = new_topic()
        other = BoardFactory()
        services.topic_move(actor=operator(), topic=topic, board=other, reason="wrong board")
        topic.refresh_from_db()
        assert topic.board == other

    def test_flag_upheld_hides_post_and_settles_other_flags(self, on_commit):
        reply = ReplyFactory()
        f1 = services.flag_create(reporter=MemberFactory(), target=reply, reason="spam")
        services.flag_create(reporter=MemberFactory(), target=reply, reason="abuse")
        with on_commit():
            services.flag_resolve(actor=operator(), flag=f1, uphold=True, note="spam link")
        reply.refresh_from_db()
        assert reply.is_hidden
        assert set(reply.flags.values_list("status", flat=True)) == {"upheld"}
        assert Notification.objects.filter(recipient=reply.author, kind="moderation").exists()

    def test_flagging_twice_conflicts(self):
        reply = ReplyFactory()
        fan = MemberFactory()
        services.flag_create(reporter=fan, target=reply, reason="spam")
        with pytest.raises(Conflict):
            services.flag_create(reporter=fan, target=reply, reason="spam")


class TestClaims:
    def test_engineer_claims_and_another_cannot(self):
        topic = new_topic()
        a, b = engineer(), engineer()
        services.topic_claim(engineer=a, topic=topic)
        with pytest.raises(Conflict):
            services.topic_claim(engineer=b, topic=topic)
        services.topic_claim(engineer=a, topic=topic, claim=False)
        services.topic_claim(engineer=b, topic=topic)
        topic.refresh_from_db()
        assert topic.claimed_by == b

    def test_members_cannot_claim(self):
        with pytest.raises(Forbidden):
            services.topic_claim(engineer=MemberFactory(), topic=new_topic())
