"""Changelog pages, the Atom feed, metrics, the staff planning pages and the API."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.forum.enums import TopicStatus
from fanrepublic.forum.tests.factories import BoardFactory, TopicFactory
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, store_manager
from fanrepublic.releases.enums import ReleaseStatus
from fanrepublic.releases.models import Release, ReleaseItem
from fanrepublic.releases.tests.factories import ReleaseFactory, ReleaseItemFactory

pytestmark = pytest.mark.django_db


def published(**kwargs):
    release = ReleaseFactory(status=ReleaseStatus.PUBLISHED, published_at=timezone.now(), **kwargs)
    ReleaseItemFactory(release=release, title="Game do-not-disturb <mode>", title_zh="游戏免打扰模式")
    return release


class TestPublicPages:
    def test_the_changelog_shows_published_releases_only(self, client):
        shipped = published(version="2.1.3")
        ReleaseFactory(version="9.9.9")  # planned: not public
        page = client.get(reverse("releases:index")).content.decode()
        assert "2.1.3" in page and "9.9.9" not in page
        assert "Game do-not-disturb &lt;mode&gt;" in page
        product = client.get(reverse("releases:product", args=[shipped.product_line.slug])).content.decode()
        assert "2.1.3" in product
        assert client.get(shipped.get_absolute_url()).status_code == 200

    def test_a_planned_or_unknown_release_answers_404(self, client):
        planned = ReleaseFactory(version="9.9.9")
        assert client.get(planned.get_absolute_url()).status_code == 404
        assert client.get(reverse("releases:release", args=["nope", "1.0"])).status_code == 404

    def test_the_changelog_in_chinese(self, client):
        published(version="2.1.3")
        page = client.get(reverse("releases:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "游戏免打扰模式" in page and "更新日志" in page

    def test_the_atom_feed_is_valid_and_escapes_titles(self, client):
        release = published(version="2.1.3")
        for url in (
            reverse("releases:feed"),
            reverse("releases:product_feed", args=[release.product_line.slug]),
        ):
            response = client.get(url)
            assert response["Content-Type"].startswith("application/atom+xml")
            root = ET.fromstring(response.content)
            ns = {"a": "http://www.w3.org/2005/Atom"}
            entries = root.findall("a:entry", ns)
            assert len(entries) == 1 and "2.1.3" in entries[0].find("a:title", ns).text
            assert "&lt;mode&gt;" in entries[0].find("a:summary", ns).text
        assert client.get(reverse("releases:product_feed", args=["nope"])).status_code == 404

    def test_metrics_page_shows_the_figures_and_a_chart(self, client):
        release = published(version="2.1.3")
        ReleaseItemFactory(release=release, source="outside", contributor=MemberFactory())
        page = client.get(reverse("releases:metrics")).content.decode()
        assert "50.0%" in page and "<svg" in page
        by_product = client.get(reverse("releases:metrics") + f"?product={release.product_line.slug}")
        assert by_product.status_code == 200


def release_post(board, **overrides):
    return {"product_line": board.product_line.pk, "channel": "stable", "version": "2.1.3", **overrides}


class TestStaffPages:
    @pytest.mark.parametrize("role", [None, store_manager])
    def test_members_and_other_staff_get_404(self, client, role):
        client.force_login(role() if role else MemberFactory())
        release = ReleaseFactory()
        assert client.get(reverse("releases:plan")).status_code == 404
        assert client.post(reverse("releases:plan"), release_post(BoardFactory())).status_code == 404
        assert client.get(reverse("releases:workbench", args=[release.pk])).status_code == 404
        assert client.post(reverse("releases:publish", args=[release.pk])).status_code == 404
        assert Release.objects.count() == 1

    def test_an_engineer_plans_adds_a_waiting_suggestion_and_publishes(self, client):
        board = BoardFactory()
        topic = TopicFactory(board=board, status=TopicStatus.ACKNOWLEDGED, vote_count=12)
        client.force_login(engineer())
        response = client.post(reverse("releases:plan"), release_post(board))
        release = Release.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "releases:workbench", args=[release.pk]
        )
        bench = client.get(response.url).content.decode()
        assert f"#{topic.pk} {topic.title}" in bench
        added = client.post(response.url, {"topic": topic.pk, "source": "suggestion", "kind": "feature"})
        assert added.status_code == 302 and release.items.get().topic == topic
        done = client.post(reverse("releases:publish", args=[release.pk]))
        assert done.status_code == 302 and done.url == release.get_absolute_url()
        topic.refresh_from_db()
        assert topic.status == TopicStatus.SHIPPED

    @pytest.mark.parametrize(
        "overrides",
        [{"version": ""}, {"version": "bad version"}, {"channel": "nightly"}, {"planned_for": "2020-01-03"}],
    )
    def test_bad_release_input_is_refused(self, client, overrides):
        client.force_login(engineer())
        assert (
            client.post(reverse("releases:plan"), release_post(BoardFactory(), **overrides)).status_code
            == 422
        )
        assert not Release.objects.exists()

    @pytest.mark.parametrize(
        "data",
        [
            {"source": "suggestion", "kind": "feature", "topic": "999999"},
            {"source": "suggestion", "kind": "feature"},
            {"source": "outside", "kind": "feature", "title": "Boot", "contributor": "nobody-here"},
            {"source": "outside", "kind": "feature", "title": "Boot", "outside_url": "not a url"},
            {"source": "internal", "kind": "sideways", "title": "Boot"},
        ],
    )
    def test_bad_item_input_is_refused(self, client, data):
        release = ReleaseFactory()
        client.force_login(engineer())
        response = client.post(reverse("releases:workbench", args=[release.pk]), data)
        assert response.status_code == 422 and 'class="errorlist' in response.content.decode()
        assert not ReleaseItem.objects.exists()

    def test_a_frozen_release_offers_no_add_form_and_refuses_a_post(self, client):
        release = ReleaseFactory(freeze_at=timezone.now() - timedelta(hours=1))
        client.force_login(engineer())
        url = reverse("releases:workbench", args=[release.pk])
        assert "Add a change" not in client.get(url).content.decode()
        assert client.post(url, {"source": "internal", "kind": "fix", "title": "Late fix"}).status_code == 409
        assert not ReleaseItem.objects.exists()

    def test_removing_an_item(self, client):
        item = ReleaseItemFactory()
        client.force_login(engineer())
        client.post(reverse("releases:item_remove", args=[item.release_id, item.pk]))
        assert not ReleaseItem.objects.exists()


def bearer(user):
    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestApi:
    def test_public_list_and_detail(self, client):
        release = published(version="2.1.3")
        planned = ReleaseFactory(version="9.9.9")
        listing = client.get("/api/v1/releases").json()
        assert [r["version"] for r in listing["items"]] == ["2.1.3"]
        assert listing["items"][0]["items"][0]["title_zh"] == "游戏免打扰模式"
        assert client.get(f"/api/v1/releases/{release.pk}").status_code == 200
        assert client.get(f"/api/v1/releases/{planned.pk}").status_code == 404
        assert client.get(f"/api/v1/releases/{planned.pk}", **bearer(engineer())).status_code == 200
        assert client.get("/api/v1/releases?product=nope").status_code == 422
        assert client.get("/api/v1/releases/metrics").json()["releases"][0]["version"] == "2.1.3"

    def test_staff_plan_add_and_publish_through_the_api(self, client):
        board = BoardFactory()
        topic = TopicFactory(board=board)
        auth = bearer(engineer())
        created = client.post(
            "/api/v1/releases",
            {"product": board.product_line.slug, "version": "3.0.0"},
            "application/json",
            **auth,
        )
        assert created.status_code == 201
        rid = created.json()["id"]
        item = client.post(
            f"/api/v1/releases/{rid}/items",
            {"source": "suggestion", "topic_id": topic.pk},
            "application/json",
            **auth,
        )
        assert item.status_code == 201 and item.json()["contributor"] == topic.author.username
        done = client.post(f"/api/v1/releases/{rid}/publish", **auth)
        assert done.status_code == 200 and done.json()["status"] == "published"
        again = client.post(f"/api/v1/releases/{rid}/publish", **auth)
        assert again.status_code == 409 and again.json()["error"]["code"]

    def test_members_cannot_use_the_staff_endpoints(self, client):
        release = ReleaseFactory()
        auth = bearer(MemberFactory())
        board = BoardFactory()
        body = {"product": board.product_line.slug, "version": "3.0.0"}
        assert client.post("/api/v1/releases", body, "application/json", **auth).status_code == 404
        item = {"source": "internal", "title": "x"}
        assert (
            client.post(f"/api/v1/releases/{release.pk}/items", item, "application/json", **auth).status_code
            == 404
        )
        assert client.post(f"/api/v1/releases/{release.pk}/publish", **auth).status_code == 404
        assert Release.objects.count() == 1 and not ReleaseItem.objects.exists()

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"source": "suggestion", "topic_id": 999999}, "topic_id"),
            ({"source": "outside", "title": "x", "contributor": "nobody-here"}, "contributor"),
            ({"source": "internal", "title": ""}, "title"),
        ],
    )
    def test_bad_item_input_through_the_api(self, client, body, field):
        release = ReleaseFactory()
        response = client.post(
            f"/api/v1/releases/{release.pk}/items", body, "application/json", **bearer(engineer())
        )
        assert response.status_code == 422 and field in response.json()["error"]["fields"]
        assert not ReleaseItem.objects.exists()
