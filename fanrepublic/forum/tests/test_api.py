"""The REST API: every endpoint, its permissions, bad input and error bodies."""

import pytest
from django.test import Client

from fanrepublic.forum.models import Reply, Topic
from fanrepublic.forum.tests.factories import BoardFactory, ReplyFactory, TopicFactory
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.notifications.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user, scopes=("read", "write")):
    _token, secret = api_token_create(owner=user, name="test", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


class TestReading:
    def test_boards(self, client):
        board = BoardFactory()
        assert client.get(f"{API}/boards").json()[0]["slug"] == board.slug
        assert client.get(f"{API}/boards/{board.slug}").json()["name_zh"] == board.name_zh
        assert_error(client.get(f"{API}/boards/nope"), 404, "not_found")

    def test_topics_are_paginated_and_filtered(self, client):
        board = BoardFactory()
        TopicFactory.create_batch(25, board=board, kind="bug")
        TopicFactory(board=board, kind="discussion")
        page = client.get(f"{API}/topics", {"board": board.slug, "kind": "bug"}).json()
        assert page["count"] == 25 and len(page["items"]) == 20
        assert client.get(f"{API}/topics", {"kind": "bug", "page": 2}).json()["items"].__len__() == 5
        item = page["items"][0]
        assert {"id", "title", "author", "vote_count", "status", "author_role"} <= set(item)

    def test_hidden_topics_are_404_not_403(self, client):
        topic = TopicFactory(is_hidden=True)
        assert_error(client.get(f"{API}/topics/{topic.pk}"), 404, "not_found")
        assert_error(client.get(f"{API}/topics/99999"), 404, "not_found")
        assert topic.pk not in [t["id"] for t in client.get(f"{API}/topics").json()["items"]]

    def test_replies_and_statuses(self, client):
        topic = TopicFactory()
        ReplyFactory.create_batch(3, topic=topic)
        ReplyFactory(topic=topic, is_hidden=True)
        assert client.get(f"{API}/topics/{topic.pk}/replies").json()["count"] == 3
        assert client.get(f"{API}/topics/{topic.pk}/statuses").json() == []

    def test_search(self, client):
        TopicFactory(title="充电速度变慢了", body="最近充电很慢")
        TopicFactory(title="Camera night mode", body="dark photos")
        found = client.get(f"{API}/topics", {"q": "充电"}).json()
        assert [t["title"] for t in found["items"]] == ["充电速度变慢了"]

    def test_member_profile(self, client):
        member = MemberFactory(display_name="米粉", trust_level=2)
        body = client.get(f"{API}/members/{member.username}").json()
        assert body["display_name"] == "米粉" and body["trust_level"] == 2 and "email" not in body
        assert_error(client.get(f"{API}/members/ghost"), 404, "not_found")

    def test_me_needs_auth(self, client):
        assert_error(client.get(f"{API}/me"), 401, "not_authenticated")
        member = MemberFactory()
        assert client.get(f"{API}/me", **bearer(member)).json()["email"] == member.email

    def test_openapi_document(self, client):
        doc = client.get(f"{API}/openapi.json").json()
        assert "/api/v1/topics" in doc["paths"] and "/api/v1/events" in doc["paths"]
        assert client.get(f"{API}/docs").status_code == 200


class TestWriting:
    def test_create_topic_with_token(self, client):
        board = BoardFactory()
        member = MemberFactory()
        response = client.post(
            f"{API}/topics",
            {"board": board.slug, "kind": "suggestion", "title": "Wider widgets", "body": "Please"},
            content_type="application/json",
            **bearer(member),
        )
        assert response.status_code == 201
        topic = Topic.objects.get()
        assert response.json()["id"] == topic.pk and topic.author == member and topic.vote_count == 1

    def test_anonymous_cannot_write(self, client):
        board = BoardFactory()
        response = client.post(
            f"{API}/topics",
            {"board": board.slug, "kind": "bug", "title": "xxxxx", "body": "y"},
            content_type="application/json",
        )
        assert_error(response, 401, "not_authenticated")
        assert Topic.objects.count() == 0

    def test_read_only_token_cannot_write(self, client):
        board = BoardFactory()
        response = client.post(
            f"{API}/topics",
            {"board": board.slug, "kind": "bug", "title": "xxxxx", "body": "y"},
            content_type="application/json",
            **bearer(MemberFactory(), scopes=["read"]),
        )
        assert_error(response, 403, "insufficient_scope")

    def test_revoked_or_bogus_tokens_are_refused(self, client):
        assert_error(client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer fr_bogus"), 401, "not_authenticated")

    @pytest.mark.parametrize(
        "payload,field",
        [
            ({"kind": "suggestion", "title": "ab", "body": "x"}, "title"),
            ({"kind": "poem", "title": "abcdef", "body": "x"}, "kind"),
            ({"kind": "bug", "title": "abcdef", "body": ""}, "body"),
            ({"kind": "bug", "title": "abcdef"}, "body"),
        ],
    )
    def test_bad_topic_payloads(self, client, payload, field):
        board = BoardFactory()
        response = client.post(
            f"{API}/topics",
            {"board": board.slug, **payload},
            content_type="application/json",
            **bearer(MemberFactory()),
        )
        error = assert_error(response, 422, "validation_error")
        assert field in error["fields"]
        assert Topic.objects.count() == 0

    def test_unknown_board(self, client):
        response = client.post(
            f"{API}/topics",
            {"board": "nope", "kind": "bug", "title": "abcdef", "body": "x"},
            content_type="application/json",
            **bearer(MemberFactory()),
        )
        assert "board" in assert_error(response, 422, "validation_error")["fields"]

    def test_session_auth_needs_csrf(self):
        client = Client(enforce_csrf_checks=True)
        topic = TopicFactory()
        client.force_login(MemberFactory())
        response = client.put(f"{API}/topics/{topic.pk}/vote")
        assert response.status_code in (401, 403)
        topic.refresh_from_db()
        assert topic.vote_count == 0

    def test_reply_edit_and_permissions(self, client):
        topic = TopicFactory()
        author = MemberFactory()
        response = client.post(
            f"{API}/topics/{topic.pk}/replies",
            {"body": "hello"},
            content_type="application/json",
            **bearer(author),
        )
        assert response.status_code == 201
        reply_id = response.json()["id"]
        other = client.patch(
            f"{API}/replies/{reply_id}",
            {"body": "hijack"},
            content_type="application/json",
            **bearer(MemberFactory()),
        )
        assert_error(other, 403, "forbidden")
        own = client.patch(
            f"{API}/replies/{reply_id}", {"body": "edited"}, content_type="application/json", **bearer(author)
        )
        assert own.json()["body"] == "edited"
        assert_error(
            client.post(
                f"{API}/topics/{topic.pk}/replies",
                {"body": "q", "quoted_id": 999999},
                content_type="application/json",
                **bearer(author),
            ),
            422,
            "validation_error",
        )

    def test_topic_edit(self, client):
        topic = TopicFactory()
        response = client.patch(
            f"{API}/topics/{topic.pk}",
            {"title": "New title here", "body": "b"},
            content_type="application/json",
            **bearer(topic.author),
        )
        assert response.json()["title"] == "New title here"
        assert_error(
            client.patch(
                f"{API}/topics/{topic.pk}",
                {"title": "Other title", "body": "b"},
                content_type="application/json",
                **bearer(MemberFactory()),
            ),
            403,
            "forbidden",
        )

    def test_votes_and_likes(self, client):
        topic = TopicFactory()
        reply = ReplyFactory(topic=topic)
        headers = bearer(MemberFactory())
        assert client.put(f"{API}/topics/{topic.pk}/vote", **headers).json() == {"changed": True, "count": 1}
        assert client.put(f"{API}/topics/{topic.pk}/vote", **headers).json() == {"changed": False, "count": 1}
        assert client.delete(f"{API}/topics/{topic.pk}/vote", **headers).json() == {
            "changed": True,
            "count": 0,
        }
        assert client.put(f"{API}/replies/{reply.pk}/like", **headers).json()["count"] == 1
        assert client.delete(f"{API}/replies/{reply.pk}/like", **headers).json()["count"] == 0
        assert client.put(f"{API}/topics/{topic.pk}/like", **headers).json()["count"] == 1
        assert client.delete(f"{API}/topics/{topic.pk}/like", **headers).json()["count"] == 0
        own = bearer(reply.author)
        assert_error(client.put(f"{API}/replies/{reply.pk}/like", **own), 422, "validation_error")

    def test_status_change_by_engineer_only(self, client):
        topic = TopicFactory()
        payload = {"status": "planned", "note": "Next release"}
        assert_error(
            client.post(
                f"{API}/topics/{topic.pk}/statuses",
                payload,
                content_type="application/json",
                **bearer(MemberFactory()),
            ),
            403,
            "forbidden",
        )
        response = client.post(
            f"{API}/topics/{topic.pk}/statuses",
            payload,
            content_type="application/json",
            **bearer(engineer()),
        )
        assert response.status_code == 201 and response.json()["actor_role"] == "engineer"
        assert client.get(f"{API}/topics/{topic.pk}").json()["status"] == "planned"
        assert_error(
            client.post(
                f"{API}/topics/{topic.pk}/statuses",
                {"status": "zzz", "note": "x"},
                content_type="application/json",
                **bearer(engineer()),
            ),
            422,
            "validation_error",
        )

    def test_merge(self, client):
        original, dup = TopicFactory(), TopicFactory()
        response = client.post(
            f"{API}/topics/{dup.pk}/merge",
            {"original_id": original.pk, "note": "same"},
            content_type="application/json",
            **bearer(engineer()),
        )
        assert response.json()["id"] == original.pk
        assert_error(
            client.post(
                f"{API}/topics/{original.pk}/merge",
                {"original_id": 987654, "note": "x"},
                content_type="application/json",
                **bearer(engineer()),
            ),
            422,
            "validation_error",
        )

    def test_rate_limit_answers_429_with_retry_after(self, client, settings):
        settings.FORUM_POST_RATE = "1/m"
        topic = TopicFactory()
        headers = bearer(MemberFactory())
        client.post(
            f"{API}/topics/{topic.pk}/replies", {"body": "1"}, content_type="application/json", **headers
        )
        response = client.post(
            f"{API}/topics/{topic.pk}/replies", {"body": "2"}, content_type="application/json", **headers
        )
        assert_error(response, 429, "rate_limited")
        assert int(response["Retry-After"]) >= 1
        assert Reply.objects.count() == 1

    def test_locked_topic(self, client):
        topic = TopicFactory(is_locked=True)
        assert_error(
            client.post(
                f"{API}/topics/{topic.pk}/replies",
                {"body": "x"},
                content_type="application/json",
                **bearer(MemberFactory()),
            ),
            403,
            "forbidden",
        )
        operator_headers = bearer(operator())
        assert (
            client.post(
                f"{API}/topics/{topic.pk}/replies",
                {"body": "x"},
                content_type="application/json",
                **operator_headers,
            ).status_code
            == 201
        )


class TestNotificationsApi:
    def test_list_unread_and_mark_read(self, client, on_commit):
        author = MemberFactory()
        topic = TopicFactory(author=author)
        with on_commit():
            client.post(
                f"{API}/topics/{topic.pk}/replies",
                {"body": "hello @" + author.username},
                content_type="application/json",
                **bearer(MemberFactory()),
            )
        headers = bearer(author)
        assert client.get(f"{API}/notifications/unread", **headers).json() == {"unread": 1}
        items = client.get(f"{API}/notifications", **headers).json()["items"]
        assert items[0]["kind"] == "mention" and "mentioned you" in items[0]["text"]
        assert client.post(
            f"{API}/notifications/read", {"ids": None}, content_type="application/json", **headers
        ).json() == {"marked": 1}
        assert Notification.objects.filter(read_at__isnull=True).count() == 0
        assert_error(client.get(f"{API}/notifications"), 401, "not_authenticated")

    def test_cannot_read_others_notifications(self, client):
        Notification.objects.create(recipient=MemberFactory(), kind="reply", url="/", dedupe_key="x")
        headers = bearer(MemberFactory())
        assert client.get(f"{API}/notifications", **headers).json()["count"] == 0
        assert client.post(
            f"{API}/notifications/read", {}, content_type="application/json", **headers
        ).json() == {"marked": 0}


def test_absurd_pages_are_refused_not_crashed(client):
    response = client.get(f"{API}/topics", {"page": 29160553039398478169505792})
    assert response.status_code == 422 and "page" in response.json()["error"]["fields"]
