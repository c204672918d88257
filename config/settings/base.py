"""Settings shared by every environment. Environment-specific files import from here."""

from decimal import Decimal
from pathlib import Path

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
    # Second factors (TOTP, passkeys and security keys, recovery codes) and the list of
    # a member's signed-in sessions; staff need a second factor (docs/security.md).
    "allauth.mfa",
    "allauth.usersessions",
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
    "fanrepublic.stores",
    "fanrepublic.trust",
    "fanrepublic.chains",
    "fanrepublic.payments",
    "fanrepublic.campaigns",
    "fanrepublic.flashsales",
    "fanrepublic.insights",
    "fanrepublic.ideas",
    "fanrepublic.opensource",
    "fanrepublic.court",
    "fanrepublic.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fanrepublic.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fanrepublic.core.middleware.PrivateCacheMiddleware",
    "fanrepublic.members.middleware.MemberLanguageMiddleware",
    "fanrepublic.members.middleware.VisitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "fanrepublic.members.middleware.StaffSecondFactorMiddleware",
    "fanrepublic.members.middleware.SessionListMiddleware",
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
                "fanrepublic.notifications.context_processors.unread",
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
# What decides where a member's mail (and so their security alerts and sign-in codes)
# goes, and their password, asks for the password — or a code sent to an address
# already confirmed, or the second factor — typed in the last few minutes: a stolen
# session cannot add an address of its own and then confirm a payout account by code.
# And every such change is mailed to the member's addresses.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Sign-in limits (docs/security.md, "Limits"). Wrong passwords are counted per account
# and client address, per address and per account by members.login_limits, which answers
# 429 with Retry-After and offers a one-time code by email; the account's own limit is
# high enough that one address never reaches it, and the code still works when it is.
SIGN_IN_FAILURES_PER_ACCOUNT_IP = env("SIGN_IN_FAILURES_PER_ACCOUNT_IP", default="5/15m")
SIGN_IN_FAILURES_PER_IP = env("SIGN_IN_FAILURES_PER_IP", default="50/15m")
SIGN_IN_FAILURES_PER_ACCOUNT = env("SIGN_IN_FAILURES_PER_ACCOUNT", default="50/h")
SIGN_IN_CODE_REQUESTS_PER_EMAIL_IP = env("SIGN_IN_CODE_REQUESTS_PER_EMAIL_IP", default="3/15m")
SIGN_IN_CODE_REQUESTS_PER_IP = env("SIGN_IN_CODE_REQUESTS_PER_IP", default="20/15m")
SIGN_IN_CODE_REQUESTS_PER_EMAIL = env("SIGN_IN_CODE_REQUESTS_PER_EMAIL", default="5/15m")
# "Email me a sign-in code" (allauth's login by code): a one-time code, valid for
# 3 minutes and 3 tries, signs a member in without the password.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {"request_login_code": "fanrepublic.members.forms.RequestLoginCodeForm"}
# allauth's own limits, counted by the client address of core.clientip (the adapter's
# get_client_ip). Its sliding-window 429s carry no Retry-After;
# core.middleware.DomainErrorMiddleware adds one. Wrong passwords and
# "request_login_code" are counted by members.login_limits (above) instead.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Since password sign-in is counted by members.login_limits, only allauth's
    # second-factor step counts under this name: wrong authenticator or recovery codes,
    # per address and per account (docs/security.md, "Second factor for staff").
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# How many proxies of ours stand in front of the application (docs/deploy.md). 0: the
# TCP peer (REMOTE_ADDR) is the client and X-Forwarded-For is ignored; N: the N-th
# address from the right of X-Forwarded-For is the client. core.clientip.client_ip is
# the one reader; allauth and django-ninja are told the same number.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
NINJA_NUM_PROXIES = TRUSTED_PROXY_COUNT

