"""Test settings: the real settings, with a fast password hasher, local-memory cache,
plain static storage, media in a throwaway folder and background tasks run at once
(tests/project/test_tasks.py also runs them through the real database backend)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("PUBLISHER_ADDRESS", "1 Test Street, Testville, TE1 1ST")

from defenceblog.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE = False  # tests/project/test_page_cache.py turns it on
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="defenceblog-test-media-")
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests sign in with force_login; tests of two-factor sign-in turn this on themselves.
STAFF_2FA_REQUIRED = False
# No network in tests: embed look-ups are off unless a test turns them on (with the HTTP
# layer mocked, tests/embeds).
EMBEDS_RESOLVE = False
# With DATABASE_REPLICA_URL set, the tests still use one database: the replica alias is
# the primary's test mirror, with the primary's connection, which core/db_router.py takes
# for the primary itself. tests/project/test_replica.py runs against a real standby.
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# A test's process is one server, whose own changes reach it at once (core.pagecache.bump):
# its content state is read again only after a change, so a query count does not depend on
# how long a test took. Tests of the bound between servers set it themselves.
PAGE_CACHE_STATE_SECONDS = 60


# The tip line: a cheap Argon2id (the codename tests derive many keys), no minimum time.
TIPS_ARGON2_MEMORY_KIB = 1024
TIPS_ARGON2_ITERATIONS = 1
TIPS_MIN_FORM_SECONDS = 0
