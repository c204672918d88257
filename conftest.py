"""Shared fixtures. App-specific factories live in each app's tests/factories.py."""

import os
import shutil
import threading

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


class _RequestsInFlight:
    """The live server's application, counting the requests it is answering: one from
    the call until the server closes the response (after sending it)."""

    def __init__(self, app):
        self.app = app
        self._count = 0
        self._changed = threading.Condition()

    def _finished(self):
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    def __call__(self, environ, start_response):
        with self._changed:
            self._count += 1
        try:
            response = self.app(environ, start_response)
        except BaseException:
            self._finished()
            raise
        return _ClosingResponse(response, self._finished)

    def wait_until_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._count <= 0, timeout=timeout)


class _ClosingResponse:
    def __init__(self, response, on_close):
        self.response, self.on_close = response, on_close

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.on_close()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, counting the requests it is answering."""
    httpd = live_server.thread.httpd
    if not isinstance(httpd.get_app(), _RequestsInFlight):
        httpd.set_app(_RequestsInFlight(httpd.get_app()))
    return live_server


@pytest.fixture(autouse=True)
def _browser_pages_end_with_their_test(request):
    """A browser test's pages are closed when it ends, and the live server has answered
    everything they sent, *before* the database is emptied for the next test.

    The browser lives for a module and a page stays open until closed: left open, a page
    goes on talking to the live server after its test — a form posted by script a moment
    late (a passkey added after `wait_for_load_state` had already returned), a redirect,
    htmx — while the test's rows are being deleted. Such a request loads its session and
    member just before the flush and writes just after it: a foreign-key error naming a
    member of an earlier test, or "the session was deleted before the request completed",
    in whichever test runs then."""
    if "browser" not in request.fixturenames:
        yield
        return
    # Browser tests use a transactional database; asking for it here sets it up before
    # this fixture, so that its flush runs after this fixture's teardown.
    request.getfixturevalue("transactional_db")
    yield
    browser = request.getfixturevalue("browser")
    for context in list(browser.contexts):
        context.close()
    if "live_server" in request.fixturenames:
        app = request.getfixturevalue("live_server").thread.httpd.get_app()
        assert app.wait_until_idle(timeout=30), "the live server is still answering a closed page"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser). Pages opened
    in a test are closed at its end (_browser_pages_end_with_their_test)."""
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
