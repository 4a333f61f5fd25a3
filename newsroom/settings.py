"""Newsroom settings: one module, configured by environment variables, grouped by concern.

Every variable is listed in README.md ("Configuration"). With no variables at all the site
runs in debug mode on SQLite, which is what `make run` uses. Product constants that are not
configuration (feed length, read-also positions, cacheable pages...) live in the modules that
use them.
"""

import ipaddress
import os
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

from core.digits import DIGITS
from core.month_names import DEFAULT as MONTH_NAMES_DEFAULT
from core.month_names import MONTH_NAMES

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def webauthn_rp_id(site_url):
    """The site's host name; "localhost" for an IP address, which WebAuthn refuses."""
    host = urlsplit(site_url).hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return "localhost"


def webauthn_origin(site_url, rp_id):
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{rp_id}" + (f":{parts.port}" if parts.port else "")


# --- The site ---------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG is off."
    )

SITE_NAME = os.environ.get("SITE_NAME", "نيوزروم")
# Scheme and host only: feeds, sitemaps, robots.txt, canonical and Open Graph URLs are built
# from it, never from the request's Host header.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# `make bench` only: a view that returns a page's bytes from memory, to measure the floor.
BENCH_VIEWS = env_bool("NEWSROOM_BENCH_VIEWS", default=False)
BENCH_PAGE_FILE = Path(os.environ.get("NEWSROOM_BENCH_PAGE", BASE_DIR / "bench" / "page.html"))

# Django 6.0 has the Tasks API in core; on 5.2 the `django-tasks` backport is the same API.
TASKS_MODULE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
TASK_APPS = ["django_tasks_db", *(["django_tasks"] if TASKS_MODULE == "django_tasks" else [])]
if os.environ.get("NEWSROOM_TASKS", "database") == "rq":
    TASK_APPS.append("django_rq")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "csp",
    "pagecache",
    "sections",
    "tags",
    "images",
    # Before articles: its roles (articles/roles.py) give editors the redirects' permissions.
    "redirects",
    "distribution",  # posts articles to Telegram channels when they go live (same reason)
    "articles",
    *TASK_APPS,  # the task queue (jobs/; README "Background work")
    "jobs",
    "events",
    # The second factor (django-otp: authenticator apps, backup codes) and the audit log.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys and security keys (staff/passkeys.py)
    "staff",
    "audit",
    "presence",
    "desk",
    "live",
    "wpimport",
    "autosave",
    "proposals",
    "edge",
    "mostread",  # «الأكثر قراءة»: the beacon, hourly counts, the block (README "Most read")
    *(["bench"] if BENCH_VIEWS else []),  # generate_dataset and the minimal view
]

# In the order a request meets them. Security headers and CSP first, so they apply to every
# answer, cached ones included; static files and compression before the page cache; a hit
# is answered by the page cache, before sessions, CSRF, authentication and the view.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "security.csp.NewsroomCSPMiddleware",
    "security.headers.PermissionsPolicyMiddleware",
    "security.bad_requests.RefuseNulMiddleware",
    "core.db_router.PrimaryForWritesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Old addresses (redirects/): reads its table only for a 404 or `/?p=…` on the home page.
    "redirects.middleware.OldUrlRedirectMiddleware",
    # Purges of edge caches by surrogate key, sent once per request after its commits
    # (edge/purge.py), outside the page cache so that staff requests are batched too.
    "edge.purge.PurgeBatchMiddleware",
    "pagecache.middleware.PageCacheMiddleware",
    # Inside the page cache: collects the keys a page shows, so a stored page keeps them.
    "pagecache.surrogate.SurrogateKeyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session passed the second step; then, who must pass it and has not is
    # sent to it (admin URLs) or treated as anonymous (everywhere else): staff/middleware.py.
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.SecondFactorMiddleware",
    # Who and from which address, for the audit rows this request writes.
    "audit.middleware.AuditContextMiddleware",
    # After authentication: marks a staff member's browser at login (a signed cookie), which
    # is how the page cache, before sessions, tells staff from readers.
    "pagecache.middleware.StaffMarkerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ops.faults.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

