"""Settings for the 兰馨HUI portal, configured from the environment.

Defaults give the embedded setup used by ``make run``: SQLite in the checkout and Celery tasks
run in-process.  Production and CI set DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Only development (DEBUG=1, as `make run` sets it) and the test suite may run on a key
    # everybody knows: anything else (pages, workers, management commands) signs sessions and
    # password-reset links, so it refuses to start.
    if not (DEBUG or "pytest" in sys.modules):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=<50+ random characters>, "
            "or DEBUG=1 for development)."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "axes",
    "django_htmx",
    "django_filters",
    "simple_history",
    # django-ninja: its Swagger page and assets from static/ (no CDN) when it is an app.
    "ninja",
    # Project apps, lowest first: each may import only the ones above it.
    "core",
    "accounts",
    "organizations",
    "beneficiaries",
    "training",
    "projects",
    "cases",
    "referrals",
    "spreadsheets",
    "api",
    "reports",
    "fenghua_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fenghua_portal.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fenghua_portal.middleware.SecurityHeadersMiddleware",
    # Axes must be last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# Benchmarks serve the portal with one bare page added (bench/urls.py).
ROOT_URLCONF = os.environ.get("PORTAL_URLCONF", "fenghua_portal.urls")
WSGI_APPLICATION = "fenghua_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fenghua_portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A database that refuses or hangs must not hang the portal: connections give up after
# DATABASE_CONNECT_TIMEOUT seconds (libpq's minimum is 2) and statements after
# DATABASE_STATEMENT_TIMEOUT seconds in web requests (gunicorn through wsgi.py, runserver).
# Every other process (Celery workers building reports and importing, management commands)
# gets the generous DATABASE_TASK_STATEMENT_TIMEOUT on each of its connections.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "5"))
DATABASE_TASK_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_TASK_STATEMENT_TIMEOUT", "600"))
_SERVES_PAGES = os.environ.get("PORTAL_PROCESS") == "web" or sys.argv[1:2] == ["runserver"]
if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
    _statement_timeout = DATABASE_STATEMENT_TIMEOUT if _SERVES_PAGES else DATABASE_TASK_STATEMENT_TIMEOUT
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DATABASE_CONNECT_TIMEOUT, options=f"-c statement_timeout={_statement_timeout * 1000}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: email + password, no public sign-up (accounts are created by staff and org admins).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
# An address is someone's only once its owner has proved it: logging in needs a verified
# address, and a new one replaces the old (and becomes User.email) only when its link is
# followed (CHANGE_EMAIL: one address per account).  An address another account uses cannot be
# added at all (accounts.forms.AddEmailForm).  Accounts created by staff prove theirs by
# following the set-password link (accounts.receivers).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"add_email": "accounts.forms.AddEmailForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Failed logins are limited per address only: a per-IP limit would lock out everyone behind the
# same proxy or village network as an attacker (django-axes below does the same per account).
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Behind N reverse proxies, the client's address is the N-th from the right in X-Forwarded-For
# (the left part can be forged).  accounts.signin.client_ip reads it for the lockout, allauth's
# limits and the sign-in audit.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Failed logins lock the account they were tried on (site login and /admin/ alike), never the
# IP: five wrong addresses from one office lock nobody out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.signin.attempted_address"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_ip"
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# axes.W006 asks for the IP among the lockout parameters, against attackers who rotate browsers
# or cookies to escape a lockout keyed on them.  Ours is keyed on the account alone, which no
# rotation escapes; adding the IP is what locked out everyone behind one proxy (issue 10).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sign-in events (logins, failures, lockouts, logouts, password changes) are kept at least six
# months (the Cybersecurity Law's minimum for such logs), then purged by beat.
SIGNIN_AUDIT_RETENTION_DAYS = int(os.environ.get("SIGNIN_AUDIT_RETENTION_DAYS", "180"))
if SIGNIN_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"SIGNIN_AUDIT_RETENTION_DAYS={SIGNIN_AUDIT_RETENTION_DAYS}: sign-in records must be kept at least 180 days."
    )

# The portal's own address, for links in emails sent outside a request (Celery tasks).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# No "AXES: BEGIN version ..." banner on every command and worker start.
AXES_VERBOSE = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "兰馨HUI <noreply@fenghua-women.example>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
# Links in emails (sent by the worker, which has no request) start with this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# One date format in every language (fenghua_portal/formats; core.formatting says it in code).
FORMAT_MODULE_PATH = ["fenghua_portal.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves the copies that collectstatic made (the Dockerfile runs it with
# STATIC_HASHED=1): content-hashed names, gzip and brotli, cached by browsers for a year.  Where
# nothing was collected (make run, tests, a checkout) the source files are served by their plain
# names through the finders; DEBUG always shows plain names.
STATIC_HASHED = env_bool("STATIC_HASHED", (STATIC_ROOT / "staticfiles.json").exists())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Private files (case agreements, report attachments, generated PDFs, uploaded sheets) live
# outside any public URL and are served only by access-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", BASE_DIR / "var" / "private"))
REPORT_STORAGE_ROOT = Path(os.environ.get("REPORT_STORAGE_ROOT", BASE_DIR / "var" / "reports"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Celery: with no broker configured tasks run in-process (the embedded default).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL) or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not (os.environ.get("CELERY_BROKER_URL") or REDIS_URL)
# In-process mode (no broker) raises a task's error where it was called, instead of hiding it in
# a result nobody reads; tasks record the failures users must see (a report's error) themselves.
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Every task is idempotent (reports and imports are keyed, emails are sent once per key): a
# task whose worker process died is given to another worker rather than dropped.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600  # the longest task (an import) stops here
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = 20  # WeasyPrint keeps a little memory per render
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
# A message taken by a worker that then vanished (kill -9, power cut) goes back to the queue
# after the visibility timeout: above the longest task's time limit (600 s), far below Redis's
# default hour.  Short socket timeouts: a broker that hangs fails a publish instead of a page.
BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "900"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2  # the result backend (tests read results; the portal does not)
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}  # filled by fenghua_portal.celery from each app's schedule

# The outbox (core.outbox): beat relays what could not be published at commit time.
OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", "10"))
OUTBOX_MAX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_MAX_BACKOFF_SECONDS", "60"))
# The sweeper (beat, every SWEEP_SECONDS) marks reports and imports that stopped making
# progress as failed, to be retried: a report with no progress for REPORT_STUCK_AFTER seconds
# (its task stops after 300), an import running for IMPORT_STUCK_AFTER (its task stops after
# 600), work queued for QUEUED_STUCK_AFTER that no worker ever started.
SWEEP_SECONDS = float(os.environ.get("SWEEP_SECONDS", "60"))
REPORT_STUCK_AFTER = int(os.environ.get("REPORT_STUCK_AFTER", "420"))
IMPORT_STUCK_AFTER = int(os.environ.get("IMPORT_STUCK_AFTER", "720"))
QUEUED_STUCK_AFTER = int(os.environ.get("QUEUED_STUCK_AFTER", "10800"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cache may share the broker's Redis server, but not its database: clearing one must not
# drop the other's keys.  When Redis is unreachable it falls back to local memory (core.cache).
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
if REDIS_CACHE_URL:
    CACHES = {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": REDIS_CACHE_URL}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # Served over HTTPS behind a reverse proxy that sets X-Forwarded-Proto (and overwrites any
    # such header from the client).  /healthz stays reachable over plain HTTP for the container
    # health check on 127.0.0.1.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Personal data never goes to logs: requests are logged without query strings by Django's
# defaults; our own code logs ids only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # Failures and lockouts are warnings; axes' start-up banner and chatter are not needed
        # (the sign-in record in accounts.SignInEvent has every attempt).
        "axes": {"level": "WARNING"},
    },
}

# Uploaded sheets: rows are counted while the file is read (the sheet's own <dimension> is
# never trusted) and a sheet with more data rows than this is refused as a whole.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
PAGINATE_BY = 50
# An organization that accepted a referral sees the person until this many days after 办结.
REFERRAL_ACCESS_DAYS = int(os.environ.get("REFERRAL_ACCESS_DAYS", "30"))
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "300"))

# The JSON API (api/, /api/v1/): per-device tokens expire this many days after creation; each
# token may make API_RATE_LIMIT requests a minute (counted in the cache; a cache that is down
# lets requests through rather than refusing them).  The offline visit app (static/js/offline.js)
# forgets the people it cached after OFFLINE_CACHE_DAYS days.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "120"))
OFFLINE_CACHE_DAYS = int(os.environ.get("OFFLINE_CACHE_DAYS", "7"))
