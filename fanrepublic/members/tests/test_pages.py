"""Accounts and member pages: sign-up with email confirmation, rate-limited login,
profile editing, language choice, tokens, suspension and trust pages."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fanrepublic.activity.models import Event
from fanrepublic.forum.tests.test_services import png_bytes
from fanrepublic.members.models import ApiToken, User
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


class TestAccounts:
    def test_sign_up_confirm_and_land_signed_in(self, client):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "username": "newfan",
                "password1": "a-long-Passw0rd!",
                "password2": "a-long-Passw0rd!",
            },
            HTTP_ACCEPT_LANGUAGE="zh-CN",
        )
        assert response.status_code == 302
        user = User.objects.get(username="newfan")
        assert user.language == "zh-hans"
        assert Event.objects.filter(verb="member.signed_up", actor=user).exists()
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
        client.post(link)
        assert EmailAddress.objects.get(user=user).verified
        assert client.get(reverse("members:profile_edit")).status_code == 200

    @pytest.mark.parametrize("username", ["admin", "official", "founder"])
    def test_staff_looking_names_are_reserved(self, client, username):
        client.post(
            reverse("account_signup"),
            {
                "email": "x@example.com",
                "username": username,
                "password1": "a-long-Passw0rd!",
                "password2": "a-long-Passw0rd!",
            },
        )
        assert not User.objects.filter(username=username).exists()

    def test_repeated_failed_logins_from_one_address_answer_429(self, client):
        # More in test_login_limits.py: other addresses, the code, the numbers.
        verified(MemberFactory(username="target"))
        for _ in range(5):
            client.post(reverse("account_login"), {"login": "target", "password": "wrong"})
        response = client.post(reverse("account_login"), {"login": "target", "password": "pass-word-123"})
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert 'data-testid="sign-in-by-code"' in response.content.decode()

    def test_login_is_rate_limited_with_retry_after(self, client, settings):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
        statuses = [
            client.post(reverse("account_login"), {"login": "x", "password": "y"}).status_code
            for _ in range(4)
        ]
        assert statuses[-1] == 429
        response = client.post(reverse("account_login"), {"login": "x", "password": "y"})
        assert response.status_code == 429 and int(response["Retry-After"]) > 0

    def test_sign_up_is_rate_limited(self, client, settings):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/h/ip"}
        for i in range(2):
            response = client.post(
                reverse("account_signup"),
                {
                    "email": f"n{i}@example.com",
                    "username": f"n{i}",
                    "password1": "a-long-Passw0rd!",
                    "password2": "a-long-Passw0rd!",
                },
            )
        assert response.status_code == 429 and User.objects.filter(username="n1").count() == 0

    def test_login_and_logout(self, client):
        member = verified(MemberFactory())
        response = client.post(
            reverse("account_login"), {"login": member.username, "password": "pass-word-123"}
        )
        assert response.status_code == 302
        assert client.get(reverse("notifications:list")).status_code == 200
        client.post(reverse("account_logout"))
        assert client.get(reverse("notifications:list")).status_code == 302

    def test_password_reset_sends_mail(self, client):
        member = verified(MemberFactory())
        client.post(reverse("account_reset_password"), {"email": member.email})
        assert "password" in mail.outbox[-1].subject.lower()


class TestProfile:
    def test_public_profile_shows_trust_and_score(self, client):
        member = MemberFactory(trust_level=2, reputation=17, display_name="米粉小明")
        html = client.get(reverse("members:profile", args=[member.username])).content.decode()
        assert "米粉小明" in html and 'data-testid="trust-level"' in html and "17" in html

    def test_unknown_or_inactive_profiles_are_404(self, client):
        assert client.get(reverse("members:profile", args=["ghost"])).status_code == 404
        gone = MemberFactory(is_active=False)
        assert client.get(reverse("members:profile", args=[gone.username])).status_code == 404

    def test_edit_profile_with_avatar_products_and_language(self, client):
        member = MemberFactory()
        phone = ProductLineFactory()
        client.force_login(member)
        response = client.post(
            reverse("members:profile_edit"),
            {
                "display_name": "Ming",
                "bio": "Camera nerd",
                "language": "zh-hans",
                "country": "CN",
                "products_owned": [phone.pk],
                "avatar": SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"),
            },
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.display_name == "Ming" and member.language == "zh-hans" and member.avatar
        assert member.country == "CN"
        assert list(member.products_owned.all()) == [phone]
        assert Event.objects.filter(verb="member.profile.updated", actor=member).exists()

    def test_bad_avatar_and_too_long_bio_change_nothing(self, client):
        member = MemberFactory(bio="old")
        client.force_login(member)
        response = client.post(
            reverse("members:profile_edit"),
            {
                "display_name": "x",
                "bio": "b" * 1001,
                "language": "en",
                "avatar": SimpleUploadedFile("me.png", b"not an image", content_type="image/png"),
            },
        )
        assert response.status_code == 422
        member.refresh_from_db()
        assert member.bio == "old" and not member.avatar

    def test_an_unknown_country_is_refused(self, client):
        member = MemberFactory()
        client.force_login(member)
        response = client.post(
            reverse("members:profile_edit"), {"display_name": "Ming", "language": "en", "country": "XX"}
        )
        assert response.status_code == 422
        member.refresh_from_db()
        assert member.country == ""

    def test_member_language_switch_is_saved(self, client):
        member = MemberFactory(language="en")
        client.force_login(member)
        response = client.post(reverse("members:set_language"), {"language": "zh-hans", "next": "/b/x/"})
        assert response.status_code == 302 and response["Location"] == "/b/x/"
        member.refresh_from_db()
        assert member.language == "zh-hans"
        assert 'lang="zh-Hans"' in client.get("/").content.decode()

    def test_language_switch_refuses_foreign_redirects(self, client):
        response = client.post(
            reverse("members:set_language"), {"language": "en", "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"


class TestTokensPage:
    def test_create_shows_secret_once_and_revoke(self, client):
        member = MemberFactory()
        client.force_login(member)
        html = client.post(reverse("members:tokens"), {"name": "script", "scopes": ["read"]}).content.decode()
        assert 'data-testid="token-secret">fr_' in html
        token = ApiToken.objects.get(owner=member)
        assert 'data-testid="token-secret"' not in client.get(reverse("members:tokens")).content.decode()
        client.post(reverse("members:token_revoke", args=[token.pk]))
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_an_operator_creates_a_token_for_an_integration(self, client):
        from fanrepublic.activity.tests.factories import IntegrationFactory

        pos = IntegrationFactory(name="Beijing POS")
        client.force_login(operator())
        page = client.get(reverse("members:tokens")).content.decode()
        assert "Beijing POS" in page
        refused = client.post(reverse("members:tokens"), {"name": "pos", "scopes": ["events:ingest"]})
        assert refused.status_code == 422 and "integration" in refused.content.decode()
        created = client.post(
            reverse("members:tokens"), {"name": "pos", "scopes": ["events:ingest"], "integration": pos.pk}
        )
        assert created.status_code == 200
        token = ApiToken.objects.get()
        assert token.integration == pos and token.scopes == ["events:ingest"]

    def test_members_cannot_create_ingest_tokens_or_revoke_others(self, client):
        client.force_login(MemberFactory())
        page = client.get(reverse("members:tokens")).content.decode()
        assert "events:ingest" not in page and 'name="integration"' not in page
        response = client.post(reverse("members:tokens"), {"name": "x", "scopes": ["events:ingest"]})
        assert response.status_code == 422 and not ApiToken.objects.exists()
        other = ApiToken.objects.create(
            owner=MemberFactory(), name="x", prefix="fr_x", key_hash="h", scopes=["read"]
        )
        assert client.post(reverse("members:token_revoke", args=[other.pk])).status_code == 404


class TestStaffActions:
    def test_operator_suspends_from_the_profile_and_member_cannot_post(self, client):
        member = MemberFactory()
        client.force_login(operator())
        client.post(reverse("members:suspend", args=[member.username]), {"days": 3, "reason": "spam links"})
        member.refresh_from_db()
        assert member.is_suspended
        client.force_login(member)
        assert "spam links" in client.get("/").content.decode()

    @pytest.mark.parametrize("make", [MemberFactory, engineer])
    def test_others_get_404_for_staff_actions(self, client, make):
        member = MemberFactory()
        client.force_login(make())
        assert (
            client.post(
                reverse("members:suspend", args=[member.username]), {"days": 3, "reason": "x"}
            ).status_code
            == 404
        )
        assert client.post(reverse("members:recompute_trust", args=[member.username])).status_code == 404
        member.refresh_from_db()
        assert not member.is_suspended

    def test_operator_recomputes_trust_on_demand(self, client):
        member = MemberFactory()
        client.force_login(operator())
        assert client.post(reverse("members:recompute_trust", args=[member.username])).status_code == 302
        assert hasattr(User.objects.get(pk=member.pk), "stats")
