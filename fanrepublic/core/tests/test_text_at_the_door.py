"""Text that is not valid Unicode, NUL and control characters are refused at the door with
a clear 4xx and change nothing; email subjects built from members' text are one line.

From the penetration test: a lone surrogate ("\\ud800" in JSON) in a topic title or body,
a reply, or an event's properties answered 500 (UnicodeEncodeError in nh3 and in
ingestion); newlines in display names and bounty titles reached email subjects and
failed three notification tasks (BadHeaderError)."""

import json

import pytest
from django.core import mail

from fanrepublic.bounty.services import report_submit
from fanrepublic.bounty.tests.factories import PublishedReleaseFactory
from fanrepublic.core.errors import ValidationFailed
from fanrepublic.core.text import email_subject, text_problem
from fanrepublic.forum import services as forum
from fanrepublic.forum.models import Reply, Topic
from fanrepublic.forum.tests.factories import BoardFactory, TopicFactory
from fanrepublic.members.services import api_token_create, profile_update
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.notifications.services import notify

pytestmark = pytest.mark.django_db
LONE = ["\\ud800", "\\udfff", "a\\ud83d", "\\ude00b"]


def raw_json_post(client, url, raw: str, user):
    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return client.post(url, data=raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")


class TestAtTheDoor:
    @pytest.mark.parametrize("escaped", LONE)
    @pytest.mark.parametrize("field", ["title", "body"])
    def test_a_lone_surrogate_in_a_topic_is_a_400(self, client, escaped, field):
        board = BoardFactory()
        values = {"board": board.slug, "kind": "feedback", "title": "A fine title", "body": "A fine body"}
        raw = json.dumps(values).replace(json.dumps(values[field]), f'"{escaped}"')
        response = raw_json_post(client, "/api/v1/topics", raw, MemberFactory())
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_characters"
        assert "Unicode" in response.json()["error"]["message"]
        assert Topic.objects.count() == 0

    def test_a_lone_surrogate_in_a_reply_is_a_400(self, client):
        topic = TopicFactory()
        response = raw_json_post(
            client, f"/api/v1/topics/{topic.pk}/replies", '{"body": "x\\ud800"}', MemberFactory()
        )
        assert response.status_code == 400 and Reply.objects.count() == 0

    def test_a_proper_surrogate_pair_is_an_emoji_and_welcome(self, client):
        board = BoardFactory()
        raw = json.dumps(
            {"board": board.slug, "kind": "feedback", "title": "Love it \ud83d\ude00", "body": "Great"},
            ensure_ascii=True,
        )
        assert "\\ud83d\\ude00" in raw
        response = raw_json_post(client, "/api/v1/topics", raw, MemberFactory())
        assert response.status_code == 201, response.content
        assert Topic.objects.get().title == "Love it 😀"

    def test_an_escaped_backslash_is_not_a_surrogate(self, client):
        board = BoardFactory()
        raw = json.dumps(
            {"board": board.slug, "kind": "feedback", "title": "path \\ud800 literal", "body": "x"}
        )
        assert raw.count("\\\\ud800") == 1
        assert raw_json_post(client, "/api/v1/topics", raw, MemberFactory()).status_code == 201

    def test_pages_answer_a_clear_400_too(self, client):
        client.force_login(MemberFactory())
        response = client.post(
            "/members/settings/profile/", data='{"x": "\\ud800"}', content_type="application/json"
        )
        assert response.status_code == 400


class TestServicesRefuseToo:
    """Defence in depth: the services refuse what the door missed (a caller inside)."""

    @pytest.mark.parametrize(
        "title", ["Bad \ud800 title", "Bell \x07 title", "Escape \x1b[31m red", "NUL \x00 x"]
    )
    def test_topic_titles(self, title):
        with pytest.raises(ValidationFailed) as exc:
            forum.topic_create(
                author=MemberFactory(), board=BoardFactory(), kind="feedback", title=title, body="ok"
            )
        assert "title" in exc.value.errors and Topic.objects.count() == 0

    def test_line_breaks_pasted_into_a_title_are_tidied(self):
        topic = forum.topic_create(
            author=MemberFactory(),
            board=BoardFactory(),
            kind="feedback",
            title="Two\nlines\r\n here",
            body="ok",
        )
        assert topic.title == "Two lines here"

    @pytest.mark.parametrize(
        "name", ["Evil\nBcc: all@example.com", "Tab\there", "Bell\x07", "Sep\u2028arator"]
    )
    def test_display_names_are_one_line(self, name):
        member = MemberFactory(display_name="Before")
        with pytest.raises(ValidationFailed) as exc:
            profile_update(member=member, data={"display_name": name})
        assert "display_name" in exc.value.errors
        member.refresh_from_db()
        assert member.display_name == "Before"

    def test_bounty_titles_are_one_line(self):
        with pytest.raises(ValidationFailed) as exc:
            report_submit(
                reporter=MemberFactory(),
                release=PublishedReleaseFactory(),
                title="Crash\x1b when switching",
                steps="1. Open the camera app",
                expected="works",
                actual="crash",
                claimed_severity="high",
            )
        assert "title" in exc.value.errors

    def test_bodies_keep_their_lines_but_not_other_controls(self):
        assert text_problem("line one\nline two\r\n\ttabbed") is None
        assert text_problem("bell \x07") is not None
        assert text_problem("one\ntwo", single_line=True) is not None


class TestEmailSubjects:
    def test_a_subject_from_members_text_is_one_safe_line(self):
        assert email_subject("[Site] Evil\nBcc: x@example.com\r\nrings\x07 \ud800") == (
            "[Site] Evil Bcc: x@example.com rings"
        )
        assert len(email_subject("x" * 500)) == 200

    def test_a_notification_about_a_name_with_a_newline_is_sent(self, on_commit, settings):
        # Stored before the door existed (or by an import): the email must still go out.
        settings.SITE_URL = "https://fans.example.com"
        member = MemberFactory(language="en")
        with on_commit():
            notify(
                recipient_ids=[member.pk],
                kind="reply",
                actor=None,
                url="/t/1/",
                params={"actor": "Evil\nBcc: all@example.com", "topic": "T\r\nX"},
                dedupe_key="subject-test",
            )
        (sent,) = mail.outbox
        assert "\n" not in sent.subject and "\r" not in sent.subject
        assert "https://fans.example.com/t/1/" in sent.body
