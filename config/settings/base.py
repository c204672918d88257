"""Settings shared by every environment. Environment-specific files import from here."""

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Daphne first: `runserver` then speaks ASGI, so the embedded demo serves the live
    # hall's WebSockets too.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "django_htmx",
    "ninja",
    "csp",
    "django_countries",
    "channels",
    # Fan Republic: one app per capability, so the list reads like the product.
    "fanrepublic.core",
    "fanrepublic.members",
    "fanrepublic.activity",
    "fanrepublic.products",
    "fanrepublic.notifications",
    "fanrepublic.forum",
    "fanrepublic.points",
    "fanrepublic.rewards",
    "fanrepublic.badges",
    "fanrepublic.releases",
    "fanrepublic.bounty",
    "fanrepublic.betas",
    "fanrepublic.governance",
    "fanrepublic.committees",
    "fanrepublic.launches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fanrepublic.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fanrepublic.members.middleware.MemberLanguageMiddleware",
    "fanrepublic.members.middleware.VisitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "fanrepublic.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fanrepublic" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fanrepublic.core.context_processors.site",
            ],
        },
    }
]


def database_from_env(default_url: str) -> dict:
    """DATABASE_URL decides the engine; SQLite gets WAL and IMMEDIATE write transactions
    so that concurrent writers queue instead of failing with "database is locked"."""
    config = env.db_url("DATABASE_URL", default=default_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            }
        )
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config.setdefault("CONN_HEALTH_CHECKS", True)
    return config


DATABASES = {"default": database_from_env(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fr",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Channels (the live hall): Redis pub/sub in production, so a push reaches every web
# process with one PUBLISH however many members are connected; in-memory in the embedded
# default (one process).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env("CHANNELS_PREFIX", default="fr")},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# With Redis, launch-hall answers are accepted in Redis and stored in batches by
# `manage.py hall_writer` (fanrepublic/launches/ballot_queue.py); without, each answer is
# one INSERT. The prefix keeps several deployments (or test runs) apart in one Redis.
LAUNCH_BALLOT_QUEUE = env.bool("LAUNCH_BALLOT_QUEUE", default=bool(REDIS_URL))
LAUNCH_QUEUE_PREFIX = env("LAUNCH_QUEUE_PREFIX", default="fr")
# How often each web process sends the running counts to its hall connections: twice
# a second, so a member sees the counts move at least every second even when a tick is
# late on a busy process.
LAUNCH_TICK_SECONDS = env.float("LAUNCH_TICK_SECONDS", default=0.5)

# Each process's own short-lived memory, in front of the shared cache (core.cache).
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "process",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "forum:home"
LOGOUT_REDIRECT_URL = "forum:home"

# django-allauth: sign-up with a confirmed email; login by username or email.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "fanrepublic.members.adapters.AccountAdapter"
ACCOUNT_USERNAME_BLACKLIST = ["admin", "staff", "official", "engineer", "founder", "system"]
# allauth answers 429 itself; core.middleware.RetryAfterMiddleware adds Retry-After.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "fanrepublic" / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads are checked again by forum.attachments; this stops huge bodies early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fan Republic <noreply@fanrepublic.local>")
SITE_NAME = env("SITE_NAME", default="Fan Republic")

# Celery: Redis in production; in-process (same task code) when no broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Without a broker, runserver runs the beat schedule in a thread (core.embedded_beat).
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_BEAT_SCHEDULE = {
    "recompute-trust-levels": {
        "task": "fanrepublic.members.tasks.recompute_all_trust_levels",
        "schedule": 60 * 60 * 6,
    },
    "evaluate-badges": {
        "task": "fanrepublic.badges.tasks.evaluate_all_badges",
        "schedule": 60 * 60 * 24,
    },
    "expire-points": {
        "task": "fanrepublic.points.tasks.expire_points",
        "schedule": 60 * 60,
    },
}

# Security headers that hold everywhere; prod.py adds the HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Only same-origin script files: no inline script, so no per-request nonce, which
        # also lets pages for visitors be cached (core.cache).
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Product rules with defaults that operators may change per deployment.
FORUM_EDIT_WINDOW_MINUTES = env.int("FORUM_EDIT_WINDOW_MINUTES", default=60 * 24)
FORUM_RESPONSE_TARGET_DAYS = env.int("FORUM_RESPONSE_TARGET_DAYS", default=7)
FORUM_POST_RATE = env("FORUM_POST_RATE", default="10/m")
BOUNTY_REPORT_RATE = env("BOUNTY_REPORT_RATE", default="10/h")
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=60)
EVENT_INGEST_MAX_BATCH = 1000
# Earned points expire this many months after they are earned (0: never), oldest first.
POINTS_EXPIRE_AFTER_MONTHS = env.int("POINTS_EXPIRE_AFTER_MONTHS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