# The API throttle (core.throttling, docs/api.md): every /api/v1 request counts against
# its client address, a token's requests also against the token; integration tokens
# (scope events:ingest) have their own, higher limit and no address limit.
API_RATE_PER_IP = env("API_RATE_PER_IP", default="600/m")
API_RATE_PER_TOKEN = env("API_RATE_PER_TOKEN", default="300/m")
API_RATE_PER_INTEGRATION_TOKEN = env("API_RATE_PER_INTEGRATION_TOKEN", default="3000/m")

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
# Files that are never public (court evidence): outside MEDIA_ROOT, so no web server
# serves them; the views that checked the reader send them (court.views.evidence_file).
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "court_evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT) + "/court-evidence", "base_url": None},
    },
}
# Uploads are checked again by forum.attachments; this stops huge bodies early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fan Republic <noreply@fanrepublic.local>")
SITE_NAME = env("SITE_NAME", default="Fan Republic")
# Where the site is reached from outside: links in emails are built on it (an email has
# no request to take the host from). `make run PORT=8100` sets it for the laptop.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Second factors (allauth.mfa; docs/security.md, "Second factor for staff"): an
# authenticator app (TOTP), passkeys and security keys (WebAuthn; a passkey also signs in
# without a password) and one-time recovery codes. Every staff account needs one
# (members.middleware.StaffSecondFactorMiddleware); members may opt in.
MFA_ADAPTER = "fanrepublic.members.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
# A code is also taken for 30 s after it changes (RFC 6238's allowance for the time a
# member takes to type it); each code is taken once.
MFA_TOTP_TOLERANCE = 1
# WebAuthn needs HTTPS; dev.py allows http://localhost on a laptop (browsers refuse an IP
# address as the site's name, so passkeys there need localhost rather than 127.0.0.1).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# A member's sessions (allauth.usersessions): allauth's own tracking would write on every
# request; members.middleware.SessionListMiddleware notes a session at most every few minutes.
USERSESSIONS_TRACK_ACTIVITY = False

# Celery: Redis in production; in-process (same task code) when no broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A worker killed mid-task must not lose the task (docs/architecture.md, "Background
# work"): it is acknowledged only once it has run (acks late); if the pool process running
# it dies, the worker puts it back at once (reject on worker lost); if the whole worker dies,
# Redis gives the unacknowledged message to another worker once the visibility timeout has
# passed. The timeout must exceed the longest task and retry countdown (else a running
# task is handed out twice); tasks are idempotent, so a second run is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE
# Without a broker, runserver runs the beat schedule in a thread (core.embedded_beat).
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=CELERY_TASK_ALWAYS_EAGER)
# The beat schedule is declared by the apps (periodic_tasks in their capability.py) and
# set on the Celery app when the apps are ready (core/apps.py).

# Lifetime value (insights): "auto" fits with pymc-marketing where PyTensor finds its C++
# compiler and with the SciPy fallback elsewhere (docs/insights.md); "scipy" or
# "pymc-marketing" forces one.
INSIGHTS_CLV_ENGINE = env("INSIGHTS_CLV_ENGINE", default="auto")
INSIGHTS_CLV_REFIT_HOURS = env.int("INSIGHTS_CLV_REFIT_HOURS", default=24)
INSIGHTS_CLV_LOST_HOURS = env.int("INSIGHTS_CLV_LOST_HOURS", default=3)
# NPS surveys: nobody is asked twice within this many days; a survey takes answers this long.
INSIGHTS_SURVEY_THROTTLE_DAYS = env.int("INSIGHTS_SURVEY_THROTTLE_DAYS", default=90)
INSIGHTS_SURVEY_OPEN_DAYS = env.int("INSIGHTS_SURVEY_OPEN_DAYS", default=14)
# Fits, comparisons and dashboard refreshes one operator may ask for (each a full pass).
INSIGHTS_RECOMPUTE_RATE = env("INSIGHTS_RECOMPUTE_RATE", default="20/h")

# Security headers that hold everywhere; prod.py adds the HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (django-permissions-policy), on every response: the site uses none of
# these browser features, so no page (nor anything injected into one) may ask for them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
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