# Reader pages are Jinja2 (jinja2/, newsroom/jinja2.py: a render there is several times
# cheaper); the admin, sitemaps and robots.txt keep Django's templates (templates/). Jinja2 is
# asked first, so a name in jinja2/ wins.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            # Applied after the view's context, so they never set what a view sets.
            "context_processors": [
                "core.context_processors.site",
                "articles.context_processors.chrome",
                # «الأكثر قراءة» on home and article pages, lazy like the chrome.
                "mostread.context_processors.most_read",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "articles.context_processors.chrome",
            ],
            "libraries": {
                "csp_media": "security.csp_media",
                "newsroom_dates": "core.date_tags",
            },
        },
    },
]

# --- Database -----------------------------------------------------------------------------------

# SQLite is the zero-setup default; production and CI use PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every query is bounded, so a slow one cannot hold a worker: the request answers 503 instead.
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "10000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
    # Prepared statements: with server-side binding, psycopg prepares a query the ORM has sent
    # DATABASE_PREPARE_THRESHOLD times on a connection, and PostgreSQL keeps its plan.
    # Planning was 0.2-0.3 ms of each page query, more than running it. 0 turns them off, for
    # a pooler in transaction mode that cannot carry them (pgbouncer before 1.21).
    DATABASE_PREPARE_THRESHOLD = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5"))
    if DATABASE_PREPARE_THRESHOLD > 0:
        DATABASES["default"]["OPTIONS"] |= {
            "server_side_binding": True,
            "prepare_threshold": DATABASE_PREPARE_THRESHOLD,
        }

# An optional read replica answers anonymous reads; writes, the admin and sessions stay on
# the primary (core/db_router.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]

# --- Background work (jobs/, README "Background work") -----------------------------------------

# Which queue runs the jobs: "database" (the default: the database above, nothing else to
# run but `manage.py run_worker`), "rq" (Redis through RQ, NEWSROOM_TASKS_REDIS_URL, for
# several workers on several machines) or "immediate" (in the process that enqueues: tests).
TASKS_QUEUE = os.environ.get("NEWSROOM_TASKS", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend",
        }[TASKS_QUEUE],
        "QUEUES": ["default"],
    }
}
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("NEWSROOM_TASKS_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DEFAULT_TIMEOUT": 600,
    }
}
# A failed job is tried again after JOBS_RETRY_SECONDS, then twice that, four times...
# (at most an hour apart) until JOBS_MAX_ATTEMPTS; then it waits in «مهام متوقفة».
JOBS_RETRY_SECONDS = float(os.environ.get("NEWSROOM_JOBS_RETRY_SECONDS", "10"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("NEWSROOM_JOBS_MAX_ATTEMPTS", "5"))
# How often each worker's clock looks for articles that went live, expired or stopped being
# breaking (events/). Events fire within this plus a job's pickup time of the moment.
EVENTS_TICK_SECONDS = float(os.environ.get("NEWSROOM_EVENTS_TICK_SECONDS", "2"))
# How far back a worker that was down catches up on missed events.
EVENTS_CATCH_UP_HOURS = float(os.environ.get("NEWSROOM_EVENTS_CATCH_UP_HOURS", "24"))
# Uploads larger than this (JPEG) are checked from their header in the request, stored with a
# quick preview, and re-encoded in full by a job (images/models.py).
IMAGE_BACKGROUND_PIXELS = int(os.environ.get("IMAGE_BACKGROUND_PIXELS", 4_000_000))

# --- Distribution (distribution/, README "Telegram channel") ----------------------------------

# The bot's token: from the environment only, never stored, logged or shown ("TOKEN" in the
# name also hides it on Django's debug error page).
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
# The channels to post to, comma-separated: @name or the numeric id (-100...). Empty: off.
TELEGRAM_CHANNELS = [
    channel.strip()
    for channel in os.environ.get("TELEGRAM_CHANNELS", "").split(",")
    if channel.strip()
]
# The Bot API's address (a test server stands in for it in tests).
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
# How long one call waits for Telegram's answer; past it, the post is "unconfirmed".
TELEGRAM_TIMEOUT_SECONDS = float(os.environ.get("TELEGRAM_TIMEOUT_SECONDS", "20"))
# A rate limit (429) asking to wait at most this long is waited inside the job; a longer
# one sends the job back to the queue for that long.
TELEGRAM_WAIT_INLINE_SECONDS = float(os.environ.get("TELEGRAM_WAIT_INLINE_SECONDS", "5"))

# Web Push (distribution/push.py, README "Web Push"). The VAPID key pair identifies this site
# to the browsers' push services: `manage.py vapid_keys` makes one and prints these lines. The
# private key comes from the environment only, never stored, logged or shown ("KEY" in the
# name hides it on Django's debug page). Both empty: push is off and the control is hidden.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
# Who the push services may write to about this site's messages (mailto: or https:).
VAPID_CONTACT = os.environ.get("VAPID_CONTACT", "mailto:webmaster@example.com")
# The push services a subscription's endpoint may point at (scheme://host, comma-separated):
# anything else is refused, so the site never posts to an address a stranger chose. The
# default is the three browsers' services; a test server on 127.0.0.1 is added in tests.
PUSH_ALLOWED_ORIGINS = [
    origin.strip().rstrip("/")
    for origin in os.environ.get(
        "PUSH_ALLOWED_ORIGINS",
        "https://fcm.googleapis.com,https://updates.push.services.mozilla.com,"
        "https://web.push.apple.com",
    ).split(",")
    if origin.strip()
]
# Subscriptions per job: the fan-out is one job per batch.
PUSH_BATCH_SIZE = int(os.environ.get("PUSH_BATCH_SIZE", "100"))
# Seconds one request to a push service may take.
PUSH_TIMEOUT_SECONDS = float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10"))

# --- Cache and the page cache ---------------------------------------------------------------------

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "newsroom",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Login-throttle counters get a Redis of their own when LOGIN_THROTTLE_REDIS_URL is set, so
# that page-cache pressure can never evict them (a database number on the same server would
# share its memory limit and eviction). Otherwise they share the default cache.
if os.environ.get("LOGIN_THROTTLE_REDIS_URL"):
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["LOGIN_THROTTLE_REDIS_URL"],
        "KEY_PREFIX": "newsroom",
    }
