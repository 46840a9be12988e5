"""Settings for the Defence Blog CMS: one module, configured by environment variables.

See docs/deploying.md for every variable. With DEBUG off, SECRET_KEY is required and the
site runs with production security settings.
"""

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

from defenceblog import editor, security
from defenceblog.backends import caches, databases
from defenceblog.environment import env_bool, env_list
from defenceblog.logs import logging_config
from defenceblog.payments import stripe_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "Defence Blog")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION",
    "Independent reporting on defence, security and the arms industry.",
)

INSTALLED_APPS = [
    "core.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "taggit",
    "imagekit",
    "django_ckeditor_5",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "media",
    "authors",
    "articles",
    "search",
    "embeds",
    "feedback",
    "liveblog",
    "newsletter",
    "support",
    "accounts",
    "demo",
    "wordpress",
    "planning",
    "giving",
    "tips",
    "stats",
    "core",
]

MIDDLEWARE = [
    # The audience beacon, answered before anything else runs (stats/middleware.py).
    "stats.middleware.BeaconMiddleware",
    # Then: a cached page is served before any other middleware runs (core/pagecache.py).
    "core.pagecache.PageCacheMiddleware",
    # Second: /tips/ gets no cookie, no cache, strict headers, in-memory uploads (tips/).
    "tips.middleware.TipLineMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the 400 for control characters or an oversized post, so errors carry the
    # same headers as pages (issue 23).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.CrossOriginResourcePolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.middleware.ReportingEndpointsMiddleware",
    "core.middleware.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.sessions.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous readers' reads on the read replica, if there is one (core/db_router.py).
    "core.db_router.ReplicaRoutingMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.AdminCSPMiddleware",
    "embeds.middleware.EmbedCSPMiddleware",
    "articles.middleware.ArticleRedirectFallbackMiddleware",
    # Last: turns a locked-out sign-in into the lock-out page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "defenceblog.urls"
WSGI_APPLICATION = "defenceblog.wsgi.application"

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
                "csp.context_processors.nonce",
                "core.context_processors.site",
                "articles.context_processors.navigation",
                "support.context_processors.support",
            ],
            # `{{ moment|iso }}` for <time datetime> everywhere (core/templatetags/times.py).
            "builtins": ["core.templatetags.times"],
        },
    },
]

# --- Database: PostgreSQL everywhere -------------------------------------------------
# DATABASE_POOLER=pgbouncer (transaction pooling): no server-side cursors, no prepared
# statements, nothing kept on a session (docs/deploying.md, "PgBouncer").
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("DATABASE_POOLER must be empty or 'pgbouncer'.")
DISABLE_SERVER_SIDE_CURSORS = DATABASE_POOLER == "pgbouncer" or env_bool(
    "DISABLE_SERVER_SIDE_CURSORS"
)
# DATABASE_URL, else the embedded PostgreSQL (defenceblog/backends.py); anonymous readers on
# the replica at DATABASE_REPLICA_URL while it answers and keeps up (core/db_router.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASES = databases(BASE_DIR, DATABASE_POOLER, DISABLE_SERVER_SIDE_CURSORS, DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", 10))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", 5))
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", 10))
READ_YOUR_WRITES_COOKIE = "read_primary"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")  # fail-soft (defenceblog/backends.py)
CACHES = caches(REDIS_URL)
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# How long a shared cache in front (nginx's proxy_cache, a CDN) keeps a reader page
# (s-maxage); Varnish purged by tag (core/edge.py, docs/deploying.md) keeps it for hours.
SHARED_CACHE_SECONDS = int(os.environ.get("SHARED_CACHE_SECONDS", 300))
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS")
VARNISH_PURGE_TIMEOUT = float(os.environ.get("VARNISH_PURGE_TIMEOUT", 0.5))
EDGE_CACHE_SECONDS = int(os.environ.get("EDGE_CACHE_SECONDS", 6 * 3600))

