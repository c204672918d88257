"""Forum pages: what each role sees and may do, bad input, and query counts that do not
grow with the number of posts shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanrepublic.core.models import AuditEntry
from fanrepublic.forum.models import Reply, StatusChange, Topic
from fanrepublic.forum.tests.factories import (
    BoardFactory,
    FlagFactory,
    LikeFactory,
    ReplyFactory,
    StatusChangeFactory,
    TopicFactory,
)
from fanrepublic.forum.tests.test_services import png_bytes
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


class TestPublicPages:
    def test_home_board_topic_and_search_render(self, client):
        topic = TopicFactory(title="相机夜景模式 night mode")
        ReplyFactory(topic=topic, body="同意，夜景太暗了", author_role="")
        assert client.get(reverse("forum:home")).status_code == 200
        assert client.get(topic.board.get_absolute_url()).status_code == 200
        page = client.get(topic.get_absolute_url())
        assert page.status_code == 200 and "相机夜景模式" in page.content.decode()
        assert client.get(reverse("forum:search"), {"q": "夜景"}).status_code == 200

    def test_hidden_topic_is_404_for_members_and_visible_to_operators(self, client):
        topic = TopicFactory(is_hidden=True)
        assert client.get(topic.get_absolute_url()).status_code == 404
        login(client, MemberFactory())
        assert client.get(topic.get_absolute_url()).status_code == 404
        assert client.get(reverse("forum:topic", args=[999999])).status_code == 404
        login(client, operator())
        assert client.get(topic.get_absolute_url()).status_code == 200

    def test_staff_label_is_visible_on_posts(self, client):
        topic = TopicFactory()
        ReplyFactory(topic=topic, author=engineer(), author_role="engineer")
        html = client.get(topic.get_absolute_url()).content.decode()
        assert 'class="badge badge-staff badge-engineer"' in html

    def test_security_headers(self, client):
        response = client.get(reverse("forum:home"))
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp + ";"
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_topic_page_query_count_does_not_grow_with_replies(self, client):
        member = MemberFactory()
        login(client, member)
        topic = TopicFactory()
        ReplyFactory(topic=topic)
        client.get(topic.get_absolute_url())  # first visit records the read and the visit
        with CaptureQueriesContext(connection) as few:
            assert client.get(topic.get_absolute_url()).status_code == 200
        for _ in range(15):
            reply = ReplyFactory(topic=topic, quoted=Reply.objects.first())
            LikeFactory(reply=reply, member=member)
        StatusChangeFactory(topic=topic)
        with CaptureQueriesContext(connection) as many:
            assert client.get(topic.get_absolute_url()).status_code == 200
        assert len(many) == len(few)

    def test_topic_list_query_count_is_flat(self, client):
        board = BoardFactory()
        TopicFactory(board=board)
        with CaptureQueriesContext(connection) as few:
            client.get(board.get_absolute_url())
        for _ in range(20):
            TopicFactory(board=board)
        with CaptureQueriesContext(connection) as many:
            client.get(board.get_absolute_url())
        assert len(many) == len(few)


class TestPosting:
    def test_anonymous_is_sent_to_login(self, client):
        board = BoardFactory()
        response = client.get(reverse("forum:topic_create", args=[board.slug]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        response = client.post(reverse("forum:topic_create", args=[board.slug]), {"kind": "bug"})
        assert response.status_code == 302 and Topic.objects.count() == 0

    def test_member_posts_topic_with_image(self, client):
        login(client, MemberFactory())
        board = BoardFactory()
        image = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
        response = client.post(
            reverse("forum:topic_create", args=[board.slug]),
            {
                "kind": "suggestion",
                "title": "Battery saver schedule",
                "body": "Let me *schedule* it",
                "images": [image],
            },
        )
        topic = Topic.objects.get()
        assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
        assert topic.attachments.count() == 1

    def test_bad_topic_form_shows_errors_and_stores_nothing(self, client):
        login(client, MemberFactory())
        board = BoardFactory()
        response = client.post(
            reverse("forum:topic_create", args=[board.slug]),
            {"kind": "suggestion", "title": "hi", "body": ""},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "at least 5 characters" in html and "This field is required" in html
        assert Topic.objects.count() == 0

    def test_bad_image_is_reported_on_the_field(self, client):
        login(client, MemberFactory())
        board = BoardFactory()
        response = client.post(
            reverse("forum:topic_create", args=[board.slug]),
            {
                "kind": "bug",
                "title": "Crash on start",
                "body": "It crashes",
                "images": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")],
            },
        )
        assert response.status_code == 422 and Topic.objects.count() == 0

    def test_error_messages_are_localised(self, client):
        member = MemberFactory(language="zh-hans")
        login(client, member)
        board = BoardFactory()
        response = client.post(
            reverse("forum:topic_create", args=[board.slug]),
            {"kind": "suggestion", "title": "短", "body": ""},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "这个字段是必填项" in html and "确保该变量至少包含 5 字符" in html
        assert "标题" in html  # the project's own label, translated

    def test_reply_and_quote(self, client):
        topic = TopicFactory()
        first = ReplyFactory(topic=topic)
        login(client, MemberFactory())
        page = client.get(topic.get_absolute_url(), {"quote": first.pk}).content.decode()
        assert f'value="{first.pk}"' in page
        response = client.post(
            reverse("forum:reply_create", args=[topic.pk]), {"body": "> quoted\n\nagreed", "quoted": first.pk}
        )
        reply = Reply.objects.latest("id")
        assert response.status_code == 302 and reply.quoted == first
        assert response["Location"].endswith(f"#reply-{reply.pk}")

    def test_empty_reply_is_refused(self, client):
        topic = TopicFactory()
        login(client, MemberFactory())
        response = client.post(reverse("forum:reply_create", args=[topic.pk]), {"body": " "})
        assert response.status_code == 422 and topic.replies.count() == 0

    def test_rate_limit_page_answers_429_with_retry_after(self, client, settings):
        settings.FORUM_POST_RATE = "1/m"
        topic = TopicFactory()
        login(client, MemberFactory())
        client.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "one"})
        response = client.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "two"})
        assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
        assert topic.replies.count() == 1

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        topic = TopicFactory()
        client.force_login(MemberFactory())
        response = client.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "no token"})
        assert response.status_code == 403 and topic.replies.count() == 0

    def test_edit_own_reply_but_not_others(self, client):
        reply = ReplyFactory()
        login(client, MemberFactory())
        response = client.post(reverse("forum:reply_edit", args=[reply.pk]), {"body": "hijacked"})
        assert response.status_code == 302
        reply.refresh_from_db()
        assert reply.body != "hijacked"
        login(client, reply.author)
        client.post(reverse("forum:reply_edit", args=[reply.pk]), {"body": "fixed typo"})
        reply.refresh_from_db()
        assert reply.body == "fixed typo"


class TestToggles:
    def test_htmx_like_returns_the_button(self, client):
        reply = ReplyFactory()
        login(client, MemberFactory())
        response = client.post(
            reverse("forum:reply_like", args=[reply.pk]), {"liked": "1"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
        reply.refresh_from_db()
        assert reply.like_count == 1

    def test_vote_without_htmx_redirects(self, client):
        topic = TopicFactory()
        login(client, MemberFactory())
        response = client.post(reverse("forum:topic_vote", args=[topic.pk]), {"voted": "1"})
        assert response.status_code == 302
        topic.refresh_from_db()
        assert topic.vote_count == 1

    def test_vote_requires_post(self, client):
        topic = TopicFactory()
        login(client, MemberFactory())
        assert client.get(reverse("forum:topic_vote", args=[topic.pk])).status_code == 405


class TestStaffPages:
    @pytest.mark.parametrize("name", ["forum:desk", "forum:metrics", "forum:flags", "audit_log"])
    def test_members_get_404(self, client, name):
        login(client, MemberFactory())
        assert client.get(reverse(name)).status_code == 404

    @pytest.mark.parametrize(
        "name,allowed",
        [
            ("forum:desk", {"engineer", "operator", "founder"}),
            ("forum:metrics", {"operator", "founder"}),
            ("forum:flags", {"operator", "founder"}),
            ("audit_log", {"operator", "founder"}),
        ],
    )
    @pytest.mark.parametrize("role", ["engineer", "operator", "founder", "store_manager", "legal"])
    def test_role_access(self, client, name, allowed, role):
        login(client, MemberFactory(role=role))
        assert client.get(reverse(name)).status_code == (200 if role in allowed else 404)

    def test_desk_lists_unanswered_and_engineer_progress(self, client):
        eng = engineer(daily_reply_target=50)
        waiting = TopicFactory(title="Waiting for staff")
        answered = TopicFactory(title="Already answered")
        ReplyFactory(topic=answered, author=eng, author_role="engineer")
        from django.utils import timezone

        Topic.objects.filter(pk=answered.pk).update(first_staff_response_at=timezone.now())
        login(client, eng)
        html = client.get(reverse("forum:desk")).content.decode()
        assert waiting.title in html and answered.title not in html
        assert "1 / 50" in html

    def test_engineer_claims_from_the_desk_with_htmx(self, client):
        topic = TopicFactory()
        eng = engineer()
        login(client, eng)
        response = client.post(
            reverse("forum:topic_claim", args=[topic.pk]), {"claim": "1"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        topic.refresh_from_db()
        assert topic.claimed_by == eng

    @pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "/staff/desk/"])
    def test_a_claim_returns_only_into_the_site(self, client, target):
        topic = TopicFactory()
        login(client, engineer())
        response = client.post(reverse("forum:topic_claim", args=[topic.pk]), {"claim": "1", "next": target})
        assert response.status_code == 302
        expected = target if target.startswith("/staff/") else topic.get_absolute_url()
        assert response["Location"] == expected

    def test_engineer_sets_status_from_the_page(self, client):
        topic = TopicFactory()
        login(client, engineer())
        client.post(
            reverse("forum:topic_status", args=[topic.pk]), {"status": "planned", "note": "Next week"}
        )
        topic.refresh_from_db()
        assert topic.status == "planned" and StatusChange.objects.filter(topic=topic).exists()

    def test_member_cannot_set_status_from_the_page(self, client):
        topic = TopicFactory()
        login(client, MemberFactory())
        response = client.post(
            reverse("forum:topic_status", args=[topic.pk]), {"status": "planned", "note": "x"}
        )
        assert response.status_code == 403
        topic.refresh_from_db()
        assert topic.status == "new"

    def test_operator_hides_and_audit_page_shows_it(self, client):
        topic = TopicFactory()
        op = operator()
        login(client, op)
        client.post(reverse("forum:topic_moderate", args=[topic.pk]), {"action": "hide", "reason": "spam"})
        topic.refresh_from_db()
        assert topic.is_hidden
        html = client.get(reverse("audit_log")).content.decode()
        assert "forum.topic.hide" in html and "spam" in html

    def test_flags_queue_resolve(self, client):
        flag = FlagFactory()
        login(client, operator())
        assert flag.topic.title in client.get(reverse("forum:flags")).content.decode()
        client.post(reverse("forum:flag_resolve", args=[flag.pk]), {"decision": "dismiss", "note": "fine"})
        flag.refresh_from_db()
        assert (
            flag.status == "dismissed" and AuditEntry.objects.filter(action="forum.flag.dismissed").exists()
        )

    def test_member_flags_a_reply(self, client):
        reply = ReplyFactory()
        login(client, MemberFactory())
        client.post(reverse("forum:flag", args=["reply", reply.pk]), {"reason": "abuse", "detail": "rude"})
        assert reply.flags.count() == 1
        assert client.get(reverse("forum:flag", args=["nonsense", reply.pk])).status_code == 404

    def test_metrics_page_with_range_and_bad_range(self, client):
        TopicFactory()
        login(client, founder())
        response = client.get(reverse("forum:metrics"), {"start": "2026-11-01", "end": "2026-11-25"})
        assert response.status_code == 200 and "<svg" in response.content.decode()
        response = client.get(reverse("forum:metrics"), {"start": "2026-11-25", "end": "2026-11-01"})
        assert response.status_code == 422
        assert "must not be after" in response.content.decode()


class TestDeskAnswer:
    def test_engineer_replies_from_the_desk_with_htmx(self, client):
        topic = TopicFactory()
        login(client, engineer())
        response = client.post(
            reverse("forum:desk_answer", args=[topic.pk]),
            {f"answer-{topic.pk}-body": "Thanks, fixed in 2.1"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and "Answered" in response.content.decode()
        topic.refresh_from_db()
        assert topic.first_staff_response_at is not None and topic.replies.get().author_role == "engineer"

    def test_answer_with_status_becomes_the_status_note(self, client):
        topic = TopicFactory()
        login(client, engineer())
        client.post(
            reverse("forum:desk_answer", args=[topic.pk]),
            {f"answer-{topic.pk}-body": "Planned for next Friday", f"answer-{topic.pk}-status": "planned"},
        )
        topic.refresh_from_db()
        assert topic.status == "planned" and topic.status_changes.get().note == "Planned for next Friday"
        assert topic.replies.count() == 0

    def test_empty_answer_is_refused_in_place(self, client):
        topic = TopicFactory()
        login(client, engineer())
        response = client.post(
            reverse("forum:desk_answer", args=[topic.pk]),
            {f"answer-{topic.pk}-body": ""},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 422 and "This field is required" in response.content.decode()
        assert topic.replies.count() == 0

    @pytest.mark.parametrize("role", [None, "legal", "store_manager"])
    def test_non_engineers_get_404(self, client, role):
        topic = TopicFactory()
        login(client, MemberFactory(role=role))
        response = client.post(
            reverse("forum:desk_answer", args=[topic.pk]), {f"answer-{topic.pk}-body": "x"}
        )
        assert response.status_code == 404 and topic.replies.count() == 0


class TestTopicStaffForms:
    def test_operator_moves_a_topic_and_bad_board_is_refused(self, client):
        topic = TopicFactory()
        other = BoardFactory()
        login(client, operator())
        client.post(
            reverse("forum:topic_move", args=[topic.pk]), {"board": other.pk, "reason": "wrong place"}
        )
        topic.refresh_from_db()
        assert topic.board == other
        response = client.post(reverse("forum:topic_move", args=[topic.pk]), {"board": 999999}, follow=True)
        assert "Choose a board." in response.content.decode()

    def test_engineer_merges_from_the_page(self, client):
        original, duplicate = TopicFactory(), TopicFactory()
        login(client, engineer())
        response = client.post(
            reverse("forum:topic_merge", args=[duplicate.pk]), {"original": original.pk, "note": "Same idea"}
        )
        assert response["Location"] == original.get_absolute_url()
        duplicate.refresh_from_db()
        assert duplicate.status == "duplicate"
        response = client.post(
            reverse("forum:topic_merge", args=[original.pk]), {"original": 987654, "note": "x"}, follow=True
        )
        assert "There is no topic with that number." in response.content.decode()

    def test_member_cannot_move_or_merge(self, client):
        topic, other = TopicFactory(), TopicFactory()
        login(client, MemberFactory())
        assert (
            client.post(
                reverse("forum:topic_move", args=[topic.pk]), {"board": BoardFactory().pk}
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("forum:topic_merge", args=[topic.pk]), {"original": other.pk, "note": "x"}
            ).status_code
            == 403
        )
        topic.refresh_from_db()
        assert topic.status == "new"


def test_reply_permalink_finds_the_page(client):
    topic = TopicFactory()
    replies = ReplyFactory.create_batch(3, topic=topic)
    response = client.get(reverse("forum:reply", args=[replies[2].pk]))
    assert response["Location"] == f"{topic.get_absolute_url()}?page=1#reply-{replies[2].pk}"
    hidden = ReplyFactory(topic=topic, is_hidden=True)
    assert client.get(reverse("forum:reply", args=[hidden.pk])).status_code == 404


def test_the_metrics_page_names_engineers_as_members_see_them(client):
    from fanrepublic.forum import services as forum_services
    from fanrepublic.members.tests.factories import engineer as make_engineer
    from fanrepublic.members.tests.factories import operator as make_operator

    lin = make_engineer(username="eng_lin", display_name="林工程师")
    forum_services.reply_create(author=lin, topic=TopicFactory(), body="Looking into it")
    client.force_login(make_operator())
    page = client.get(reverse("forum:metrics")).content.decode()
    assert "林工程师" in page and "<td>eng_lin</td>" not in page


def test_open_reads_differently_for_a_vote_a_need_and_a_flag():
    from django.utils import translation

    from fanrepublic.committees.enums import NeedStatus
    from fanrepublic.governance.enums import VoteStatus

    with translation.override("zh-hans"):
        assert str(VoteStatus.OPEN.label) == "投票中" and str(NeedStatus.OPEN.label) == "待处理"
