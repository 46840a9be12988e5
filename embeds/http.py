"""The embeds app's network calls, through the project's guarded fetcher (core/fetch.py):
public addresses only, at every redirect. Tests replace `get`."""

from django.conf import settings

from core import fetch
from core.fetch import FetchError

__all__ = ["MAX_BYTES", "FetchError", "get"]

TIMEOUT = 5  # seconds for the whole look-up: an editor is waiting
MAX_BYTES = fetch.MAX_BYTES


def get(url, max_bytes=MAX_BYTES):
    """The body of an https GET of `url` (bytes), at most `max_bytes`. Raises FetchError."""
    user_agent = f"{settings.SITE_NAME} embeds (+{settings.SITE_URL})"
    return fetch.get(url, max_bytes=max_bytes, timeout=TIMEOUT, headers={"User-Agent": user_agent})