# Full pages for anonymous readers, in the cache above (core/pagecache.py). PAGE_CACHE=0
# turns it off. A save or delete of any of PAGE_CACHE_MODELS makes the cached pages that
# show it stale (the tags its app names; every page, for a model no app names tags for).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# FRAGMENT_CACHE=0: the article page's parts (core/fragments.py), feed items: never kept.
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 300))
# Each process keeps the content version this many seconds: a change made in another
# process reaches its readers within that (one cache round trip per cached page served).
PAGE_CACHE_STATE_SECONDS = float(os.environ.get("PAGE_CACHE_STATE_SECONDS", 1))
# After a change, one request renders each page again while the others get the copy kept
# before the change (X-Page-Cache: stale, with Age), for at most this many seconds after
# it; a page never kept is rendered by one request while the others wait up to this long.
PAGE_CACHE_STALE_SECONDS = float(os.environ.get("PAGE_CACHE_STALE_SECONDS", 5))
# Each process also keeps the pages it served most recently in its own memory, in front of
# the shared cache (no round trip for the pages a spike asks for): this many pages, this
# many bytes in all, each for at most this many seconds. 0 entries turns that tier off.
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", 200))
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024))
PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("PAGE_CACHE_LOCAL_SECONDS", 30))
PAGE_CACHE_MODELS = [
    "articles.Article",
    "articles.ArticleAuthor",
    "articles.TaggedArticle",
    "articles.Correction",
    "liveblog.LiveBlog",
    "liveblog.LiveUpdate",
    "liveblog.UpdateCorrection",
    "articles.Section",
    "media.Image",
    "authors.Author",
    "authors.AuthorLink",
    "taggit.Tag",
    "support.SupportPage",
    "support.DonationOption",
    "support.Page",
    "newsletter.Edition",
]