# Stores and purchases (fanrepublic.stores).
STORES_CURRENCIES = ("CNY", "HKD", "MOP", "TWD", "USD", "EUR", "GBP", "JPY", "SGD")
STORES_DEFAULT_PHONE_REGION = "CN"  # numbers typed without a country code
STORES_IMPORT_MAX_BATCH = 500  # orders per API request
STORES_CSV_MAX_BYTES = 10_000_000
STORES_CSV_MAX_ROWS = 50_000
STORES_LINK_CODE_RATE = "10/h"  # codes a member may ask for
STORES_LINK_TRY_RATE = "20/h"  # codes a staff member may try (guessing is the attack)
STORES_SERIAL_RATE = "20/h"  # serial numbers a member may try
STORES_CHECKIN_SCREEN_SECONDS = 60  # a counter screen's check-in code lasts this window and the next
CHAINS_START_RATE = "10/d"  # chains a member may start a day
CHAINS_SIGN_RATE = "30/m"  # lines a member may add or change a minute

# WeCom (fanrepublic.trust): the callback that delivers contact, group and archived-chat
# events, and the API the app asks about contacts and groups. The defaults are only for
# the embedded demo, which seals its own callbacks; production must set real values
# (WECOM_CALLBACK_AES_KEY is the 43-character EncodingAESKey from the WeCom console).
WECOM_CORP_ID = env("WECOM_CORP_ID", default="ww-fanrepublic-demo")
WECOM_CALLBACK_TOKEN = env("WECOM_CALLBACK_TOKEN", default="fanrepublic-demo-token")
WECOM_CALLBACK_AES_KEY = env("WECOM_CALLBACK_AES_KEY", default="RmFuUmVwdWJsaWMgV2VDb20gZGVtbyBrZXkgb25seSE")
WECOM_SECRET = env("WECOM_SECRET", default="")  # empty: no calls to WeCom's API
WECOM_API_BASE = env("WECOM_API_BASE", default="https://qyapi.weixin.qq.com/cgi-bin/")
# A callback whose timestamp is further than this from now is refused (and a repeated one
# is recognised for twice as long).
WECOM_CALLBACK_WINDOW_SECONDS = env.int("WECOM_CALLBACK_WINDOW_SECONDS", default=300)
WECOM_HTTP_TIMEOUT = env.float("WECOM_HTTP_TIMEOUT", default=5)
WECOM_HTTP_RETRIES = env.int("WECOM_HTTP_RETRIES", default=3)


