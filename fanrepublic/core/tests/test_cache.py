"""The page cache for visitors: shared pages carry no secrets, members never get it."""

import pytest
from django.core.cache import cache
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from fanrepublic.core.cache import GENERATION_KEY
from fanrepublic.forum import selectors as forum_selectors
from fanrepublic.forum import services as forum_services
from fanrepublic.forum.tests.factories import BoardFactory, ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory, operator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 60


def test_visitors_get_the_cached_page_until_it_expires(client):
    topic = TopicFactory()
    first = client.get(topic.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    ReplyFactory(topic=topic, body="A brand new reply")
    second = client.get(topic.get_absolute_url())
    assert second["X-Page-Cache"] == "hit" and "A brand new reply" not in second.content.decode()
    assert "Content-Security-Policy" in second and second.content == first.content


def test_visitor_pages_hold_no_csrf_token_or_cookie(client):
    response = client.get(reverse("forum:home"))
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and 'name="csrf-token"' not in html
    assert "csrftoken" not in response.cookies


def test_members_always_get_a_fresh_page(client):
    topic = TopicFactory()
    client.get(topic.get_absolute_url())
    client.force_login(MemberFactory())
    ReplyFactory(topic=topic, body="Fresh for members")
    response = client.get(topic.get_absolute_url())
    assert not response.has_header("X-Page-Cache") and "Fresh for members" in response.content.decode()


def test_languages_are_cached_separately(client):
    topic = TopicFactory()
    english = client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert chinese["X-Page-Cache"] == "miss" and english.content != chinese.content


def test_missing_pages_are_not_cached(client):
    assert client.get(reverse("forum:topic", args=[424242])).status_code == 404
    TopicFactory(id=424242)
    assert client.get(reverse("forum:topic", args=[424242])).status_code == 200


def test_visitor_switches_language_with_a_link(client):
    response = client.get(reverse("forum:home") + "?kind=bug&set_language=zh-hans")
    assert response.status_code == 302 and response["Location"] == "/?kind=bug"
    assert response.cookies["django_language"].value == "zh-hans"
    html = client.get("/?kind=bug").content.decode()
    assert 'lang="zh-Hans"' in html and "English" in html


def _moderator_client():
    moderator = Client()
    moderator.force_login(operator())
    return moderator


def test_a_topic_hidden_by_a_moderator_is_gone_for_visitors_at_once(client, on_commit):
    # Given a visitor who has the topic page and its board's list from the cache
    topic = TopicFactory(title="Leaked home address of a member")
    board_url = reverse("forum:board", args=[topic.board.slug])
    client.get(topic.get_absolute_url())
    client.get(board_url)
    client.get(reverse("forum:home"))
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "hit"
    assert topic.title in client.get(board_url).content.decode()
    # When a moderator hides the topic
    with on_commit():
        _moderator_client().post(
            reverse("forum:topic_moderate", args=[topic.pk]), {"action": "hide", "reason": "doxxing"}
        )
    # Then the visitor's next look finds neither the page nor the topic in the lists
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert topic.title not in client.get(board_url).content.decode()
    assert topic.title not in client.get(reverse("forum:home")).content.decode()


def test_a_reply_hidden_by_a_moderator_is_gone_for_visitors_at_once(client, on_commit):
    reply = ReplyFactory(body="Call me on 555-0100")
    reply.topic.reply_count = 1
    reply.topic.save(update_fields=["reply_count"])
    client.get(reply.topic.get_absolute_url())
    assert "555-0100" in client.get(reply.topic.get_absolute_url()).content.decode()
    with on_commit():
        _moderator_client().post(
            reverse("forum:reply_moderate", args=[reply.pk]), {"hidden": "1", "reason": "personal data"}
        )
    assert "555-0100" not in client.get(reply.topic.get_absolute_url()).content.decode()


def test_a_moved_topic_leaves_its_old_board_for_visitors_at_once(client, on_commit):
    topic = TopicFactory(title="Wrong board for this one")
    other = BoardFactory()
    old_url = reverse("forum:board", args=[topic.board.slug])
    new_url = reverse("forum:board", args=[other.slug])
    assert topic.title in client.get(old_url).content.decode()
    assert topic.title not in client.get(new_url).content.decode()
    with on_commit():
        forum_services.topic_move(actor=operator(), topic=topic, board=other)
    assert topic.title not in client.get(old_url).content.decode()
    assert topic.title in client.get(new_url).content.decode()


def test_board_counts_follow_moderation_at_once(client, on_commit):
    topic = TopicFactory()
    assert forum_selectors.boards_list()[0].topic_total == 1
    with on_commit():
        forum_services.topic_moderate(actor=operator(), topic=topic, action="hide", reason="spam")
    assert forum_selectors.boards_list()[0].topic_total == 0


def test_visitors_pages_expire_only_when_the_moderation_commits(client, django_capture_on_commit_callbacks):
    topic = TopicFactory()
    client.get(topic.get_absolute_url())
    with django_capture_on_commit_callbacks() as callbacks:
        forum_services.topic_moderate(actor=operator(), topic=topic, action="lock")
        # Before the commit a visitor would still read the old state: the cache stays.
        assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "hit"
    for callback in callbacks:
        callback()
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "miss"


def test_new_posts_leave_the_visitors_pages_cached(client, on_commit):
    topic = TopicFactory()
    client.get(topic.get_absolute_url())
    with on_commit():
        forum_services.reply_create(author=MemberFactory(), topic=topic, body="Me too, same crash")
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "hit"


def test_an_evicted_generation_never_brings_old_pages_back(client):
    topic = TopicFactory()
    client.get(topic.get_absolute_url())
    cache.delete(GENERATION_KEY)
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_topic_hidden_in_the_admin_is_gone_for_visitors_at_once(client, admin_client, on_commit):
    # Given a visitor who has the topic page from the cache
    topic = TopicFactory(title="Posted the wrong car's plate number")
    client.get(topic.get_absolute_url())
    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "hit"
    # When staff hide it in the Django admin, which goes around the forum's services
    change = reverse("admin:forum_topic_change", args=[topic.pk])
    page = admin_client.get(change).context
    form = page["adminform"].form
    data = {}
    for formset in page["inline_admin_formsets"]:  # the inlines' management forms, as rendered
        management = formset.formset.management_form
        data.update({management[f].html_name: management[f].value() for f in management.fields})
    for name in form.fields:
        value, widget = form[name].value(), form.fields[name].widget
        if isinstance(widget, MultiWidget):  # date and time, side by side
            data.update({f"{name}_{i}": part or "" for i, part in enumerate(widget.decompress(value))})
        elif value is not None:
            data[name] = value
    data["is_hidden"] = "on"
    with on_commit():
        response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["errors"]
    # Then the visitor's next look does not find it
    assert client.get(topic.get_absolute_url()).status_code == 404


def test_with_the_shared_cache_down_visitors_get_pages_and_moderation_still_works(
    client, monkeypatch, on_commit
):
    # Given the shared cache (Redis in production) cannot be reached
    import redis

    topic = TopicFactory(title="Charging speed after the update")

    class Away:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

            return fail

    monkeypatch.setattr("fanrepublic.core.cache.cache", Away())
    monkeypatch.setattr("fanrepublic.forum.services.cache", Away())
    # When a visitor opens the topic, it is served (uncached), not a 500
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200 and topic.title in response.content.decode()
    # And a moderator's hide commits and answers normally though the cache cannot be told
    with on_commit():
        answer = _moderator_client().post(
            reverse("forum:topic_moderate", args=[topic.pk]), {"action": "hide", "reason": "off-topic"}
        )
    assert answer.status_code in (200, 302)
    topic.refresh_from_db()
    assert topic.is_hidden
