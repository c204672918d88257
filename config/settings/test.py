"""Test settings: fast hashing, in-process tasks, in-memory email.

DATABASE_URL chooses the engine, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import uuid

from .base import *  # noqa: F403
from .base import CHANNEL_LAYERS, CONTENT_SECURITY_POLICY, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
# Each test gets a fresh cache so rate limits do not leak between tests.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "process"},
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Tests make many API calls from one address and token; the throttle's own tests
# (core/tests/test_api_throttle.py) set small numbers.
API_RATE_PER_IP = "100000/m"
API_RATE_PER_TOKEN = "100000/m"
API_RATE_PER_INTEGRATION_TOKEN = "100000/m"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "court_evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
TASKS_RAISE_ON_COMMIT = True
# Tests see every change at once; core/tests/test_cache.py turns the page cache on.
ANONYMOUS_PAGE_CACHE_SECONDS = 0
EMBEDDED_BEAT = False
# Each xdist worker's pushes stay among its own tests when they share a Redis.
if "CONFIG" in CHANNEL_LAYERS["default"]:
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"frtest-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
# The flash-sale tests turn Redis admission on where they test it (flashsales/tests).
FLASHSALES_REDIS_ADMISSION = False
LAUNCH_QUEUE_PREFIX = f"frtest-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
# Connections opened in the threads that serve the hall's sockets close after each use,
# so none is left open when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Lifetime-value fits in tests use the SciPy engine (a pymc-marketing fit compiles its
# graph: seconds per fit); the tests that check pymc-marketing itself ask for it.
INSIGHTS_CLV_ENGINE = "scipy"
# As on a laptop, so the demo loaded by the tests carries ideas through review rounds.
IDEAS_SUPPORT_THRESHOLD = 25
