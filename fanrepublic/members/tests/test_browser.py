"""Second factors in Chromium, under the site's strict CSP: a staff member without one is
sent to set one up, adds a passkey (Chromium's virtual authenticator stands in for the
phone or security key), goes on to staff pages, and later signs in with the passkey alone."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from allauth.mfa.models import Authenticator  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, verified_member  # noqa: E402
from fanrepublic.members.tests.factories import operator  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webauthn_over_http(settings):
    # The test server speaks plain HTTP on localhost, as on a laptop (config/settings/dev.py).
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


def virtual_authenticator(page) -> None:
    """A platform authenticator that keeps passkeys and verifies the user (a fingerprint)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_staff_add_a_passkey_when_asked_and_then_sign_in_with_it(
    browser, live_server, lang, webauthn_over_http
):
    base = live_server.url.replace("127.0.0.1", "localhost")  # a passkey needs a domain name
    op = verified_member(operator, language=lang, second_factor=False)
    page = new_page(browser, lang)
    virtual_authenticator(page)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Signing in with the password alone: staff pages send the operator to set up a factor
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", op.username)
    page.fill("input[name=password]", "pass-word-123")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/staff/metrics/")
    expect(page).to_have_url(f"{base}/accounts/2fa/")
    expect(page.locator(".message.warning")).to_be_visible()

    # Adding a passkey asks for the password once more, then the key
    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    page.fill("input[name=password]", "pass-word-123")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.check("input[name=passwordless]")
    # The button starts the key's ceremony in script, which posts the form only once the
    # key has answered: wait for the page that follows (the first factor comes with
    # recovery codes), not for network quiet, which can come before the post. A post sent
    # after the test had ended used to reach the server while the database was emptied
    # for the next test (a foreign-key error naming this test's member).
    page.click("#mfa_webauthn_add")
    expect(page).to_have_url(f"{base}/accounts/2fa/recovery-codes/")
    assert Authenticator.objects.filter(user=op, type="webauthn").count() == 1

    # The same session now opens staff pages
    page.goto(f"{base}/staff/metrics/")
    expect(page).to_have_url(f"{base}/staff/metrics/")

    # In a new session (the cookies gone), the passkey alone signs the operator in, and
    # staff pages open
    page.context.clear_cookies()
    page.goto(f"{base}/staff/metrics/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/staff/metrics/")
    page.click("#passkey_login")
    expect(page).to_have_url(f"{base}/staff/metrics/")
    expect(page.locator("details.menu > summary", has_text=op.public_name)).to_have_count(1)
    assert not [e for e in errors if "Content Security Policy" in e], errors
