"""A full-page cache for anonymous readers, in the default cache (Redis when REDIS_URL is
set, local memory otherwise). Turned off with PAGE_CACHE=0.

What is cached: GET responses with status 200 that the page itself marked public
(core.caching.public_page) and that set no cookie, to anonymous reads
(core.anonymous.is_anonymous_read, the rule the read-replica router uses too: no real
session, flash message or read-your-writes cookie, a path outside its PRIVATE_PREFIXES).
Never: signed-in staff, drafts and previews (never-cache headers), pages with a form (the
CSRF token sets a cookie), POSTs.

Keys carry the content state (core.content_state: a site-wide version any change of the
content replaces, and the count of scheduled publication times passed), so a change is
visible on the next request in the process that made it, and within
PAGE_CACHE_STATE_SECONDS in every other; entries also expire when the next scheduled time
comes.

Each entry is stored with an ETag; conditional GETs get 304, from the stored ETag on a
hit, and on a miss once the view's whole response is stored (the view is asked without
the request's conditional headers, so what it returns can be kept). If the cache fails,
pages are served uncached (fail open).

Pages are kept in two tiers: the shared cache (every process and server sees a page one of
them rendered), and a small store in each process's memory in front of it (settings.
PAGE_CACHE_LOCAL_ENTRIES pages, PAGE_CACHE_LOCAL_BYTES in all, each for at most
PAGE_CACHE_LOCAL_SECONDS), so the pages a traffic spike asks for are served with no round
trip at all. Both tiers use the same key, so a change reaches the local tier exactly as it
reaches the shared one. The middleware is the first in MIDDLEWARE, so a hit skips every
other middleware; the stored response is the one those middleware finished (the
security, CSP, permissions-policy and reporting headers are stored with it), so a hit
carries the same headers as a miss, except the CSP nonce: it is stored as a marker, and
each hit gets a fresh one in its header and inline scripts (as core.fragments does).
"""

import base64
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.http import parse_http_date_safe

from .anonymous import is_anonymous_read
from .content_state import content_state

logger = logging.getLogger(__name__)

STATE_HEADER = "X-Page-Cache"
# Stands for the CSP nonce in a stored page; each reader's copy gets a fresh one.
NONCE_MARKER = "\x00csp-nonce\x00"


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


# The content state's own methods, under the names other apps call them by.
bump = content_state.bump
register_schedule = content_state.register_schedule
content_version = content_state.version

# The request headers that make a response conditional: a miss asks the view without them.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def _bypass(request):
    return not settings.PAGE_CACHE or not is_anonymous_read(request)


def _conditional(request, response):
    """`response`, or a 304 when the request's conditional headers match its ETag or
    Last-Modified."""
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
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
            state, upcoming = content_state.key()
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
            return _conditional(request, response)
        # Asked without its conditional headers, the view returns the whole page, which
        # can be kept; the 304 (if the reader's copy matches) is answered from it below.
        conditional = {
            name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META
        }
        try:
            response = self.get_response(request)
        finally:
            request.META.update(conditional)
        if not _storable(request, response):
            return _conditional(request, response)
        stored = _kept(request, response)
        local_pages.set(key, stored, len(stored[2]), timeout)
        try:
            cache.set(key, stored, timeout)
        except Exception:
            logger.warning("Page cache unavailable: page not stored", exc_info=True)
        response[STATE_HEADER] = "miss"
        return _conditional(request, response)
