"""Answers to requests the site cannot read, and the headers every response carries:
a body over the size limit is a 413 (the API's JSON error body under /api/), a broken
multipart body is a clean 400 with no traceback in the log, every response carries a
Permissions-Policy, and pages with a member's own data are `Cache-Control: private`."""

import logging

import pytest
from django.urls import reverse

from fanrepublic.members.tests.factories import MemberFactory, store_manager
from fanrepublic.rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 1024 * 1024
BAD_BOUNDARY = "multipart/form-data; boundary="


def no_traceback_logged(caplog):
    # Django notes every 4xx in one warning line ("Bad Request: /path"); what must not be
    # there is a traceback or an error.
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


class TestBodyTooLarge:
    def test_a_10_mb_json_body_to_the_api_gets_413_and_the_api_error_body(self, client, caplog):
        client.force_login(MemberFactory())
        reward = RewardFactory()
        body = b'{"idempotency_key": "k", "shipping_name": "' + b"x" * TEN_MB + b'"}'
        response = client.post(f"/api/v1/rewards/{reward.slug}/redeem", body, content_type="application/json")
        assert response.status_code == 413
        assert response.json() == {
            "error": {"code": "request_too_large", "message": "The request is too large.", "fields": {}}
        }
        assert no_traceback_logged(caplog)

    def test_a_large_body_the_api_reads_itself_gets_413_too(self, client):
        # Not JSON, so nothing reads it at the door: django-ninja does, inside the view.
        client.force_login(MemberFactory())
        reward = RewardFactory()
        response = client.post(
            f"/api/v1/rewards/{reward.slug}/redeem", b"x" * TEN_MB, content_type="text/plain"
        )
        assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"

    def test_a_large_form_to_a_page_gets_the_error_page_with_413(self, client, caplog):
        client.force_login(MemberFactory())
        reward = RewardFactory()
        response = client.post(
            reward.get_absolute_url(),
            b"quantity=1&key=" + b"x" * TEN_MB,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 413 and response["Content-Type"].startswith("text/html")
        assert "The request is too large." in response.content.decode()
        assert no_traceback_logged(caplog)


class TestBrokenMultipart:
    def test_a_bad_boundary_to_a_page_is_a_400_page_without_a_traceback(self, client, caplog):
        client.force_login(MemberFactory())
        response = client.post(
            reverse("members:profile_edit"), b"--x\r\n\r\nbroken", content_type=BAD_BOUNDARY
        )
        assert response.status_code == 400
        assert "The request body could not be read." in response.content.decode()
        assert no_traceback_logged(caplog)

    def test_a_bad_boundary_to_the_api_is_a_400_with_the_api_error_body(self, client, caplog):
        client.force_login(store_manager())
        response = client.post("/api/v1/rewards/orders/1/fulfil", b"broken", content_type=BAD_BOUNDARY)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unreadable_body"
        assert no_traceback_logged(caplog)

    def test_the_page_is_in_the_language_the_browser_asks_for(self, client):
        response = client.post(
            reverse("members:profile_edit"),
            b"broken",
            content_type=BAD_BOUNDARY,
            HTTP_ACCEPT_LANGUAGE="zh-CN",
        )
        assert response.status_code == 400 and '<html lang="zh-Hans">' in response.content.decode()

    def test_too_many_fields_is_a_400(self, client, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
        client.force_login(MemberFactory())
        body = "&".join(f"f{i}=1" for i in range(10))
        response = client.post(
            reverse("members:profile_edit"), body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400 and "too many fields" in response.content.decode()


class TestPermissionsPolicy:
    @pytest.mark.parametrize("path", ["/", "/api/v1/topics", "/no-such-page/", "/accounts/login/"])
    def test_every_response_denies_the_browser_features_the_site_does_not_use(self, client, path):
        policy = client.get(path)["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy

    def test_refused_requests_carry_it_too(self, client):
        response = client.get("/members/u/a%00b/")
        assert response.status_code == 400 and "camera=()" in response["Permissions-Policy"]


class TestPrivatePages:
    @pytest.mark.parametrize(
        "name",
        ["points:wallet", "rewards:orders", "notifications:list", "forum:home", "members:profile_edit"],
    )
    def test_a_members_pages_are_private(self, client, name):
        client.force_login(MemberFactory())
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]

    def test_staff_and_settings_pages_are_not_stored_at_all(self, client):
        client.force_login(store_manager())
        for name in ("rewards:desk", "members:tokens"):
            cache_control = client.get(reverse(name))["Cache-Control"]
            assert "private" in cache_control and "no-store" in cache_control

    def test_an_api_call_with_a_token_is_private(self, client):
        from fanrepublic.members.services import api_token_create

        _token, secret = api_token_create(owner=MemberFactory(), name="t", scopes=["read"])
        response = client.get("/api/v1/notifications/unread", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200 and "private" in response["Cache-Control"]

    def test_csv_exports_keep_their_own_no_store(self, client):
        client.force_login(MemberFactory())
        assert client.get(reverse("points:wallet_csv"))["Cache-Control"] == "private, no-store"

    def test_visitors_pages_stay_cacheable(self, client, settings):
        settings.ANONYMOUS_PAGE_CACHE_SECONDS = 60
        first, second = client.get(reverse("forum:home")), client.get(reverse("forum:home"))
        assert "Cache-Control" not in first and second["X-Page-Cache"] == "hit"
