"""Helpers for the Playwright tests (the `browser` fixture lives in the root conftest)."""

from allauth.account.models import EmailAddress

from fanrepublic.members.tests.factories import MemberFactory, current_totp_code

LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}


def new_page(browser, lang: str, *, width: int = 1200, height: int = 900):
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def verified_member(factory=MemberFactory, **kwargs):
    """A member who can sign in (allauth requires a verified email address)."""
    user = factory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(page, base: str, user, lang: str = "en") -> None:
    """Sign in through the real pages: the password, then — for staff, who must have a
    second factor — the code their authenticator app shows now."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    if "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", current_totp_code(user))
        page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert page.locator("details.menu summary", has_text=user.public_name).count() == 1
