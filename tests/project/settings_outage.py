"""Production settings for tests that run a real server: everything as deployed, except
static files are served without a collectstatic manifest (no build step in tests)."""

from defenceblog.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
