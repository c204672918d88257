"""Shared fixtures. App-specific factories live in each app's tests/factories.py."""

import os
import shutil

import pytest
from django.core.cache import caches

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# No background networking: the machines have no network beyond the package registries.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    browser_missing = not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM)
    require_browser = os.environ.get("FANREPUBLIC_REQUIRE_BROWSER") == "1"
    skip_browser = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium "
        "fonts-wqy-zenhei` to run the browser tests"
    )
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL=redis://...)")
    for item in items:
        if "browser" in item.keywords and browser_missing and not require_browser:
            item.add_marker(skip_browser)
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)
        if "celery_worker" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


def pytest_report_header(config):
    from django.db import connection

    browser = CHROMIUM if os.path.exists(CHROMIUM) else "missing (browser tests skip)"
    redis = os.environ.get("REDIS_URL") or "none"
    return f"fanrepublic: database={connection.vendor}, chromium={browser}, redis={redis}"


@pytest.fixture(autouse=True)
def _default_language():
    # A page requested in Chinese leaves its language active in the thread; service
    # messages in the next test would come out in Chinese. Each test starts in English.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and cached pages live in the caches; each test starts empty.
    for name in ("default", "process"):
        caches[name].clear()
    yield
    for name in ("default", "process"):
        caches[name].clear()


@pytest.fixture(autouse=True)
def _steady_rate_limit_clock(monkeypatch):
    # Rate limits count in fixed windows; a test that crossed a window boundary between
    # two posts would see the count restart. Tests run inside one window (30 s into it).
    monkeypatch.setattr("fanrepublic.core.ratelimit.now", lambda: 1_800_000_030.0)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """Staff must pass a second factor before any page or API call (members.middleware).
    `client.force_login(staff)` signs in as if with the password *and* the second factor
    (allauth's session records), for members who have one — the factories give staff an
    authenticator app. A test of the enforcement itself makes staff without one
    (`second_factor=False`) or clears the records."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from fanrepublic.members.tests.factories import record_second_factor

        record_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser (and so `admin_client`), with the authenticator app every
    staff account has."""
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    from fanrepublic.members.second_factor import totp_activate

    totp_activate(member=admin_user, secret=generate_totp_secret())
    return admin_user


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks a block schedules with transaction.on_commit (event handlers,
    notifications, emails) as a real commit would: `with on_commit(): service(...)`."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()
