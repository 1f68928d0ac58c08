"""Kesu settings, driven by environment variables (see README "Configuration").

Nothing secret lives in git: the secret key comes from KESU_SECRET_KEY or is
generated once into the data folder.
"""

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("KESU_DATA_DIR", Path.cwd() / "data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("KESU_SECRET_KEY")
    if key:
        return key
    # Generated once per installation and kept beside the database, never in git.
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("KESU_DEBUG", False)
# Where people reach Kesu: every link in e-mail starts with it (never with the request's Host header, which
# an attacker chooses: issue 15 §1, password-reset poisoning).
KESU_BASE_URL = os.environ.get("KESU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_BASE = urlsplit(KESU_BASE_URL)
BASE_IS_HTTPS = _BASE.scheme == "https"
# By default Kesu answers only to the base URL's host and to the machine itself; a request naming another host
# is refused with 400 before any view runs. KESU_ALLOWED_HOSTS replaces the list.
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "KESU_ALLOWED_HOSTS", ",".join(dict.fromkeys([_BASE.hostname or "", "localhost", "127.0.0.1", "[::1]"]))
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("KESU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if BASE_IS_HTTPS and f"https://{_BASE.netloc}" not in CSRF_TRUSTED_ORIGINS:
    # Behind a proxy that terminates TLS, the form posts come from the base URL's origin.
    CSRF_TRUSTED_ORIGINS.append(f"https://{_BASE.netloc}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "ninja",
    "kesu.core",
    "kesu.accounts",
    "kesu.customers",
    "kesu.complaints",
    "kesu.capa",
    "kesu.claims",
    "kesu.surveys",
    "kesu.property",
    "kesu.contracts",
    "kesu.service",
    "kesu.prevention",
    "kesu.webhooks",
    "kesu.mailin",
    "kesu.portal",
    "kesu.reports",
    "kesu.notifications",
]

MIDDLEWARE = [
    # Serving (issue 24 §1): forwarded headers only from trusted proxies, then /healthz and /readyz answered
    # before sessions, host checks and everything else (kesu/core/proxy.py, kesu/core/health.py).
    "kesu.core.proxy.TrustedProxyMiddleware",
    "kesu.core.health.HealthCheckMiddleware",
    # gzip for the API's JSON only, never HTML pages with CSRF tokens (BREACH): kesu/api/middleware.py.
    "kesu.api.middleware.ApiGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kesu.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kesu.accounts.middleware.SessionRenewalMiddleware",
    "kesu.accounts.middleware.UserPreferencesMiddleware",
    "kesu.portal.middleware.PortalMiddleware",  # portal sessions see the portal only (issue 23 §1)
    "kesu.core.middleware.AuditContextMiddleware",
    "kesu.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kesu.urls"
WSGI_APPLICATION = "kesu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kesu.core.context_processors.kesu",
                "kesu.notifications.context_processors.unread",
                "kesu.mailin.context_processors.menu",
            ],
        },
    },
]
FORM_RENDERER = "kesu.core.renderers.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KESU_DATABASE_URL", f"sqlite:///{DATA_DIR / 'kesu.sqlite3'}"),
        conn_max_age=int(os.environ.get("KESU_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so concurrent writers queue on busy_timeout instead of
    # failing with "database is locked" halfway through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("KESU_TEST_SQLITE_NAME") or None
    # The columns a PostgreSQL index INCLUDEs (for index-only scans) are simply not stored by SQLite.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Read replica (issue 24 §3): analyses, exports, dashboards and list counts read from a streaming standby when
# KESU_REPLICA_DATABASE_URL is set (kesu/core/dbrouter.py); writes and read-your-writes stay on "default".
# In tests the replica is a MIRROR of the test database: the same name, on the replica's own server.
if os.environ.get("KESU_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["KESU_REPLICA_DATABASE_URL"], conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kesu.core.dbrouter.ReportingRouter"]
# PostgreSQL's memory for one sort or grouping of an analysis, a dashboard or a review pack (kesu/core/dbrouter.py:
# the server's default of 4 MB made a year's recurring problems spill to disk at a million complaints); a
# PostgreSQL size such as 32MB, or empty to leave the server's own setting.
KESU_REPORT_WORK_MEM = os.environ.get("KESU_REPORT_WORK_MEM", "32MB").strip()
if KESU_REPORT_WORK_MEM and not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", KESU_REPORT_WORK_MEM):
    raise ImproperlyConfigured("KESU_REPORT_WORK_MEM must be a size such as 32MB (kB, MB or GB), or empty.")
# How many analyses of one page (the analyses page, its Excel file) run at once on PostgreSQL, each thread on a
# connection of its own (kesu/core/parallel.py); 1 runs them one after another.
try:
    KESU_REPORT_THREADS = int(os.environ.get("KESU_REPORT_THREADS", "2"))
except ValueError:
    KESU_REPORT_THREADS = 0
if not 1 <= KESU_REPORT_THREADS <= 16:
    raise ImproperlyConfigured("KESU_REPORT_THREADS must be a whole number from 1 to 16.")
# Several `kesu worker` processes share the periodic jobs through lease rows (kesu/core/jobs.py): a worker killed
# mid-job leaves its job to another after this many seconds.
KESU_JOB_LEASE_SECONDS = max(3, int(os.environ.get("KESU_JOB_LEASE_SECONDS", "60")))
# Business events (a new complaint's notifications, acknowledgement, webhooks) are handed on by the request that
# made the change, right after its commit; with KESU_EVENTS_BY_WORKER=1 the request only writes the event and the
# `kesu worker` processes hand it on within a second or two, in batches (kesu/core/events.py).
KESU_EVENTS_BY_WORKER = env_bool("KESU_EVENTS_BY_WORKER")

# The cache holds the sign-in and token throttle's counters (kesu/accounts/throttle.py), which must be shared by
# every server process and node (issue 24 §2): by default a table of the database (kesu_cache, made by the core
# migrations); KESU_CACHE_URL=redis://host:port/db keeps them in Redis instead (extra [redis]).
_CACHE_URL = os.environ.get("KESU_CACHE_URL", "").strip()
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "KEY_PREFIX": "kesu"}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")) else
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kesu_cache",
     # the throttle keeps one row per counter for a day; expired rows go when new ones are written
     "OPTIONS": {"MAX_ENTRIES": 1_000_000, "CULL_FREQUENCY": 10}}
)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kesu.accounts.backends.PositionRoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: the session lives KESU_SESSION_MINUTES after the last request (renewed at most once a minute
# by accounts.middleware.SessionRenewalMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("KESU_SESSION_MINUTES", "480")) * 60
SESSION_COOKIE_HTTPONLY = True
# Cookies go only over HTTPS when people reach Kesu over HTTPS (KESU_SECURE_COOKIES overrides either way).
SESSION_COOKIE_SECURE = env_bool("KESU_SECURE_COOKIES", BASE_IS_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Throttling of every way in (kesu.accounts.throttle): after KESU_LOGIN_FREE_FAILURES failures for one user
# name from one address, each further try waits 2^n seconds (n = failures), up to KESU_LOGIN_MAX_DELAY_MINUTES.
KESU_LOGIN_FREE_FAILURES = int(os.environ.get("KESU_LOGIN_FREE_FAILURES", "3"))
KESU_LOGIN_MAX_DELAY_MINUTES = int(os.environ.get("KESU_LOGIN_MAX_DELAY_MINUTES", "15"))
# Behind a reverse proxy: the request header (as in request.META, e.g. HTTP_X_FORWARDED_FOR) holding the client's
# address, so that the throttle counts people rather than the proxy. Trusted only when set.
KESU_CLIENT_ADDRESS_HEADER = os.environ.get("KESU_CLIENT_ADDRESS_HEADER", "")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "kesu_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The project-wide assets (Bootstrap, htmx, kesu.css) live in kesu/static, which is not an app folder.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("KESU_MEDIA_DIR", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "KESU_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = True

# Uploads: imports and attachments are checked again by the app; this only
# bounds what Django accepts into memory.
# Large enough that an oversized field reaches form validation and gets an
# error naming the field, rather than a bare "400 Bad Request".
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KESU_IMPORT_MAX_BYTES = int(os.environ.get("KESU_IMPORT_MAX_MB", "20")) * 1024 * 1024
KESU_IMPORT_MAX_ROWS = int(os.environ.get("KESU_IMPORT_MAX_ROWS", "100000"))
# Spreadsheet bombs (issue 15 §2): an .xlsx is a zip, so a small upload can unpack to gigabytes. These bound what
# a workbook may unpack to before openpyxl reads it (kesu.core.importexport.open_xlsx).
KESU_IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("KESU_IMPORT_MAX_UNCOMPRESSED_MB", "200")) * 1024 * 1024
KESU_IMPORT_MAX_RATIO = int(os.environ.get("KESU_IMPORT_MAX_RATIO", "100"))
# Shared strings, styles and the other parts openpyxl reads whole (only the sheet itself is streamed).
KESU_IMPORT_MAX_PART_BYTES = int(os.environ.get("KESU_IMPORT_MAX_PART_MB", "20")) * 1024 * 1024
KESU_IMPORT_MAX_CELLS = int(os.environ.get("KESU_IMPORT_MAX_CELLS", "1250000"))  # 100,000 rows of 12 columns
KESU_IMPORT_MAX_CELL_CHARS = int(os.environ.get("KESU_IMPORT_MAX_CELL_CHARS", "32767"))  # Excel's own limit
# Files with more rows than this are imported by the worker, with a progress bar on the page.
KESU_IMPORT_BACKGROUND_ROWS = int(os.environ.get("KESU_IMPORT_BACKGROUND_ROWS", "2000"))
KESU_IMPORT_REPORT_MAX_ERRORS = int(os.environ.get("KESU_IMPORT_REPORT_MAX_ERRORS", "10000"))
# Attachments (photos, PDF, Office files): size of one file and files per upload.
KESU_ATTACHMENT_MAX_BYTES = int(os.environ.get("KESU_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
KESU_ATTACHMENTS_PER_UPLOAD = int(os.environ.get("KESU_ATTACHMENTS_PER_UPLOAD", "10"))

EMAIL_BACKEND = os.environ.get("KESU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("KESU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KESU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KESU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KESU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KESU_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("KESU_EMAIL_FROM", "kesu@localhost")
# Most mails the outbox sends in one clock minute (all workers together): mail servers throttle or
# blacklist a sender that bursts, and a backlog after an outage should drain at a pace they accept.
KESU_MAIL_PER_MINUTE = max(1, int(os.environ.get("KESU_MAIL_PER_MINUTE", "600")))

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HSTS only when Kesu is reached over HTTPS (SecurityMiddleware sends it on secure requests only). Without
# includeSubDomains: other intranet hosts of the same domain may still speak plain HTTP.
SECURE_HSTS_SECONDS = int(os.environ.get("KESU_HSTS_SECONDS", "31536000")) if BASE_IS_HTTPS else 0
# Behind a proxy that terminates TLS, e.g. KESU_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO: trusted only when set,
# since any client could send that header to a Kesu that is reached directly.
if os.environ.get("KESU_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["KESU_PROXY_SSL_HEADER"], "https")

# -- Serving behind a reverse proxy, and where uploads are kept (issue 24; docs/deploy.md) ----------------------
# KESU_TRUSTED_PROXIES: addresses / networks of the reverse proxies in front of Kesu ("127.0.0.1,10.0.0.0/8";
# "unix" for a unix socket). Their X-Forwarded-For and X-Forwarded-Proto are believed; anyone else's are dropped
# (kesu.core.proxy.TrustedProxyMiddleware), which is what makes trusting X-Forwarded-Proto here safe.
KESU_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("KESU_TRUSTED_PROXIES", "").split(",") if p.strip()]
if KESU_TRUSTED_PROXIES and not os.environ.get("KESU_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# KESU_STORAGE: "local" (the folder KESU_MEDIA_DIR, which may be a share every app node mounts) or "s3"
# (S3-compatible storage through django-storages: pip install "kesu[s3]"). Either way a file is served only while
# it has the content hash recorded at upload (kesu.core.uploads.open_checked).
KESU_STORAGE = os.environ.get("KESU_STORAGE", "local").strip().lower() or "local"
if KESU_STORAGE == "s3":
    if not os.environ.get("KESU_S3_BUCKET"):

        raise ImproperlyConfigured("KESU_STORAGE=s3 needs KESU_S3_BUCKET (and the endpoint and keys).")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["KESU_S3_BUCKET"],
            "endpoint_url": os.environ.get("KESU_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, OSS, COS …
            "region_name": os.environ.get("KESU_S3_REGION") or None,
            "access_key": os.environ.get("KESU_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("KESU_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("KESU_S3_PREFIX", ""),
            "addressing_style": os.environ.get("KESU_S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO
            # Files are private and always streamed through Kesu's access checks, never linked to directly;
            # like the local folder, a second file of the same name gets a new name rather than replacing it.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif KESU_STORAGE != "local":

    raise ImproperlyConfigured(f"KESU_STORAGE={KESU_STORAGE!r}: use 'local' or 's3'.")

# The content security policy of every HTML page (kesu.core.middleware.ContentSecurityPolicyMiddleware): no inline
# script anywhere (kesu/static/kesu/kesu.js handles what onchange= did); inline style attributes stay allowed
# because Bootstrap's components and the report bars set widths with style="...".
KESU_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

NINJA_PAGINATION_PER_PAGE = 50
# The most rows one API page returns (issue 15: ?limit=1000000 returned 20,031 customers to a salesperson).
KESU_API_MAX_PAGE_SIZE = int(os.environ.get("KESU_API_MAX_PAGE_SIZE", "500"))
NINJA_PAGINATION_MAX_LIMIT = KESU_API_MAX_PAGE_SIZE
# A bare @paginate pages with the bounded limit and offset too.
NINJA_PAGINATION_CLASS = "kesu.api.paging.BoundedPagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KESU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