# --- Auth: staff accounts (accounts app; see docs/deploying.md) -----------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and clients
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Brute-force protection (django-axes): accounts and client addresses locked after failed
# sign-ins, in the database (it holds with Redis down; docs/deploying.md).
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("STAFF_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("STAFF_LOCKOUT_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

# Two-factor sign-in (django-otp) for all staff; off by default only with DEBUG on.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME
# Nobody, superusers included, sees another person's TOTP secret or QR code in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Staff sessions end after this long idle (accounts.sessions) or a password change.
SESSION_COOKIE_AGE = int(float(os.environ.get("STAFF_SESSION_IDLE_HOURS", 9)) * 3600)

# --- Time and language ---------------------------------------------------------------
# The newsroom's time zone: pages and articles' addresses use its days. Set it once,
# before the first article (docs/deploying.md); stored times stay in UTC.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "Europe/London")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as error:
    raise ImproperlyConfigured(
        f"NEWSROOM_TIME_ZONE={TIME_ZONE!r} is not a time zone name such as 'Europe/London'."
    ) from error
# The site's date style everywhere, the admin included (defenceblog/formats/en_GB).
FORMAT_MODULE_PATH = ["defenceblog.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "core.static_storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media on S3-compatible object storage with MEDIA_STORAGE=s3 (defenceblog/media.py: the
# S3_* variables, private originals); the local MEDIA_ROOT otherwise.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local").strip().lower() or "local"
if MEDIA_STORAGE == "s3":
    from defenceblog.media import bucket_from_environment, s3_storage

    _bucket = bucket_from_environment()
    S3_BUCKET, S3_ENDPOINT_URL, S3_REGION = _bucket.name, _bucket.endpoint_url, _bucket.region
    S3_PRIVATE_ORIGINALS, S3_PUBLIC_URL = _bucket.private_originals, _bucket.public_url
    STORAGES["default"] = s3_storage(_bucket)
    MEDIA_URL = S3_PUBLIC_URL
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE is {MEDIA_STORAGE!r}: use local or s3.")
# Uploads larger than this many bytes are refused (CKEditor uploads and the image admin).
MAX_IMAGE_UPLOAD_BYTES = int(os.environ.get("MAX_IMAGE_UPLOAD_BYTES", 10 * 1024 * 1024))
MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", 40_000_000))
INLINE_IMAGE_MAX_WIDTH = 1280  # the src of pictures inside article bodies
# Pictures uploaded from the lead-image chooser must be at least this big (pixels).
LEAD_IMAGE_MIN_WIDTH = 640
LEAD_IMAGE_MIN_HEIGHT = 360
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Responsive renditions: made by a background task after an image is saved (articles/
# renditions.py), never while a page renders.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "core.images.OnTask"
IMAGEKIT_CACHEFILE_DIR = "renditions"
# Renditions are named from a keyed HMAC of the original's (random) name, so their public
# addresses do not lead to the original (core/images.py). Keep MEDIA_NAME_KEY unchanged
# once pictures are published: changing it renames every rendition.
IMAGEKIT_SPEC_CACHEFILE_NAMER = "core.images.rendition_name"
MEDIA_NAME_KEY = os.environ.get("MEDIA_NAME_KEY", "") or SECRET_KEY

# --- Backups (core/backups.py, docs/operations.md) ----------------------------------
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))

# --- Feeds ---------------------------------------------------------------------------
# Whole article bodies in RSS/Atom (True) or only the summary and a link (False).
FEED_FULL_CONTENT = env_bool("FEED_FULL_CONTENT", True)

# --- Search --------------------------------------------------------------------------
# Searches expected to match more articles than this come newest first instead of ranked
# (ranking reads every match's search vector). See bench/README.md.
SEARCH_RANK_LIMIT = int(os.environ.get("SEARCH_RANK_LIMIT", 2000))

# --- Editorial workflow --------------------------------------------------------------
# Days a "share preview" link works before it expires (editors can revoke it sooner).
PREVIEW_LINK_DAYS = int(os.environ.get("PREVIEW_LINK_DAYS", 7))

# --- E-mail --------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Newsletter (newsletter app; docs/deploying.md says what each one does) ----------
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", "") or DEFAULT_FROM_EMAIL
NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get("NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
NEWSLETTER_CONFIRM_MAX_AGE = int(os.environ.get("NEWSLETTER_CONFIRM_MAX_AGE", 3 * 24 * 3600))
NEWSLETTER_CONFIRM_RESEND_SECONDS = int(os.environ.get("NEWSLETTER_CONFIRM_RESEND_SECONDS", 600))
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", 500))
NEWSLETTER_RATE = float(os.environ.get("NEWSLETTER_RATE", 0))
NEWSLETTER_SENDING_LEASE = int(os.environ.get("NEWSLETTER_SENDING_LEASE", 900))
# Seconds an SMTP connection waits for the server before giving up.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 60))

# --- Reader error reports (feedback app; docs/deploying.md says what each one does) ---
FEEDBACK_NOTIFY_EMAILS = env_list("FEEDBACK_NOTIFY_EMAILS")

# Background tasks (django-tasks): in PostgreSQL, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
FEEDBACK_RATE_LIMIT = int(os.environ.get("FEEDBACK_RATE_LIMIT", 10))
FEEDBACK_RATE_WINDOW = int(os.environ.get("FEEDBACK_RATE_WINDOW", 3600))
FEEDBACK_MIN_FORM_SECONDS = int(os.environ.get("FEEDBACK_MIN_FORM_SECONDS", 3))
FEEDBACK_MAX_FORM_AGE = int(os.environ.get("FEEDBACK_MAX_FORM_AGE", 6 * 3600))
FEEDBACK_MAX_LINKS = int(os.environ.get("FEEDBACK_MAX_LINKS", 3))
# Behind a proxy: the request.META header with the client's address (HTTP_X_REAL_IP).
FEEDBACK_CLIENT_IP_HEADER = os.environ.get("FEEDBACK_CLIENT_IP_HEADER", "")
FEEDBACK_HASH_SALT = os.environ.get("FEEDBACK_HASH_SALT", "")
FEEDBACK_SPAM_RETENTION_DAYS = int(os.environ.get("FEEDBACK_SPAM_RETENTION_DAYS", 30))
FEEDBACK_CONTACT_RETENTION_DAYS = int(os.environ.get("FEEDBACK_CONTACT_RETENTION_DAYS", 180))

# --- Security ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # SECURE_COOKIES=0 only for a cluster on plain-http loopback (`make cluster`): a
    # browser or test client never sends a Secure cookie over http. check --deploy warns.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy for every page (defenceblog/security.py); pictures also from the
# media's origin and the bucket's endpoint (signed URLs of private originals).
_image_origins = [MEDIA_URL] if MEDIA_URL.startswith("http") else []
if MEDIA_STORAGE == "s3" and S3_PRIVATE_ORIGINALS and _bucket.signed_base_url != MEDIA_URL:
    _image_origins.append(_bucket.signed_base_url)
CONTENT_SECURITY_POLICY = security.content_security_policy(*_image_origins)
# Pasted YouTube, Vimeo, X, Bluesky, Mastodon and Instagram links are looked up (oEmbed)
# in a background task when an article is saved (embeds/). 0 turns the look-ups off.
EMBEDS_RESOLVE = env_bool("EMBEDS_RESOLVE", True)
# Who sees which embeds in the admin: those of the articles they may read (embeds/uses.py).
EMBEDS_READABLE_ARTICLES = "articles.workflow.readable_articles"
# How often a live blog's open page asks for new updates (liveblog/, static/js/liveblog.js).
# The answer is cached (core.caching.POLL_CACHE), so this sets readers' delay, not load.
LIVEBLOG_POLL_SECONDS = int(os.environ.get("LIVEBLOG_POLL_SECONDS", 15))
# Violation reports logged a minute, site-wide (core.views.csp_report); more are dropped.
CSP_REPORT_RATE_LIMIT = int(os.environ.get("CSP_REPORT_RATE_LIMIT", 60))

# Browser features no page of the site uses: denied to the site and anything it embeds.
PERMISSIONS_POLICY = security.PERMISSIONS_POLICY

# --- CKEditor 5 ----------------------------------------------------------------------
# Every editor upload goes through this view (validators, cleaning, the add-image
# permission). The library's own URLs (django_ckeditor_5.urls) are not routed.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "articles:editor_image_upload"
CKEDITOR_5_MAX_FILE_SIZE = MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024)
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "png", "gif", "webp"]
# The article pages' content styles, so the editor shows what readers will see.
CKEDITOR_5_CUSTOM_CSS = "css/article-content.css"
CKEDITOR_5_CONFIGS = editor.CKEDITOR_5_CONFIGS

# --- Logging -------------------------------------------------------------------------
LOGGING = logging_config(os.environ.get("LOG_LEVEL", "INFO"))

# The planning desk (planning/): the currencies a freelance fee may be in.
PLANNING_CURRENCIES = [c.upper() for c in env_list("PLANNING_CURRENCIES", "EUR,GBP,USD")]

# --- Reader revenue: donations through Stripe (giving app; docs/deploying.md) ---------
# STRIPE_SECRET_KEY: the real Stripe; without it and with DEBUG on, localstripe on
# LOCALSTRIPE_PORT (`make run` starts it); without it in production, giving is off.
LOCALSTRIPE_PORT = int(os.environ.get("LOCALSTRIPE_PORT", 8420))
_stripe = stripe_from_environment(DEBUG, LOCALSTRIPE_PORT)  # defenceblog/payments.py
STRIPE_LOCAL, STRIPE_SECRET_KEY = _stripe.local, _stripe.secret_key
STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET = _stripe.publishable_key, _stripe.webhook_secret
STRIPE_API_BASE, STRIPE_JS_URL = _stripe.api_base, _stripe.js_url
# Empty: the API version the installed stripe library is pinned to. Set the webhook
# endpoint at Stripe to the same version.
STRIPE_API_VERSION = os.environ.get("STRIPE_API_VERSION", "")
STRIPE_TIMEOUT = float(os.environ.get("STRIPE_TIMEOUT", 20))
# The currencies readers may give in (two-decimal ones: EUR, GBP, USD, CHF…), amounts in
# whole units within the bounds, and the amounts the form suggests.
GIVING_CURRENCIES = [c.upper() for c in env_list("GIVING_CURRENCIES", "EUR,GBP,USD")]
GIVING_MIN_AMOUNT = int(os.environ.get("GIVING_MIN_AMOUNT", 2))
GIVING_MAX_AMOUNT = int(os.environ.get("GIVING_MAX_AMOUNT", 5000))
GIVING_SUGGESTED_AMOUNTS = [int(a) for a in env_list("GIVING_SUGGESTED_AMOUNTS", "5,10,25,50")]
# Printed on every receipt and annual statement, and in every newsletter's footer: a
# commercial e-mail must carry the sender's postal address (CAN-SPAM, the EU's e-commerce
# rules), so production refuses to start without one. DEBUG has an invented demo address.
PUBLISHER_LEGAL_NAME = os.environ.get("PUBLISHER_LEGAL_NAME", "") or SITE_NAME
PUBLISHER_ADDRESS = os.environ.get("PUBLISHER_ADDRESS", "").strip()
if not PUBLISHER_ADDRESS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PUBLISHER_ADDRESS must be set when DEBUG is off: the publisher's postal address, "
            "printed in every newsletter (anti-spam law) and on receipts."
        )
    PUBLISHER_ADDRESS = "1 Demo Street, Example Town, EX1 2MP, United Kingdom (demo address)"
