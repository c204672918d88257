"""The page cache for visitors: shared pages carry no secrets, members never get it."""

import pytest
from django.urls import reverse

from fanrepublic.forum.tests.factories import ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory

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
