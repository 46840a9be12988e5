"""A full-page cache for anonymous readers, in the default cache (Redis when REDIS_URL is
set, local memory otherwise). Turned off with PAGE_CACHE=0.

What is cached: GET responses with status 200 that the page itself marked public
(core.caching.public_page) and that set no cookie, to requests that carry no session or
messages cookie. Never: signed-in staff, drafts and previews (never-cache headers), pages
with a form (the CSRF token sets a cookie), POSTs, the paths in SKIP_PREFIXES.

Keys carry a site-wide content version, so a change is visible on the next request:

- `bump()` replaces the version. It runs when any model in settings.PAGE_CACHE_MODELS is
  saved or deleted, or its many-to-many links change (now, and again once the transaction
  commits, so a page rendered from the old rows in between is not kept);
- a scheduled publication needs no worker: the key also counts how many of the upcoming
  publication times (from the provider an app registers with `register_schedule`) have
  passed, so the first request after such a time renders afresh; entries also expire then.

Each entry is stored with an ETag; conditional GETs get 304. If the cache fails, pages are
served uncached (fail open).
"""

import bisect
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
SCHEDULE_KEY = "pagecache:schedule"
SCHEDULE_LIMIT = 100  # upcoming publication times kept; read again when all have passed
SKIP_PREFIXES = ("/admin/", "/ckeditor5/", "/support/go/", "/preview/", "/draft/")
STATE_HEADER = "X-Page-Cache"

_schedule_provider = None


def register_schedule(provider):
    """`provider()` returns the upcoming publication times (datetimes, soonest first) of
    work that is scheduled: readers must see it from that moment."""
    global _schedule_provider
    _schedule_provider = provider


def bump():
    """A new content version: every cached page is stale from now on."""
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        cache.delete(SCHEDULE_KEY)
    except Exception:
        logger.warning("Page cache unavailable: could not invalidate", exc_info=True)


def content_version():
    """The current content version: a key part for anything derived from the content that
    should be recomputed after a change (None when the cache is unavailable)."""
    try:
        return _version()
    except Exception:
        logger.warning("Page cache unavailable: no content version", exc_info=True)
        return None


def content_changed(sender, **kwargs):
    if sender._meta.label in settings.PAGE_CACHE_MODELS:
        bump()
        transaction.on_commit(bump)


def connect_signals():
    """Called once from CoreConfig.ready()."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"pagecache_{id(signal)}")


def _schedule(now, entry):
    """(schedule token, number of scheduled times passed, next upcoming time or None), from
    the stored schedule `entry` or, when there is none or it has run out, the provider."""
    if entry is not None:
        token, times = entry
        passed = bisect.bisect_right(times, now)
        if not (passed == len(times) == SCHEDULE_LIMIT):
            return token, passed, times[passed] if passed < len(times) else None
    upcoming = list(_schedule_provider()[:SCHEDULE_LIMIT]) if _schedule_provider else []
    times = [moment.timestamp() for moment in upcoming]
    token = uuid.uuid4().hex[:8]
    cache.set(SCHEDULE_KEY, (token, times), None)
    return token, 0, times[0] if times else None


def _version(version=None):
    if version is None:
        version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _bypass(request):
    return (
        not settings.PAGE_CACHE
        or request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or request.path.startswith(SKIP_PREFIXES)
    )


def _storable(request, response):
    control = response.get("Cache-Control", "")
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in control
        and not any(word in control for word in ("private", "no-cache", "no-store"))
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (user is not None and user.is_authenticated)
    )


class PageCacheMiddleware:
    """Place after WhiteNoise and before SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _bypass(request):
            return self.get_response(request)
        try:
            now = time.time()
            state = cache.get_many([VERSION_KEY, SCHEDULE_KEY])  # one round trip
            token, passed, upcoming = _schedule(now, state.get(SCHEDULE_KEY))
            address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
            digest = hashlib.sha256(address.encode()).hexdigest()
            key = f"pagecache:page:{_version(state.get(VERSION_KEY))}.{token}.{passed}:{digest}"
            timeout = settings.PAGE_CACHE_SECONDS
            if upcoming is not None:
                timeout = max(1, min(timeout, int(upcoming - now) + 1))
            stored = cache.get(key)
        except Exception:
            logger.warning("Page cache unavailable: serving uncached", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response[STATE_HEADER] = "hit"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        headers = {name: value for name, value in response.items() if name != STATE_HEADER}
        try:
            cache.set(key, (response.status_code, headers, response.content), timeout)
        except Exception:
            logger.warning("Page cache unavailable: page not stored", exc_info=True)
        response[STATE_HEADER] = "miss"
        return get_conditional_response(request, etag=response["ETag"], response=response)
