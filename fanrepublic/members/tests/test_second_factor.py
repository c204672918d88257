"""Staff need a second factor (docs/security.md, "Second factor for staff"): without one,
or in a session that did not pass it, no page, admin page or API call works; the real
sign-in asks for it; members are not bothered but may opt in; members see and end their
sessions and revoke tokens on one page."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fanrepublic.members.errors import SecondFactorRequired
from fanrepublic.members.models import ApiToken
from fanrepublic.members.second_factor import totp_activate, totp_code
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import (
    MemberFactory,
    current_totp_code,
    engineer,
    founder,
    legal,
    operator,
    security,
    store_manager,
)
from fanrepublic.points.services import points_award, wallet_for
from fanrepublic.rewards import services as rewards_services
from fanrepublic.rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
ROLES = {
    "engineer": engineer,
    "operator": operator,
    "store_manager": store_manager,
    "legal": legal,
    "founder": founder,
    "security": security,
    "superuser": lambda **kw: MemberFactory(is_staff=True, is_superuser=True, **kw),
}
# Every kind of page a staff member uses: staff desks, moderation and money pages in
# several apps, the admin, member pages that show staff actions, the tokens page.
STAFF_PAGES = [
    "/staff/desk/",
    "/staff/metrics/",
    "/staff/flags/",
    "/staff/audit/",
    "/rewards/staff/orders/",
    "/rewards/staff/catalogue/",
    "/points/staff/rules/",
    "/bounty/staff/",
    "/betas/staff/",
    "/releases/staff/",
    "/badges/perks/staff/",
    "/votes/new/",
    "/launches/new/",
    "/admin/",
    "/admin/members/user/",
    "/",
    "/members/settings/tokens/",
]


def verified(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def drop_second_factor_step(client) -> None:
    """The session as one that signed in before the member had a second factor."""
    session = client.session
    records = session.get("account_authentication_methods", [])
    session["account_authentication_methods"] = [r for r in records if r.get("method") != "mfa"]
    session.save()


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def api_error(response) -> str:
    return json.loads(response.content)["error"]["code"]


class TestStaffWithoutSecondFactor:
    @pytest.mark.parametrize("role", list(ROLES))
    @pytest.mark.parametrize("path", STAFF_PAGES)
    def test_every_page_sends_them_to_set_one_up(self, client, role, path):
        # Given a staff member of any role who has no second factor, signed in
        client.force_login(ROLES[role](second_factor=False))
        # When they open a staff page, the admin or any other page
        response = client.get(path)
        # Then they are sent to the two-factor set-up page
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index")

    def test_the_set_up_pages_and_the_security_page_stay_open(self, client):
        client.force_login(operator(second_factor=False))
        assert client.get(reverse("mfa_index")).status_code == 200
        page = client.get(reverse("members:security"))
        assert page.status_code == 200 and "Staff accounts must turn it on" in page.content.decode()
        assert client.get(reverse("account_reauthenticate")).status_code == 200

    def test_the_two_factor_page_says_why(self, client):
        client.force_login(operator(second_factor=False))
        page = client.get("/staff/desk/", follow=True)
        assert page.redirect_chain[-1][0] == reverse("mfa_index")
        assert "Staff accounts need two-factor authentication" in page.content.decode()

    def test_a_staff_action_is_refused_and_changes_nothing(self, client):
        # Given a placed order and a store manager without a second factor
        fan = MemberFactory()
        points_award(member=fan, points=500, key="seed", memo="seed")
        order = rewards_services.reward_redeem(member=fan, reward=RewardFactory(), key="k")
        client.force_login(store_manager(second_factor=False))
        # When they post the fulfilment form
        response = client.post(
            reverse("rewards:fulfil", args=[order.pk]),
            {"voucher_code": "ORANGE-1"},
            HTTP_REFERER="http://testserver/rewards/staff/orders/",
        )
        # Then they are sent to set up a second factor and the order is still open
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
        order.refresh_from_db()
        assert order.status == "placed"

    def test_htmx_requests_are_redirected_by_header(self, client):
        client.force_login(engineer(second_factor=False))
        response = client.get("/staff/desk/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and response["HX-Redirect"] == reverse("mfa_index")

    @pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/rewards/staff/orders", "/api/v1/topics"])
    def test_api_calls_with_their_session_answer_403(self, client, path):
        client.force_login(store_manager(second_factor=False))
        response = client.get(path)
        assert response.status_code == 403 and api_error(response) == "second_factor_required"

    def test_they_cannot_make_a_token(self, client):
        manager = store_manager(second_factor=False)
        with pytest.raises(SecondFactorRequired):
            api_token_create(owner=manager, name="script", scopes=["read", "write"])
        assert not ApiToken.objects.filter(owner=manager).exists()

    def test_their_tokens_stop_working_until_they_have_one_again(self, client):
        # Given an operator's token, made while they had an authenticator app
        op = operator()
        _token, secret = api_token_create(owner=op, name="script", scopes=["read", "write"])
        fan = MemberFactory(username="lucky")
        adjust = {"member": "lucky", "points": 50, "reason": "prize", "idempotency_key": "k1"}
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        # When the authenticator is gone
        Authenticator.objects.filter(user=op).delete()
        # Then the token moves no points and reads nothing
        response = client.post("/api/v1/points/adjustments", adjust, content_type="application/json", **auth)
        assert response.status_code == 403 and api_error(response) == "second_factor_required"
        assert client.get("/api/v1/me", **auth).status_code == 403
        assert wallet_for(fan).balance_minor == 0
        # And once they set one up again it works
        totp_activate(member=op, secret="JBSWY3DPEHPK3PXP")
        response = client.post("/api/v1/points/adjustments", adjust, content_type="application/json", **auth)
        assert response.status_code == 201 and wallet_for(fan).balance_minor == 50

    def test_members_tokens_are_not_affected(self, client):
        _token, secret = api_token_create(owner=MemberFactory(), name="script", scopes=["read"])
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    # A real commit: allauth announces the new authenticator after it, while the request
    # (and its session) is still being handled.
    @pytest.mark.django_db(transaction=True)
    def test_setting_one_up_lets_them_in_without_signing_in_again(self, client):
        # Given an engineer without a second factor, with a verified address
        eng = verified(engineer(second_factor=False))
        client.force_login(eng)
        # When they confirm their password and activate an authenticator app
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        secret = client.session[SECRET_SESSION_KEY]
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response.status_code == 302
        # Then staff pages open in the same session
        assert Authenticator.objects.filter(user=eng, type="totp").exists()
        assert client.get("/staff/desk/").status_code == 200


class TestSessionThatDidNotPassTheSecondFactor:
    def test_staff_must_re_authenticate_with_it_then_go_on(self, client):
        # Given an operator with an authenticator app whose session has only the password
        op = operator()
        client.force_login(op)
        drop_second_factor_step(client)
        # When they open a staff page
        response = client.get("/staff/metrics/?days=30")
        # Then they are asked for the second factor, and come back after it
        target = reverse("mfa_reauthenticate") + "?next=%2Fstaff%2Fmetrics%2F%3Fdays%3D30"
        assert response.status_code == 302 and response["Location"] == target
        assert client.get(target).status_code == 200
        wrong = client.post(target, {"code": "000000" if current_totp_code(op) != "000000" else "111111"})
        assert wrong.status_code == 200 and client.get("/staff/metrics/").status_code == 302
        right = client.post(target, {"code": current_totp_code(op)})
        assert right.status_code == 302 and right["Location"] == "/staff/metrics/?days=30"
        assert client.get("/staff/metrics/").status_code == 200

    @pytest.mark.parametrize(
        "name", ["mfa_add_webauthn", "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_index"]
    )
    def test_the_password_alone_cannot_add_a_key_or_read_recovery_codes(self, client, name):
        op = operator()
        RecoveryCodes.activate(op)
        client.force_login(op)
        drop_second_factor_step(client)
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))

    def test_the_api_answers_403(self, client):
        client.force_login(founder())
        drop_second_factor_step(client)
        response = client.get("/api/v1/me")
        assert response.status_code == 403 and api_error(response) == "second_factor_required"

    def test_the_admin_sign_in_form_is_the_sites(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


class TestSigningIn:
    @pytest.mark.parametrize(
        ("make", "staff_page"),
        [(founder, "/staff/audit/"), (ROLES["superuser"], "/admin/")],
        ids=["founder", "superuser"],
    )
    def test_staff_are_asked_for_the_code_and_only_the_right_one_lets_them_in(self, client, make, staff_page):
        # Given a staff member with an authenticator app
        boss = verified(make())
        # When they sign in with the password
        response = sign_in_with_password(client, boss)
        # Then the site asks for the code before they are signed in
        assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
        assert not signed_in_as(client, boss)
        # A wrong code keeps them out
        wrong = "123456" if current_totp_code(boss) != "123456" else "654321"
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200 and not signed_in_as(client, boss)
        # The right code lets them in, and staff pages open
        client.post(reverse("mfa_authenticate"), {"code": current_totp_code(boss)})
        assert signed_in_as(client, boss)
        assert client.get(staff_page).status_code == 200

    def test_a_recovery_code_works_once(self, client):
        # Given a legal officer with an authenticator app and recovery codes
        officer = verified(legal())
        code = RecoveryCodes.activate(officer).get_unused_codes()[0]
        # When they sign in with a recovery code instead of the app
        sign_in_with_password(client, officer)
        client.post(reverse("mfa_authenticate"), {"code": code})
        # Then they are in, and staff pages open
        assert signed_in_as(client, officer) and client.get("/members/settings/tokens/").status_code == 200
        # But the same code does not work a second time
        other = Client()
        sign_in_with_password(other, officer)
        response = other.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200 and not signed_in_as(other, officer)

    def test_wrong_codes_are_limited_per_account(self, client):
        boss = verified(founder())
        sign_in_with_password(client, boss)
        right = current_totp_code(boss)
        wrong = "000000" if right != "000000" else "111111"
        for _ in range(5):
            client.post(reverse("mfa_authenticate"), {"code": wrong})
        response = client.post(reverse("mfa_authenticate"), {"code": right})
        assert not signed_in_as(client, boss) and response.status_code in (200, 429)

    def test_an_emailed_sign_in_code_still_asks_staff_for_the_second_factor(self, client):
        # Given an operator who signs in with a one-time code from their email
        op = verified(operator())
        client.post(reverse("account_request_login_code"), {"email": op.email})
        code = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", mail.outbox[-1].body, re.M).group(1)
        response = client.post(reverse("account_confirm_login_code"), {"code": code})
        # Then the site still asks for the second factor before they are in
        assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
        assert not signed_in_as(client, op)
        client.post(reverse("mfa_authenticate"), {"code": current_totp_code(op)})
        assert signed_in_as(client, op) and client.get("/staff/flags/").status_code == 200

    def test_a_member_without_a_second_factor_signs_in_with_the_password(self, client):
        fan = verified(MemberFactory())
        response = sign_in_with_password(client, fan)
        assert response.status_code == 302 and signed_in_as(client, fan)


class TestMembers:
    @pytest.mark.parametrize(
        "path", ["/", "/members/settings/tokens/", "/members/settings/security/", "/points/"]
    )
    def test_members_without_a_second_factor_are_not_bothered(self, client, path):
        client.force_login(MemberFactory())
        assert client.get(path).status_code == 200
        assert client.get("/api/v1/me").status_code == 200

    def test_a_member_can_opt_in_and_is_then_asked_for_the_code(self, client):
        # Given a member with a verified address, signed in with the password
        fan = verified(MemberFactory())
        sign_in_with_password(client, fan)
        page = client.get(reverse("members:security"))
        assert "Off. Turn it on" in page.content.decode()
        # When they confirm the password and activate an authenticator app
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
        secret = client.session[SECRET_SESSION_KEY]
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        # Then the security page says so
        assert "On: signing in asks" in client.get(reverse("members:security")).content.decode()
        # And signing in again asks for the code
        cache.clear()  # the code used to activate is spent for its 30 seconds
        other = Client()
        response = sign_in_with_password(other, fan)
        assert response["Location"] == reverse("mfa_authenticate") and not signed_in_as(other, fan)
        other.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert signed_in_as(other, fan)


class TestSecurityPage:
    def test_lists_sessions_and_ends_another_one(self):
        # Given a member signed in on two browsers
        fan = verified(MemberFactory())
        laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone browser")
        sign_in_with_password(laptop, fan)
        sign_in_with_password(phone, fan)
        # When the security page lists both, with the laptop marked as this browser
        page = laptop.get(reverse("members:security")).content.decode()
        assert page.count('data-testid="session"') == 2
        assert "Laptop browser" in page and "Phone browser" in page and "This browser" in page
        # And the member signs the phone out from the laptop
        phone_session = UserSession.objects.get(user=fan, user_agent="Phone browser")
        response = laptop.post(reverse("members:session_end", args=[phone_session.pk]))
        assert response.status_code == 302
        # Then the phone is signed out and the laptop is not
        assert not signed_in_as(phone, fan)
        assert phone.get(reverse("members:security")).status_code == 302
        assert signed_in_as(laptop, fan)
        assert laptop.get(reverse("members:security")).content.decode().count('data-testid="session"') == 1

    def test_signs_out_all_other_sessions(self):
        fan = verified(MemberFactory())
        here, *elsewhere = [Client() for _ in range(3)]
        for c in (here, *elsewhere):
            sign_in_with_password(c, fan)
        here.post(reverse("members:sessions_end_others"))
        assert signed_in_as(here, fan)
        assert not any(signed_in_as(c, fan) for c in elsewhere)

    def test_sessions_from_before_the_list_are_shown_too(self, client):
        # force_login does not go through allauth's sign-in; the session is noted anyway
        client.force_login(MemberFactory())
        page = client.get(reverse("members:security")).content.decode()
        assert page.count('data-testid="session"') == 1

    def test_nobody_ends_another_members_session(self, client):
        victim = verified(MemberFactory())
        theirs = Client()
        sign_in_with_password(theirs, victim)
        session = UserSession.objects.get(user=victim)
        client.force_login(MemberFactory())
        assert client.post(reverse("members:session_end", args=[session.pk])).status_code == 404
        assert signed_in_as(theirs, victim)

    def test_revokes_a_token_from_the_same_page(self, client):
        # Given a member with a token that works
        fan = MemberFactory()
        token, secret = api_token_create(owner=fan, name="backup script", scopes=["read"])
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        assert client.get("/api/v1/me", **auth).status_code == 200
        client.force_login(fan)
        page = client.get(reverse("members:security")).content.decode()
        assert "backup script" in page and page.count('data-testid="token"') == 1
        # When they revoke it there
        response = client.post(reverse("members:token_revoke", args=[token.pk]), {"next": "security"})
        # Then they are back on the page and the token no longer works
        assert response.status_code == 302 and response["Location"] == reverse("members:security")
        assert Client().get("/api/v1/me", **auth).status_code == 401
        assert 'data-testid="token"' not in client.get(reverse("members:security")).content.decode()

    def test_page_is_in_chinese_for_chinese_members(self, client):
        fan = MemberFactory(language="zh-hans")
        api_token_create(owner=fan, name="脚本", scopes=["read"])
        client.force_login(fan)
        page = client.get(reverse("members:security")).content.decode()
        assert '<html lang="zh-Hans">' in page and "API 令牌" in page and "撤销" in page

    def test_staff_cannot_remove_their_last_authenticator_app(self, client):
        op = operator()
        client.force_login(op)
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.post(reverse("mfa_deactivate_totp"))
        assert Authenticator.objects.filter(user=op, type="totp").exists()

    def test_members_may_remove_theirs(self, client):
        fan = MemberFactory(second_factor=True)
        client.force_login(fan)
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.post(reverse("mfa_deactivate_totp"))
        assert not Authenticator.objects.filter(user=fan, type="totp").exists()