# A supporter's sign-in link works once, for this many seconds.
SUPPORTER_LINK_MAX_AGE = int(os.environ.get("SUPPORTER_LINK_MAX_AGE", 3600))


# The site is served at the root, whatever a SCRIPT_NAME header says (gunicorn takes one
# from the client, and it would prefix request.path: a 2FA or page-cache path check
# fooled, issue 23).
FORCE_SCRIPT_NAME = ""


# --- Tip line (tips/, docs/tips.md) ---------------------------------------------------
# The newsroom's OpenPGP PUBLIC key files (ASCII armor); none: the tip line is closed.
# With DEBUG on and none set, the demo key made by `manage.py tips_demo_key` is used.
TIPS_PUBLIC_KEY_FILES = env_list("TIPS_PUBLIC_KEY_FILES")
if DEBUG and not TIPS_PUBLIC_KEY_FILES and (BASE_DIR / "var/tips-demo/public.asc").exists():
    TIPS_PUBLIC_KEY_FILES = [str(BASE_DIR / "var/tips-demo/public.asc")]
TIPS_SIGNAL_NUMBER = os.environ.get("TIPS_SIGNAL_NUMBER", "")
TIPS_SECUREDROP_URL = os.environ.get("TIPS_SECUREDROP_URL", "")
TIPS_ONION_ADDRESS = os.environ.get("TIPS_ONION_ADDRESS", "")  # http://….onion
TIPS_MAX_MESSAGE_CHARS = int(os.environ.get("TIPS_MAX_MESSAGE_CHARS", 20_000))
TIPS_MAX_FILES = int(os.environ.get("TIPS_MAX_FILES", 5))
TIPS_MAX_REQUEST_BYTES = int(os.environ.get("TIPS_MAX_REQUEST_BYTES", 10 * 1024 * 1024))
TIPS_INBOX_MAX_BYTES = int(os.environ.get("TIPS_INBOX_MAX_BYTES", 2 * 1024**3))
TIPS_MIN_FORM_SECONDS = int(os.environ.get("TIPS_MIN_FORM_SECONDS", 3))
TIPS_MAX_FORM_AGE = int(os.environ.get("TIPS_MAX_FORM_AGE", 6 * 3600))
TIPS_RATE_LIMIT = int(os.environ.get("TIPS_RATE_LIMIT", 30))  # messages a window, per process
TIPS_CODENAME_ATTEMPTS = int(os.environ.get("TIPS_CODENAME_ATTEMPTS", 60))
TIPS_RATE_WINDOW = int(os.environ.get("TIPS_RATE_WINDOW", 600))
TIPS_CODENAME_SALT = os.environ.get("TIPS_CODENAME_SALT", "")  # empty: from SECRET_KEY
TIPS_ARGON2_MEMORY_KIB = int(os.environ.get("TIPS_ARGON2_MEMORY_KIB", 64 * 1024))
TIPS_ARGON2_ITERATIONS = int(os.environ.get("TIPS_ARGON2_ITERATIONS", 3))

# Audience (stats/, docs/privacy-analytics.md): raw hits kept this many days (then their
# partition is dropped; rollups keep counts). Each web process sends hits every
# STATS_OUTBOX_SECONDS (0: in the request) to Redis at STATS_REDIS_URL (empty: dropped and
# logged); past STATS_BUFFER_MAX waiting for the worker's batches, they are dropped.
STATS_RETENTION_DAYS = int(os.environ.get("STATS_RETENTION_DAYS", 30))
STATS_REDIS_URL = os.environ.get("STATS_REDIS_URL", "") or REDIS_URL
STATS_BUFFER_MAX = int(os.environ.get("STATS_BUFFER_MAX", 2_000_000))
STATS_OUTBOX_SECONDS = float(os.environ.get("STATS_OUTBOX_SECONDS", 0.05))
