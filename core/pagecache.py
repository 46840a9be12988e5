"""A full-page cache for anonymous readers, in the default cache (Redis when REDIS_URL is
set, local memory otherwise). Turned off with PAGE_CACHE=0.

What is cached: GET responses with status 200 that the page itself marked public
(core.caching.public_page) and that set no cookie, to requests that carry no session,
messages or read-your-writes cookie (core/db_router.py). Never: signed-in staff, drafts and
previews (never-cache headers), pages with a form (the CSRF token sets a cookie), POSTs,
the paths in SKIP_PREFIXES.

Keys carry a site-wide content version, so a change is visible on the next request:

- `bump()` replaces the version. It runs when any model in settings.PAGE_CACHE_MODELS is
  saved or deleted, or its many-to-many links change (now, and again once the transaction
  commits, so a page rendered from the old rows in between is not kept);
- a scheduled publication needs no worker: the key also counts how many of the upcoming
  publication times (from the provider an app registers with `register_schedule`) have
  passed, so the first request after such a time renders afresh; entries also expire then.

Each entry is stored with an ETag; conditional GETs get 304. If the cache fails, pages are
served uncached (fail open).

Pages are kept in two tiers: the shared cache (every process and server sees a page one of
them rendered), and a small store in each process's memory in front of it (settings.
PAGE_CACHE_LOCAL_ENTRIES pages, PAGE_CACHE_LOCAL_BYTES in all, each for at most
PAGE_CACHE_LOCAL_SECONDS), so the pages a traffic spike asks for are served with no round
trip at all. Both tiers use the same key, so a change reaches the local tier exactly as it
reaches the shared one. The middleware is the first in MIDDLEWARE, so a hit skips every
other middleware; the stored response is the one those middleware finished (the
security, CSP, permissions-policy and reporting headers are stored with it), so a hit
carries the same headers as a miss, except the CSP nonce: it is stored as a marker, and
each hit gets a fresh one in its header and inline scripts (as core.fragments does). The
content version and the schedule are kept in process memory for STATE_SECONDS
(settings.PAGE_CACHE_STATE_SECONDS, 1 s): a change made through another process reaches
readers served by this one within that time (the process that made the change sees it at
once).
"""

import base64
import bisect
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, quote_etag

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
SCHEDULE_KEY = "pagecache:schedule"
SETTLE_KEY = "pagecache:settle"
SCHEDULE_LIMIT = 100  # upcoming publication times kept; read again when all have passed
SKIP_PREFIXES = ("/admin/", "/ckeditor5/", "/support/go/", "/preview/", "/draft/", "/static/")
STATE_HEADER = "X-Page-Cache"
# Stands for the CSP nonce in a stored page; each reader's copy gets a fresh one.
NONCE_MARKER = "\x00csp-nonce\x00"

_schedule_provider = None
# (monotonic expiry, version, schedule entry, settle time): the shared state, read at most
# once per STATE_SECONDS per process.
_local_state = None


class LocalStore:
    """A process's own tier in front of the shared cache: a least-recently-used store,
    bounded in entries and bytes (settings.PAGE_CACHE_LOCAL_*), each entry kept for at
    most PAGE_CACHE_LOCAL_SECONDS. Used for whole pages here and for fragments
    (core.fragments)."""

    def __init__(self):
        self._entries = OrderedDict()  # key -> (monotonic expiry, size, value)
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return found[2]

    def set(self, key, value, size, timeout):
        entries, limit = settings.PAGE_CACHE_LOCAL_ENTRIES, settings.PAGE_CACHE_LOCAL_BYTES
        if not entries or size > limit:
            return
        expiry = time.monotonic() + min(timeout, settings.PAGE_CACHE_LOCAL_SECONDS)
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (expiry, size, value)
            self._bytes += size
            while len(self._entries) > entries or self._bytes > limit:
                self._drop(next(iter(self._entries)))

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key):
        self._bytes -= self._entries.pop(key)[1]


local_pages = LocalStore()


def register_schedule(provider):
    """`provider()` returns the upcoming publication times (datetimes, soonest first) of
    work that is scheduled: readers must see it from that moment."""
    global _schedule_provider
    _schedule_provider = provider


def forget_state():
    """Drop this process's copy of the content version and schedule (tests, bump())."""
    global _local_state
    _local_state = None


def bump(settle_seconds=0):
    """A new content version: every cached page is stale from now on. With
    `settle_seconds`, pages rendered in the next that many seconds are also stale once
    they have passed (see `replica_settle_seconds`)."""
    forget_state()
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        cache.delete(SCHEDULE_KEY)
        if settle_seconds:
            cache.set(SETTLE_KEY, time.time() + settle_seconds, None)
    except Exception:
        logger.warning("Page cache unavailable: could not invalidate", exc_info=True)
    forget_state()


def _shared_state():
    """(version, schedule entry), from process memory when read less than STATE_SECONDS
    ago, else from the cache in one round trip."""
    global _local_state
    now = time.monotonic()
    state = _local_state
    if state is not None and state[0] > now:
        return state[1:]
    found = cache.get_many([VERSION_KEY, SCHEDULE_KEY, SETTLE_KEY])
    version = _version(found.get(VERSION_KEY))
    entry = found.get(SCHEDULE_KEY)
    settle = found.get(SETTLE_KEY)
    _local_state = (now + settings.PAGE_CACHE_STATE_SECONDS, version, entry, settle)
    return version, entry, settle


