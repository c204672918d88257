"""Sign-in limits slow guessing down without locking the owner out (issue 10, item 5):
counted per account and address, per address and per account; 429 with Retry-After;
the client address only from the trusted proxy hop; a one-time code by email always
lets the owner in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

RIGHT = "pass-word-123"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"
# The code stands alone on its line of the email ("KXQ-RZT" by default).
CODE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", re.MULTILINE)


@pytest.fixture
def owner():
    member = MemberFactory(username="target")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


def sign_in(client, login, password, ip, **headers):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip, **headers
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


class TestWrongPasswordsFromOneAddress:
    def test_an_attacker_cannot_stop_the_owner_signing_in_from_elsewhere(self, client, owner):
        # Given an attacker who sends twenty wrong passwords for the member from one address
        for _ in range(20):
            sign_in(client, "target", "guess", ATTACKER)
        # When the owner signs in with the right password from their own address
        response = sign_in(client, "target", RIGHT, OWNER)
        # Then they are in
        assert response.status_code == 302 and signed_in(client)

    def test_the_owners_email_is_the_same_account_as_the_username(self, client, owner):
        # Given wrong passwords under the username and under the email, from one address
        for login in ["target", owner.email.upper(), "target", owner.email, "TARGET"]:
            assert sign_in(client, login, "guess", ATTACKER).status_code == 200
        # When a sixth try names the account either way
        # Then it is refused: one account, one count, however it is named
        assert sign_in(client, owner.email, "guess", ATTACKER).status_code == 429
        assert sign_in(client, "target", RIGHT, ATTACKER).status_code == 429

    def test_tries_past_the_limit_answer_429_with_retry_after(self, client, owner):
        # Given five wrong passwords from one address (the limit: 5 per 15 minutes)
        first = [sign_in(client, "target", "guess", ATTACKER) for _ in range(5)]
        assert [r.status_code for r in first] == [200] * 5
        # When tries 6 to 20 arrive, the right password among them
        later = [sign_in(client, "target", "guess", ATTACKER) for _ in range(13)]
        later.append(sign_in(client, "target", RIGHT, ATTACKER))
        later.append(sign_in(client, "target", "guess", ATTACKER))
        # Then every one answers 429 with Retry-After (the clock is pinned 30 s into the
        # 15-minute window) and nobody is signed in
        assert [r.status_code for r in later] == [429] * 15
        assert {r["Retry-After"] for r in later} == {"870"}
        assert not signed_in(client)
        # And the page offers the one-time code
        html = later[-1].content.decode()
        assert "one-time code" in html and 'href="/accounts/login/code/"' in html
        assert "15 minutes" in html

    def test_signing_in_forgives_the_owners_own_typos(self, client, owner):
        # Given an owner who mistyped four times from their address and then signed in
        for _ in range(4):
            assert sign_in(client, "target", "typo", OWNER).status_code == 200
        assert sign_in(client, "target", RIGHT, OWNER).status_code == 302
        client.post(reverse("account_logout"))
        # When they mistype four more times and then get it right
        for _ in range(4):
            assert sign_in(client, "target", "typo", OWNER).status_code == 200
        response = sign_in(client, "target", RIGHT, OWNER)
        # Then the earlier typos no longer count (nine tries, yet they are in)
        assert response.status_code == 302 and signed_in(client)

    def test_an_unknown_account_is_limited_like_a_known_one(self, client):
        statuses = [sign_in(client, "nobody", "guess", ATTACKER).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]


class TestPerAddressLimit:
    def test_one_address_trying_many_accounts_is_limited(self, client, settings):
        # Given a limit of 3 wrong passwords per address
        settings.SIGN_IN_FAILURES_PER_IP = "3/15m"
        statuses = [sign_in(client, f"fan{i}", "guess", ATTACKER).status_code for i in range(4)]
        # Then the fourth account tried from it answers 429, and other addresses go on
        assert statuses == [200, 200, 200, 429]
        assert sign_in(client, "fan9", "guess", OWNER).status_code == 200

    def test_rotating_x_forwarded_for_does_not_evade_it_without_trusted_proxies(self, client, settings):
        # Given no trusted proxy (the default) and a limit of 3 per address
        settings.SIGN_IN_FAILURES_PER_IP = "3/15m"
        assert settings.TRUSTED_PROXY_COUNT == 0
        # When one address sends a new X-Forwarded-For with every try
        statuses = [
            sign_in(client, f"fan{i}", "guess", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
            for i in range(4)
        ]
        # Then the header is ignored: the fourth try is refused
        assert statuses == [200, 200, 200, 429]

    def test_allauths_own_form_limit_ignores_a_rotating_header_too(self, client, settings):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
        statuses = [
            sign_in(client, "x", "y", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
            for i in range(4)
        ]
        assert statuses[-1] == 429

    def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(self, client, settings, owner):
        # Given one proxy of ours that appends the address it received from
        settings.TRUSTED_PROXY_COUNT = 1
        settings.SIGN_IN_FAILURES_PER_IP = "3/15m"

        def via_proxy(login, password, client_address, spoofed):
            forwarded = f"{spoofed}, {client_address}"
            return sign_in(client, login, password, PROXY, HTTP_X_FORWARDED_FOR=forwarded)

        # When an attacker behind it spoofs the left part of the header with every try
        statuses = [via_proxy(f"fan{i}", "guess", ATTACKER, f"192.0.2.{i}").status_code for i in range(4)]
        # Then the proxy's hop identifies them and the fourth try is refused
        assert statuses == [200, 200, 200, 429]
        # And the owner, another client of the same proxy, is not affected
        response = via_proxy("target", RIGHT, OWNER, ATTACKER)
        assert response.status_code == 302 and signed_in(client)


class TestManyAddressesAgainstOneAccount:
    def test_password_sign_in_pauses_but_the_emailed_code_lets_the_owner_in(self, client, settings, owner):
        # Given a botnet that reached the account's own limit from many addresses
        settings.SIGN_IN_FAILURES_PER_ACCOUNT = "6/h"
        for i in range(3):
            for _ in range(2):
                assert sign_in(client, "target", "guess", f"203.0.113.{i}").status_code == 200
        # When the owner signs in with the right password from their own address
        response = sign_in(client, "target", RIGHT, OWNER)
        # Then password sign-in waits (429) and the page offers the code
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert 'data-testid="sign-in-by-code"' in response.content.decode()
        assert not signed_in(client)
        # When they ask for a code and type it in
        url = reverse("account_request_login_code")
        assert client.post(url, {"email": owner.email}, REMOTE_ADDR=OWNER).status_code == 302
        code = CODE.search(mail.outbox[-1].body).group(1)
        response = client.post(reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=OWNER)
        # Then they are signed in
        assert response.status_code == 302 and signed_in(client)
        assert int(client.session["_auth_user_id"]) == owner.pk

    def test_a_single_address_never_reaches_the_accounts_own_limit(self, client, settings, owner):
        # Given an account limit just above one address's allowance
        settings.SIGN_IN_FAILURES_PER_ACCOUNT = "6/h"
        # When one address keeps guessing long after it is refused
        for _ in range(30):
            sign_in(client, "target", "guess", ATTACKER)
        # Then the refused tries did not count towards the account: the owner gets in
        assert sign_in(client, "target", RIGHT, OWNER).status_code == 302


class TestSignInByCode:
    @pytest.mark.parametrize(
        ("language", "offer"), [("en", "Send me a sign-in code"), ("zh-hans", "发送登录代码给我")]
    )
    def test_the_sign_in_page_offers_the_code_in_both_languages(self, client, language, offer):
        html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert offer in html and 'href="/accounts/login/code/"' in html

    def test_code_requests_past_the_limit_answer_429_with_retry_after(self, owner):
        # Given three code requests for one mailbox from one address (3 per 15 minutes),
        # each from a fresh session as a script would send them
        url = reverse("account_request_login_code")

        def request_code(ip):
            return Client().post(url, {"email": owner.email}, REMOTE_ADDR=ip)

        statuses = [request_code(ATTACKER).status_code for _ in range(4)]
        # Then the fourth answers 429 with Retry-After and sends no mail
        assert statuses == [302, 302, 302, 429]
        assert len(mail.outbox) == 3
        response = request_code(ATTACKER)
        assert response.status_code == 429 and response["Retry-After"] == "870"
        # And the owner asking from their own address still gets a code
        assert request_code(OWNER).status_code == 302
        assert len(mail.outbox) == 4