LOGIN_THROTTLE_CACHE = "throttle" if "throttle" in CACHES else "default"

# Whole anonymous pages (the pagecache app). On by default only with a shared cache
# (REDIS_URL): invalidation bumps a generation in the cache, and a local-memory cache is
# private to one process, so several gunicorn workers would miss each other's bumps.
# PAGE_CACHE=true turns it on for a single process anyway.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=bool(os.environ.get("REDIS_URL")))
# Upper bound for a cached page; the time to the next scheduled publication or expiry
# lowers it. Bounds the damage if an invalidation is lost while Redis is unreachable.
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "600"))
# Pages by surrogate key: a change makes stale only the pages showing what it touched (the
# keys the edge app purges), not every page; needs the shared cache like the page cache.
PAGE_CACHE_BY_KEY = env_bool("PAGE_CACHE_BY_KEY", default=False)
# What a CDN in front may keep (s-maxage); browsers always revalidate (max-age=0 + ETag).
PAGE_CACHE_CDN_MAX_AGE = int(os.environ.get("PAGE_CACHE_CDN_MAX_AGE", "30"))

# The edge cache in front (the edge app, README "The edge"): which purger forgets pages by
# surrogate key after each change: none, varnish, cloudflare or fastly. With none, edges keep
# pages PAGE_CACHE_CDN_MAX_AGE; with a purger, EDGE_MAX_AGE, stale while revalidating and
# while the origin is down.
EDGE_PURGER = os.environ.get("EDGE_PURGER", "none").strip().lower()
if EDGE_PURGER not in ("none", "varnish", "cloudflare", "fastly"):
    raise ImproperlyConfigured("EDGE_PURGER must be none, varnish, cloudflare or fastly")