# Payments in yuan (fanrepublic.payments). PAYMENTS_PROVIDERS lists the providers members
# may pay with: "wechat" (WeChat Pay v3, Native QR payments), "alipay" (the computer-site
# cashier) and "offline" — the embedded demo's provider, which moves no money and which
# production settings refuse. Keys are PEM text, or read from the file named by the
# same setting with "_FILE" appended (WECHATPAY_PRIVATE_KEY_FILE=/run/secrets/apiclient_key.pem).
def env_secret(name: str, default: str = "") -> str:
    path = env(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text()
    return env(name, default=default).replace("\\n", "\n")


PAYMENTS_PROVIDERS = env.list("PAYMENTS_PROVIDERS", default=["offline"])
PAYMENTS_EXPIRE_MINUTES = env.int("PAYMENTS_EXPIRE_MINUTES", default=15)  # then the trade is closed
# A payment not reported by then is asked about, and again every so often until settled.
PAYMENTS_QUERY_AFTER_SECONDS = env.int("PAYMENTS_QUERY_AFTER_SECONDS", default=60)
PAYMENTS_NOTICE_WINDOW_SECONDS = 300  # a WeChat Pay notification's timestamp must be this close
PAYMENTS_ALIPAY_NOTICE_MAX_AGE = 26 * 3600  # Alipay retries for about 25 hours
PAYMENTS_HTTP_TIMEOUT = env.float("PAYMENTS_HTTP_TIMEOUT", default=10)
PAYMENTS_REFUSED_NOTICE_LOG_RATE = "60/m"  # refused notifications stored per client network
PAYMENTS_BILL_CHECK_PROVIDERS = env.list(
    "PAYMENTS_BILL_CHECK_PROVIDERS", default=["wechat", "alipay", "offline"]
)
WECHATPAY_MCHID = env("WECHATPAY_MCHID", default="")
WECHATPAY_APPID = env("WECHATPAY_APPID", default="")
WECHATPAY_APIV3_KEY = env_secret("WECHATPAY_APIV3_KEY")
WECHATPAY_CERT_SERIAL_NO = env("WECHATPAY_CERT_SERIAL_NO", default="")
WECHATPAY_PRIVATE_KEY = env_secret("WECHATPAY_PRIVATE_KEY")
WECHATPAY_PUBLIC_KEY = env_secret("WECHATPAY_PUBLIC_KEY")
WECHATPAY_PUBLIC_KEY_ID = env("WECHATPAY_PUBLIC_KEY_ID", default="")
WECHATPAY_API_BASE = env("WECHATPAY_API_BASE", default="https://api.mch.weixin.qq.com")
ALIPAY_APPID = env("ALIPAY_APPID", default="")
ALIPAY_APP_PRIVATE_KEY = env_secret("ALIPAY_APP_PRIVATE_KEY")
ALIPAY_PUBLIC_KEY = env_secret("ALIPAY_PUBLIC_KEY")
ALIPAY_GATEWAY = env("ALIPAY_GATEWAY", default="https://openapi.alipay.com/gateway.do")
PAYMENTS_REQUIRED_SETTINGS = {
    "wechat": (
        "WECHATPAY_MCHID",
        "WECHATPAY_APPID",
        "WECHATPAY_APIV3_KEY",
        "WECHATPAY_CERT_SERIAL_NO",
        "WECHATPAY_PRIVATE_KEY",
        "WECHATPAY_PUBLIC_KEY",
        "WECHATPAY_PUBLIC_KEY_ID",
    ),
    "alipay": ("ALIPAY_APPID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"),
}

# Payouts (fanrepublic.payments.payouts): a member's yuan wallet paid out to their WeChat
# Pay balance (商家转账, to the openid WeChat's web sign-in gives under WECHATPAY_APPID) or
# their Alipay account (单笔无密转账). A provider pays out only when it also takes payments
# here (PAYMENTS_PROVIDERS) and its payout settings below are set.
PAYOUT_PROVIDERS = env.list("PAYOUT_PROVIDERS", default=["wechat", "alipay", "offline"])
# The operator changes the minimum and the royalty tax rate on the payments console (each
# change a new version); these apply until the first change.
PAYOUT_MINIMUM_FEN = env.int("PAYOUT_MINIMUM_FEN", default=10_00)
PAYOUT_ROYALTY_TAX_RATE = Decimal(
    env("PAYOUT_ROYALTY_TAX_RATE", default=env("IDEAS_ROYALTY_TAX_RATE", default="0"))
)
PAYOUT_MAXIMUM_FEN = env.int("PAYOUT_MAXIMUM_FEN", default=5_000_00)  # per payout
PAYOUT_DAILY_MAXIMUM_FEN = env.int("PAYOUT_DAILY_MAXIMUM_FEN", default=20_000_00)  # per member, China day
# A newly linked account receives nothing for this long, while its owner is told of the
# change: whoever takes over a session cannot link their own account and empty the wallet.
PAYOUT_NEW_PAYEE_HOLD_HOURS = env.int("PAYOUT_NEW_PAYEE_HOLD_HOURS", default=24)
PAYOUT_REQUEST_RATE = "10/h"  # payout requests a member may make an hour
PAYOUT_PAYEE_CHANGE_RATE = "5/d"  # payout accounts a member may link a day
# A transfer the provider does not know is sent again (same number) this many times in
# all; after that it waits for staff on the console.
PAYOUT_MAX_SENDS = env.int("PAYOUT_MAX_SENDS", default=5)
# WeChat Pay 商家转账: the transfer scene the merchant applied for (1005 佣金报酬: pay for
# work, which royalties are) and its report field 岗位类型 (scene 1005 asks for it).
WECHATPAY_TRANSFER_SCENE_ID = env("WECHATPAY_TRANSFER_SCENE_ID", default="1005")
PAYOUT_WECHAT_POSITION = env("PAYOUT_WECHAT_POSITION", default="创意作者")
# WeChat's web sign-in (snsapi_base) of the official account WECHATPAY_APPID: its AppSecret
# exchanges the sign-in's code for the member's openid. Empty: no WeChat payouts.
WECHAT_OAUTH_APP_SECRET = env_secret("WECHAT_OAUTH_APP_SECRET")
WECHAT_OAUTH_AUTHORIZE_URL = env(
    "WECHAT_OAUTH_AUTHORIZE_URL", default="https://open.weixin.qq.com/connect/oauth2/authorize"
)
WECHAT_OAUTH_API_BASE = env("WECHAT_OAUTH_API_BASE", default="https://api.weixin.qq.com")
WECHAT_OAUTH_STATE_MAX_AGE = 600  # seconds a sign-in may take
# Alipay's transfers work only in its public-key-certificate mode: the application's
# certificate, Alipay's certificate and Alipay's root certificate (PEM, or *_FILE). The
# application is ALIPAY_APPID with ALIPAY_APP_PRIVATE_KEY unless a separate one is named.
PAYOUT_ALIPAY_APPID = env("PAYOUT_ALIPAY_APPID", default="")
PAYOUT_ALIPAY_APP_PRIVATE_KEY = env_secret("PAYOUT_ALIPAY_APP_PRIVATE_KEY")
PAYOUT_ALIPAY_APP_CERT = env_secret("PAYOUT_ALIPAY_APP_CERT")
PAYOUT_ALIPAY_PUBLIC_CERT = env_secret("PAYOUT_ALIPAY_PUBLIC_CERT")
PAYOUT_ALIPAY_ROOT_CERT = env_secret("PAYOUT_ALIPAY_ROOT_CERT")

# Pre-order campaigns (fanrepublic.campaigns).
# The idea marketplace (docs/ideas.md): supporters that send an idea to review (LEGO Ideas:
# 10,000), days it may gather them, review rounds a year (each reviews until the next).
IDEAS_SUPPORT_THRESHOLD = env.int("IDEAS_SUPPORT_THRESHOLD", default=10_000)
IDEAS_SUPPORT_DAYS = env.int("IDEAS_SUPPORT_DAYS", default=365)
IDEAS_ROUNDS_PER_YEAR = env.int("IDEAS_ROUNDS_PER_YEAR", default=3)
IDEAS_PROPOSE_RATE = "5/d"  # ideas a member may propose a day
IDEAS_SIMILAR_RATE = "60/m"  # "ideas that read alike" looks while a member types
# Withheld from each royalty payment for the tax office (0 = none); a decimal fraction.
IDEAS_ROYALTY_TAX_RATE = Decimal(env("IDEAS_ROYALTY_TAX_RATE", default="0"))
# The open-source programme (docs/opensource.md): Academician (院士) numbers for the first
# OPENSOURCE_ACADEMICIANS outside contributors who meet its bar; the bars are counted
# contributions by kind ("code": merged pull requests, "reviews", "other": approved
# non-code work, "total").
OPENSOURCE_ACADEMICIANS = env.int("OPENSOURCE_ACADEMICIANS", default=127)
OPENSOURCE_TITLE_BARS = {
    "contributor": {"total": 1},
    "core": {"total": 10, "code": 5},
    "academician": {"code": 1},
}
OPENSOURCE_REFUSED_LOG_RATE = "60/m"  # refused webhook deliveries kept per client network
OPENSOURCE_SUBMIT_RATE = "10/h"  # non-code contributions a member may submit an hour
CAMPAIGNS_BACK_RATE = "10/h"  # backings a member may start an hour (each opens a payment)
# A campaign is settled this long after its deadline plus PAYMENTS_EXPIRE_MINUTES, so a
# deposit started just before the deadline has been paid or closed by then.
CAMPAIGNS_SETTLE_GRACE_MINUTES = 5

# Flash sales (fanrepublic.flashsales): attempts a member may make (beyond them, 429).
FLASHSALES_JOIN_RATE = "10/m"
FLASHSALES_RESERVE_RATE = "20/m"
# A unit whose hold ran out waits this long before it goes to someone else, for the
# notification of a payment made in the hold's last seconds.
FLASHSALES_PAYMENT_GRACE_SECONDS = 60
# With Redis, reservations are decided there by one script call and stored by
# `manage.py flash_writer` in batches (flashsales/admission.py); without it, in one
# database transaction each.
FLASHSALES_REDIS_ADMISSION = env.bool("FLASHSALES_REDIS_ADMISSION", default=bool(REDIS_URL))
# How long a page's reservation waits for the writer to store its hold before the page
# says it is being recorded (the hot API path answers at once and does not wait).
FLASHSALES_STORE_WAIT_SECONDS = 5

# Trust thermometer (fanrepublic.trust).
TRUST_ANSWER_WITHIN_MINUTES = env.int("TRUST_ANSWER_WITHIN_MINUTES", default=120)  # then "left unanswered"
TRUST_MESSAGES_MAX_BATCH = 1000  # archive records per API request
TRUST_CASE_CUSTOMER_WRITE_RATE = "30/h"  # messages a customer writes in their cases (each notifies staff)
# Refused WeCom callbacks stored per client network (docs/security.md); past it only logged.
TRUST_REFUSED_CALLBACK_LOG_RATE = "60/m"

# The users' arbitration court (docs/court.md). A jury: COURT_JURY_FANS senior fans drawn
# from members at COURT_SENIOR_TRUST_LEVEL or above who joined COURT_SENIOR_TENURE_DAYS
# ago or more, plus COURT_JURY_LEGAL legal staff; nobody sits on more than
# COURT_JUROR_CASES_PER_YEAR juries in a year; an invited juror answers within
# COURT_JUROR_ANSWER_HOURS, or the next of the draw is invited.
COURT_JURY_FANS = env.int("COURT_JURY_FANS", default=10)
COURT_JURY_LEGAL = env.int("COURT_JURY_LEGAL", default=2)
COURT_SENIOR_TRUST_LEVEL = env.int("COURT_SENIOR_TRUST_LEVEL", default=3)
COURT_SENIOR_TENURE_DAYS = env.int("COURT_SENIOR_TENURE_DAYS", default=365)
COURT_JUROR_CASES_PER_YEAR = env.int("COURT_JUROR_CASES_PER_YEAR", default=3)
COURT_JUROR_ANSWER_HOURS = env.int("COURT_JUROR_ANSWER_HOURS", default=48)
# The steps' deadlines (docs/court.md, "Deadlines"): the company's response after
# admission, a party's answer to a juror's question, the jury's verdict after seating,
# the parties' time to contest a verdict before it is final, and each remedy's execution.
COURT_RESPONSE_DAYS = env.int("COURT_RESPONSE_DAYS", default=7)
COURT_QUESTION_DAYS = env.int("COURT_QUESTION_DAYS", default=3)
COURT_DELIBERATION_DAYS = env.int("COURT_DELIBERATION_DAYS", default=14)
COURT_CONTEST_DAYS = env.int("COURT_CONTEST_DAYS", default=7)
COURT_EXECUTION_DAYS = env.int("COURT_EXECUTION_DAYS", default=14)
COURT_FILE_RATE = "3/d"  # cases a member may file a day
COURT_EVIDENCE_RATE = "20/h"  # files a person may add to cases an hour
# A draft proposed after the deliberation's deadline still gets this long to be voted on.
COURT_LATE_BALLOT_HOURS = 48
# How many of each kind's order the site keeps after a draw (the invited and the
# replacements); the whole pool is kept in the published file.
COURT_RESERVE_FACTOR = 3