def state_key(now=None):
    """(key part, seconds until the next scheduled publication or None): the content
    version plus how many scheduled times have passed. Anything derived from the content
    (whole pages, template fragments, the sitemap index) is keyed on it."""
    global _local_state
    now = time.time() if now is None else now
    version, entry, settle = _shared_state()
    token, passed, upcoming, fresh = _schedule(now, entry)
    if fresh is not entry and _local_state is not None:  # read again: remember it
        _local_state = (_local_state[0], version, fresh, settle)
    key = f"{version}.{token}.{passed}"
    if settle is not None and now < settle:
        # Read replicas may not have replayed the last change yet: what is rendered now
        # is kept only until they must have (the key changes then).
        key += ".settling"
        upcoming = settle if upcoming is None else min(upcoming, settle)
    return key, (None if upcoming is None else upcoming - now)


def content_version():
    """The current content state: a key part for anything derived from the content that
    should be recomputed after a change (None when the cache is unavailable)."""
    try:
        return state_key()[0]
    except Exception:
        logger.warning("Page cache unavailable: no content version", exc_info=True)
        return None


def replica_settle_seconds():
    """With a read replica (core/db_router.py), the longest a change takes to reach it
    before readers are sent to the primary instead: DATABASE_REPLICA_MAX_LAG, plus the
    period in which a process may not have noticed the lag yet."""
    from .db_router import replica_configured

    if not replica_configured():
        return 0
    return settings.DATABASE_REPLICA_MAX_LAG + settings.DATABASE_REPLICA_CHECK_SECONDS


def content_changed(sender, **kwargs):
    if sender._meta.label in settings.PAGE_CACHE_MODELS:
        bump()
        transaction.on_commit(lambda: bump(replica_settle_seconds()))


def connect_signals():
    """Called once from CoreConfig.ready()."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"pagecache_{id(signal)}")


def _schedule(now, entry):
    """(schedule token, number of scheduled times passed, next upcoming time or None, the
    entry used), from the stored schedule `entry` or, when there is none or it has run
    out, the provider."""
    if entry is not None:
        token, times = entry
        passed = bisect.bisect_right(times, now)
        if not (passed == len(times) == SCHEDULE_LIMIT):
            return token, passed, times[passed] if passed < len(times) else None, entry
    upcoming = list(_schedule_provider()[:SCHEDULE_LIMIT]) if _schedule_provider else []
    times = [moment.timestamp() for moment in upcoming]
    entry = (uuid.uuid4().hex[:8], times)
    cache.set(SCHEDULE_KEY, entry, None)
    return entry[0], 0, times[0] if times else None, entry


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
        # A client that just wrote reads from the primary for a few seconds
        # (core/db_router.py): it gets pages rendered afresh, not ones from the replica.
        or settings.READ_YOUR_WRITES_COOKIE in request.COOKIES
        or request.path_info.startswith(SKIP_PREFIXES)
    )


def caches(request):
    """Will this request's response be looked up and kept here (so the view need not
    answer conditional requests itself: the middleware does, from the stored ETag)?"""
    return not _bypass(request)


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


def _kept(request, response):
    """What is stored of `response`: (status, headers, content), with this request's CSP
    nonce replaced by NONCE_MARKER wherever it appears, and an ETag of the content without
    it (so a conditional request matches whichever nonce the reader was served)."""
    nonce = getattr(request, "_csp_nonce", None)  # django-csp's, once the page used it
    content = response.content
    if isinstance(nonce, str) and nonce:
        content = content.replace(nonce.encode(), NONCE_MARKER.encode())
    if not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
    headers = tuple(
        (name, value.replace(nonce, NONCE_MARKER) if isinstance(nonce, str) and nonce else value)
        for name, value in response.items()
        if name != STATE_HEADER
    )
    return (response.status_code, headers, content)


def _served(stored):
    """A response from a stored page, with a nonce of its own where the page had one: every
    reader's inline scripts and CSP header carry a value no other reader saw."""
    status, headers, content = stored
    nonce = base64.b64encode(os.urandom(16)).decode("ascii")
    response = HttpResponse(content.replace(NONCE_MARKER.encode(), nonce.encode()), status=status)
    for name, value in headers:
        response.headers[name] = value.replace(NONCE_MARKER, nonce)
    return response


class PageCacheMiddleware:
    """First in MIDDLEWARE: a hit skips every other middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _bypass(request):
            return self.get_response(request)
        try:
            state, upcoming = state_key()
            address = f"{request.scheme}://{request.get_host()}{request.get_full_path_info()}"
            digest = hashlib.sha256(address.encode()).hexdigest()
            key = f"pagecache:page:{state}:{digest}"
            timeout = settings.PAGE_CACHE_SECONDS
            if upcoming is not None:
                timeout = max(1, min(timeout, int(upcoming) + 1))
            stored = local_pages.get(key)
            if stored is None:
                stored = cache.get(key)
                if stored is not None:
                    local_pages.set(key, stored, len(stored[2]), timeout)
        except Exception:
            logger.warning("Page cache unavailable: serving uncached", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            response = _served(stored)
            response[STATE_HEADER] = "hit"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        stored = _kept(request, response)
        local_pages.set(key, stored, len(stored[2]), timeout)
        try:
            cache.set(key, stored, timeout)
        except Exception:
            logger.warning("Page cache unavailable: page not stored", exc_info=True)
        response[STATE_HEADER] = "miss"
        return get_conditional_response(request, etag=response["ETag"], response=response)