EDGE_MAX_AGE = int(os.environ.get("EDGE_MAX_AGE", str(6 * 3600)))
EDGE_STALE_WHILE_REVALIDATE = int(os.environ.get("EDGE_STALE_WHILE_REVALIDATE", "60"))
EDGE_STALE_IF_ERROR = int(os.environ.get("EDGE_STALE_IF_ERROR", str(24 * 3600)))
# Varnish servers purged (each gets the same PURGE), comma-separated base URLs.
EDGE_VARNISH_URLS = env_list("EDGE_VARNISH_URLS", default="http://127.0.0.1:8080")
EDGE_CLOUDFLARE_ZONE = os.environ.get("EDGE_CLOUDFLARE_ZONE", "")
EDGE_CLOUDFLARE_TOKEN = os.environ.get("EDGE_CLOUDFLARE_TOKEN", "")
EDGE_CLOUDFLARE_API = os.environ.get("EDGE_CLOUDFLARE_API", "https://api.cloudflare.com/client/v4")
EDGE_FASTLY_SERVICE = os.environ.get("EDGE_FASTLY_SERVICE", "")
EDGE_FASTLY_KEY = os.environ.get("EDGE_FASTLY_KEY", "")
EDGE_FASTLY_API = os.environ.get("EDGE_FASTLY_API", "https://api.fastly.com")
# Every purge is sent again this many seconds later (a job), for pages rendered from the old
# state while the change committed; 0: never.
EDGE_REPURGE_SECONDS = int(os.environ.get("EDGE_REPURGE_SECONDS", "5"))
# Seconds a purge request may take before it is left to a background retry.
EDGE_PURGE_TIMEOUT = float(os.environ.get("EDGE_PURGE_TIMEOUT", "2"))

# --- Most read (mostread/, README "Most read") --------------------------------------------------

# Readings are counted in the database (one UPDATE per beacon) unless this names a Redis
# (e.g. redis://127.0.0.1:6379/5): then a beacon is one HINCRBY and the workers' clock moves
# the counts into the database every MOSTREAD_FLUSH_SECONDS.
MOSTREAD_REDIS_URL = os.environ.get("MOSTREAD_REDIS_URL", "")
MOSTREAD_FLUSH_SECONDS = int(os.environ.get("MOSTREAD_FLUSH_SECONDS", "60"))
# The ranking is recomputed at most this often (and when the hour turns); the pages showing
# it are purged only when the list shown changed.
MOSTREAD_REFRESH_SECONDS = int(os.environ.get("MOSTREAD_REFRESH_SECONDS", "300"))
# Hourly counts older than this are deleted (the block reads the last 24 hours).
MOSTREAD_KEEP_HOURS = int(os.environ.get("MOSTREAD_KEEP_HOURS", "48"))

# --- Language and time --------------------------------------------------------------------------

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية")]
# The newsroom's month names (core/month_names.py): levantine (كانون الثاني), egyptian or
# gulf (يناير). The site's dates (core/dates.py) read the setting; Django's own dates in the
# admin get the same names from that set's catalog, which comes before the project's.
NEWSROOM_MONTH_NAMES = os.environ.get("NEWSROOM_MONTH_NAMES", MONTH_NAMES_DEFAULT).strip()
if NEWSROOM_MONTH_NAMES not in MONTH_NAMES:
    raise ImproperlyConfigured(
        f"NEWSROOM_MONTH_NAMES must be one of {', '.join(MONTH_NAMES)}, "
        f"not {NEWSROOM_MONTH_NAMES!r}."
    )
# Digits of the dates and counts on reader pages (core/digits.py): western (0123, default) or
# eastern (٠١٢٣). The admin keeps Western digits.
NEWSROOM_DIGITS = os.environ.get("NEWSROOM_DIGITS", "western").strip()
if NEWSROOM_DIGITS not in DIGITS:
    raise ImproperlyConfigured(
        f"NEWSROOM_DIGITS must be one of {', '.join(DIGITS)}, not {NEWSROOM_DIGITS!r}."
    )
# The Umm al-Qura Hijri date beside the Gregorian one on reader pages (core.dates.hijri_date).
NEWSROOM_HIJRI_DATE = env_bool("NEWSROOM_HIJRI_DATE", default=False)
LOCALE_PATHS = [BASE_DIR / "locale" / "months" / NEWSROOM_MONTH_NAMES, BASE_DIR / "locale"]
# Our `ar` date formats (day month year, 24-hour clock) instead of Django's.
FORMAT_MODULE_PATH = ["core.formats"]
USE_I18N = True
USE_TZ = True
# The newsroom's time zone: every date an editor enters or a reader sees is in it.
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "Asia/Damascus")

# --- The desk and presence -----------------------------------------------------------------------

