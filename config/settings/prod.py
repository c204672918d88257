"""Production settings: everything from the environment, HTTPS only, Redis, Celery workers."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False

# Payments: none until the deployment names its providers, and never the demo's offline
# provider (it completes payments without money); a provider without its keys is refused.
PAYMENTS_PROVIDERS = env.list("PAYMENTS_PROVIDERS", default=[])
if "offline" in PAYMENTS_PROVIDERS:
    raise ImproperlyConfigured(
        "PAYMENTS_PROVIDERS names 'offline', the demo provider that moves no money: not in production"
    )
for _provider in PAYMENTS_PROVIDERS:
    _missing = [name for name in PAYMENTS_REQUIRED_SETTINGS.get(_provider, ()) if not globals()[name]]  # noqa: F405
    if _missing:
        raise ImproperlyConfigured(f"payment provider {_provider!r} needs {', '.join(_missing)}")
SECRET_KEY = env("SECRET_KEY")  # no default: refusing to start beats a guessable key
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "court_evidence": STORAGES["court_evidence"],  # noqa: F405
}

# Under ASGI each request may run its sync code in a different thread, so persistent
# per-thread connections pile up until PostgreSQL refuses clients. A psycopg pool per
# process bounds them: workers × DB_POOL_MAX_SIZE must stay below max_connections
# (or put PgBouncer in front and set DB_POOL=false, CONN_MAX_AGE=0).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DB_POOL", default=True):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