# How often an open change form says it is still open (presence/static/presence/presence.js reads
# it from each answer), and after how long without a word a person no longer counts as present.
PRESENCE_HEARTBEAT_SECONDS = int(os.environ.get("PRESENCE_HEARTBEAT_SECONDS", "20"))
PRESENCE_EXPIRY_SECONDS = int(os.environ.get("PRESENCE_EXPIRY_SECONDS", "50"))

# --- Static files, media and uploads ------------------------------------------------------------

STATIC_URL = "/static/"
# collectstatic's target; nginx serves it (deploy/nginx/newsroom.conf).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed static files (CompressedManifestStaticFilesStorage when not DEBUG) are immutable:
# whitenoise serves them with a one-year max-age; unhashed ones get a short one.
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Large uploads wait here, metadata and all, until a job re-encodes them (images/models.py,
# PendingOriginal): outside MEDIA_ROOT, so nothing serves them; shared by the web servers and
# the workers like MEDIA_ROOT. With S3, a private prefix of the bucket (below).
PENDING_UPLOADS_ROOT = Path(os.environ.get("PENDING_UPLOADS_ROOT", BASE_DIR / "pending-uploads"))
STORAGES["pending"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PENDING_UPLOADS_ROOT, "base_url": None},
}
# Media on S3-compatible object storage when a bucket is configured, local disk otherwise.
if os.environ.get("MEDIA_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY"),
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": not os.environ.get("MEDIA_S3_CUSTOM_DOMAIN"),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    STORAGES["pending"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": STORAGES["default"]["OPTIONS"]
        | {"location": "pending-uploads", "custom_domain": None, "querystring_auth": True},
    }
MEDIA_HOST = os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "")

# Cap what Django buffers in memory; images have their own byte/pixel caps. Sized so that the
# article body's own cap (BODY_MAX_LENGTH, 500,000 characters, articles/body/editor.py) is
# what answers a long paste, in Arabic and with the text kept: browsers send the admin form
# URL-encoded, 6 bytes per Arabic letter ("%D8%A7"), so a paste of five times the cap is 15 MB.
# Past this limit the Arabic 400 page answers (security/bad_requests.py); nginx's
# client_max_body_size (25m) is above it and above the image cap.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMAGE_MAX_UPLOAD_BYTES = int(os.environ.get("IMAGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

# --- The newsroom's tools: editor, tags, workflow -------------------------------------------------

# The body editor's own menu buttons (image library picker, "read also" link, embed). They only
# insert nodes of extensions that are already enabled, so they add nothing to the allowlist.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/editor/newsroom.js")],
        "extensions": {
            "ImagePicker": lambda config, allowlist: None,
            "ReadAlso": lambda config, allowlist: None,
            "Embed": lambda config, allowlist: None,
        },
    }
]

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "tags.parsing.parse_tags"
TAGGIT_STRING_FROM_TAGS = "tags.parsing.edit_string_for_tags"

# How long a shared draft-preview link works (articles/views.py article_preview).
PREVIEW_LINK_MAX_AGE = int(os.environ.get("NEWSROOM_PREVIEW_LINK_HOURS", "48")) * 3600

# --- Reader-facing options ----------------------------------------------------------------------

# Feeds carry the full article body when on, the summary only when off.
NEWSROOM_FEED_FULL_CONTENT = env_bool("NEWSROOM_FEED_FULL_CONTENT", default=False)
# Search ranks the newest this many matching articles (a common word matches a large part
# of the archive; ranking all of it does not scale). Results say when the cap is reached.
NEWSROOM_SEARCH_MAX_RESULTS = int(os.environ.get("NEWSROOM_SEARCH_MAX_RESULTS", "1000"))
# The publisher's logo in JSON-LD (a static file path).
NEWSROOM_LOGO = os.environ.get("NEWSROOM_LOGO", "favicon.svg")
# Live coverage (live/): journalists' entries wait for an editor's approval when on.
NEWSROOM_LIVE_ENTRIES_NEED_APPROVAL = env_bool("NEWSROOM_LIVE_ENTRIES_NEED_APPROVAL", default=False)
# How often an open live page asks for new entries (seconds).
NEWSROOM_LIVE_POLL_SECONDS = int(os.environ.get("NEWSROOM_LIVE_POLL_SECONDS", "20"))

# --- Security -----------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where a login goes when its `next` is missing or refused (off-site): the admin, not Django's
# /accounts/profile/, which does not exist here.
LOGIN_REDIRECT_URL = "admin:index"

# Admin login throttling (security/login_throttle.py): failures counted in the cache within
# a fixed window, so a lockout always ends by itself.
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "900"))
LOGIN_THROTTLE_MAX_PER_ACCOUNT = int(os.environ.get("LOGIN_THROTTLE_MAX_PER_ACCOUNT", "10"))
LOGIN_THROTTLE_MAX_PER_ADDRESS = int(os.environ.get("LOGIN_THROTTLE_MAX_PER_ADDRESS", "30"))

# The second factor (staff app, README "Second factor for staff"). Editors and administrators
# always need it; NEWSROOM_2FA_FOR_ALL_STAFF=true requires it of journalists too.
SECOND_FACTOR_FOR_ALL_STAFF = env_bool("NEWSROOM_2FA_FOR_ALL_STAFF", default=False)
OTP_TOTP_ISSUER = SITE_NAME
# Passkeys and security keys (django-otp-webauthn, staff/passkeys.py): a second factor only,
# never a login without the password. The RP id is the domain a passkey is bound to (changing
# it later orphans every passkey); browsers refuse an IP address there, so a SITE_URL on
# 127.0.0.1 (the development default) gives "localhost": open http://localhost:8000.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_RP_ID = os.environ.get("NEWSROOM_WEBAUTHN_RP_ID") or webauthn_rp_id(SITE_URL)
# The origins (scheme://host[:port]) the login pages are served from, comma-separated.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "NEWSROOM_WEBAUTHN_ORIGINS", webauthn_origin(SITE_URL, OTP_WEBAUTHN_RP_ID)
)
OTP_WEBAUTHN_HELPER_CLASS = "staff.passkeys.Helper"
# Audit rows older than this are deleted by `manage.py prune_audit_log` (run it daily).
AUDIT_RETENTION_DAYS = int(os.environ.get("NEWSROOM_AUDIT_RETENTION_DAYS", "730"))

# Behind nginx: how many proxies append to X-Forwarded-For, and the proxy tells us https.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload token only makes the site eligible; listing it is a manual step (README).
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []
# The reading experience asks for none of these; an injected script gets none of them either.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp 4). No 'unsafe-inline' anywhere: the only inline element
# we emit is django-prose-editor's <script type="importmap">, which the admin templates render
# with the request's nonce (templates/admin/change_form.html); the editor's two fixed styles
# are allowed by hash in the admin only (security/csp.py).
EMBED_FRAME_HOSTS = [
    "https://www.youtube-nocookie.com",
    "https://platform.twitter.com",
    "https://t.me",
    "https://www.facebook.com",
]
MEDIA_SOURCES = [SELF, "data:", "blob:"] + ([f"https://{MEDIA_HOST}"] if MEDIA_HOST else [])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": MEDIA_SOURCES,
        "media-src": MEDIA_SOURCES,
        "font-src": [SELF],
        "connect-src": [SELF],
        # The push service worker, /sw.js (distribution/, README "Web Push").
        "worker-src": [SELF],
        # Embedded players and posts (articles/body/embeds.py FRAME_HOSTS): only these hosts,
        # and no page has such a frame until its reader clicks an embed card.
        "frame-src": [SELF, *EMBED_FRAME_HOSTS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({} if DEBUG else {"upgrade-insecure-requests": True}),
    },
}

# --- Faults and logs ----------------------------------------------------------------------------

# Seconds a client is told to wait when the database is unreachable (503 Retry-After).
RETRY_AFTER_SECONDS = int(os.environ.get("RETRY_AFTER_SECONDS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Log lines carry request paths and user input: control characters are escaped so
        # nobody can forge a line or hide one (THREATS WEB-12).
        "escape_controls": {"()": "security.log_escaping.EscapeControlCharacters"},
        # A 503 is logged once, by whoever answered it (ops/faults.py).
        "skip_logged_outages": {"()": "ops.faults.SkipLoggedOutages"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["escape_controls"]},
    },
    "loggers": {
        "django.request": {"filters": ["skip_logged_outages"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
