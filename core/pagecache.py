"""A full-page cache for anonymous readers, in the default cache (Redis when REDIS_URL is
set, local memory otherwise). Turned off with PAGE_CACHE=0.

What is cached: GET responses with status 200 that the page itself marked public
(core.caching.public_page) and that set no cookie, to anonymous reads
(core.anonymous.is_anonymous_read, the rule the read-replica router uses too: no real
session, flash message or read-your-writes cookie, a path outside its PRIVATE_PREFIXES).
Never: signed-in staff, drafts and previews (never-cache headers), pages with a form (the
CSRF token sets a cookie), POSTs.

Keys carry the site-wide content state (core.content_state: a version only a change no
app names the tags of replaces, and the count of scheduled publication times passed), and
each entry records what it shows as tags (`shows()`: the view, the context processors and
the fragments of the page declare them; a page that names none carries EVERYTHING) with
their versions: it is fresh while none of them has changed. So a change makes stale
exactly the pages that show what it touched, on the next request in the process that made
it and within PAGE_CACHE_STATE_SECONDS in every other; entries also expire when the next
scheduled time comes. A page's tags are sent as Surrogate-Key and Cache-Tag, for a CDN
that purges by tag; with Varnish in front (settings.VARNISH_PURGE_URLS, core/edge.py), what
this cache keeps is marked for Varnish to keep for hours (Surrogate-Control:
`edge_lifetime`), and Varnish is purged by tag when a change commits.

One render per page: after a change, the first request for a page takes a short lock in
the shared cache (an `add` that expires after PAGE_CACHE_STALE_SECONDS) and renders it;
while it does, the other requests for that page get the copy kept under the earlier state
at once (`X-Page-Cache: stale`, with `Age`), but only within PAGE_CACHE_STALE_SECONDS of
the change (core.content_state's `since`): later, they render it themselves, so a change
is seen within that bound however long a render hangs. A page with no copy kept is
rendered by one request while the others poll the shared cache for it until that render
ends (at most PAGE_CACHE_STALE_SECONDS), then render it themselves if it was not stored.

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
import math
import os
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.http import parse_http_date_safe

from . import edge
from .anonymous import is_anonymous_read
from .content_state import EVERYTHING, SETTLING_KEEP_SECONDS, content_state

logger = logging.getLogger(__name__)

STATE_HEADER = "X-Page-Cache"
# Stands for the CSP nonce in a stored page; each reader's copy gets a fresh one.
NONCE_MARKER = "\x00csp-nonce\x00"


class LocalStore:
    """A process's own tier in front of the shared cache: a least-recently-used store,
    bounded in entries and bytes (settings.PAGE_CACHE_LOCAL_*), each entry kept for at
    most PAGE_CACHE_LOCAL_SECONDS. Used for whole pages here and for fragments
    (core.fragments)."""

    def __init__(self, scale=1):
        self.scale = scale  # times settings.PAGE_CACHE_LOCAL_ENTRIES: many small entries
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
        entries = settings.PAGE_CACHE_LOCAL_ENTRIES * self.scale
        limit = settings.PAGE_CACHE_LOCAL_BYTES
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
# The tags of each address, as last seen in this process: read with its entry, so a hit is
# one round trip even when the versions of its tags are not held.
address_tags = LocalStore()


# --- What a page shows ---------------------------------------------------------------------
def shows(request, *tags, everywhere=False):
    """Note that the page `request` renders shows `tags` (`article:12`, `section:3`...):
    its cached copy and fragments are stale once a change touches one of them. Tags
    `everywhere` are ones every page carries (`nav`); a page with no other tag carries
    EVERYTHING (stale on any change)."""
    if request is not None and tags:
        noted = request.__dict__.setdefault("cache_tags", {})
        for tag in tags:
            noted.setdefault(str(tag), everywhere)


def shown(request):
    """The tags `request`'s page shows so far (a frozenset), with EVERYTHING when none but
    tags every page carries were noted."""
    noted = request.__dict__.get("cache_tags", {}) if request is not None else {}
    if all(noted.values()):
        return frozenset(noted) | {EVERYTHING}
    return frozenset(noted)


def tag_headers(response, tags):
    """The page's tags for a cache in front of the site (purging by tag): Surrogate-Key
    (Fastly, space-separated) and Cache-Tag (Cloudflare, comma-separated)."""
    ordered = sorted(tags)
    response["Surrogate-Key"] = " ".join(ordered)
    response["Cache-Tag"] = ",".join(ordered)


def edge_lifetime(response, current=None, versions=None):
    """With Varnish in front (settings.VARNISH_PURGE_URLS: it is purged by tag on every
    change, core.edge), a page this cache keeps is marked for Varnish to keep
    EDGE_CACHE_SECONDS (Surrogate-Control, which deploy/varnish.vcl reads and strips), or
    until the next scheduled publication, or, while a change one of its tags shows is
    settling (read replicas may not have replayed it), SETTLING_KEEP_SECONDS. What it
    does not keep (`versions` None: a copy from before a change, or rendered while what it
    shows changed) Varnish must not keep either: max-age=0."""
    if not settings.VARNISH_PURGE_URLS:
        return
    if versions is None:
        response["Surrogate-Control"] = "max-age=0"
        return
    seconds, now = settings.EDGE_CACHE_SECONDS, time.time()
    if current.upcoming is not None:
        seconds = min(seconds, current.upcoming + 1)
    for version in versions.values():
        if version and version[2] and version[2] > now:
            seconds = min(seconds, version[2] - now + 1, SETTLING_KEEP_SECONDS)
    response["Surrogate-Control"] = f"max-age={max(1, int(seconds))}"


def bump():
    """Everything is stale (a change no app names the tags of), in Varnish too once the
    transaction commits."""
    content_state.bump()
    edge.purge_on_commit({edge.ALL})


# The content state's own methods, under the names other apps call them by.
register_schedule = content_state.register_schedule
content_version = content_state.version

# How often a request waiting for another's render of a page never kept looks for it.
WAIT_POLL_SECONDS = 0.02

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


def _kept(request, response, versions):
    """What is stored of `response`: (status, headers, content, time stored, the versions
    of the tags it shows), with this
    request's CSP nonce replaced by NONCE_MARKER wherever it appears, and an ETag of the
    content without it (so a conditional request matches whichever nonce the reader was
    served)."""
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
    return (response.status_code, headers, content, time.time(), versions)


def _served(stored):
    """A response from a stored page, with a nonce of its own where the page had one: every
    reader's inline scripts and CSP header carry a value no other reader saw."""
    status, headers, content, _stored_at, _versions = stored
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
            response = self.get_response(request)
            if "public" in response.get("Cache-Control", "") and "cache_tags" in request.__dict__:
                tag_headers(response, shown(request))
            return response
        try:
            current = content_state.key()
            address = f"{request.scheme}://{request.get_host()}{request.get_full_path_info()}"
            page = Page(hashlib.sha256(address.encode()).hexdigest(), current)
            stored = page.fresh()
        except Exception:
            logger.warning("Page cache unavailable: serving uncached", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            return _answer(request, stored, "hit", current)
        if page.lock():  # this request renders the page; the others wait or get a stale copy
            try:
                return self._render(request, page)
            finally:
                page.unlock()
        earlier = page.earlier()
        if earlier is not None:
            if page.may_serve_stale():
                return _answer(request, earlier, "stale")
            return self._render(request, page)  # too old to serve: the change must show
        stored = page.wait()
        if stored is not None:
            return _answer(request, stored, "hit", current)
        return self._render(request, page)  # the other render failed or took too long

    def _render(self, request, page):
        # Asked without its conditional headers, the view returns the whole page, which
        # can be kept; the 304 (if the reader's copy matches) is answered from it below.
        conditional = {
            name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META
        }
        started = time.time()
        try:
            response = self.get_response(request)
        finally:
            request.META.update(conditional)
        if not _storable(request, response):
            return _conditional(request, response)
        tags = shown(request)
        tag_headers(response, tags)
        try:
            versions = content_state.recorded(tags, started)
        except Exception:
            logger.warning("Page cache unavailable: page not stored", exc_info=True)
            versions = None
        if versions is None:  # a tag it shows changed while it rendered
            edge_lifetime(response)
            return _conditional(request, response)
        page.store(_kept(request, response, versions))
        edge_lifetime(response, page.current, versions)
        response[STATE_HEADER] = "miss"
        return _conditional(request, response)


def _answer(request, stored, state, current=None):
    response = _served(stored)
    response[STATE_HEADER] = state
    edge_lifetime(response, current, stored[4] if state == "hit" else None)
    if state == "stale":
        response["Age"] = str(max(0, int(time.time() - stored[3])))
    return _conditional(request, response)


class Page:
    """One address's entries in both tiers, under the current content state, and what a
    request that does not render it may use: the copy kept under an earlier state (the
    address's `last` entry names that state), and the lock one request holds while it
    renders."""

    def __init__(self, digest, current):
        self.digest, self.current = digest, current
        self.outdated = None  # (copy under the current state whose tags changed, since when)
        self.key = self.key_for(current.key)
        self.last_key = f"pagecache:last:{digest}"
        self.lock_key = f"pagecache:render:{current.key}:{digest}"
        self.timeout = settings.PAGE_CACHE_SECONDS
        if current.upcoming is not None:
            self.timeout = max(1, min(self.timeout, int(current.upcoming) + 1))

    def key_for(self, state):
        return f"pagecache:page:{state}:{self.digest}"

    def fresh(self):
        """The copy kept under the current state whose tags are all unchanged, from this
        process's memory or the shared cache (then kept in memory too; read with the
        versions of the address's tags this process does not hold), or None. A copy whose
        tags changed is kept as `outdated`."""
        stored = local_pages.get(self.key)
        if stored is None:
            tags = address_tags.get(self.digest) or ()
            _versions, found = content_state.versions(tags, also=[self.key])
            stored = found.get(self.key)
            if stored is None:
                return None
            local_pages.set(self.key, stored, len(stored[2]), self.timeout)
            address_tags.set(self.digest, tuple(stored[4]), 1, settings.PAGE_CACHE_SECONDS)
        since = content_state.outdated(stored[4], stored[3])
        if since is None:
            return stored
        self.outdated = (stored, since)
        return None

    def _get(self, key, timeout):
        stored = local_pages.get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                local_pages.set(key, stored, len(stored[2]), timeout)
        return stored

    def lock(self):
        """True when this request is the one to render the page: no other holds the lock
        (it lasts PAGE_CACHE_STALE_SECONDS at most, so a render that dies frees it). True
        also when the shared cache cannot tell."""
        try:
            return cache.add(self.lock_key, 1, max(1, math.ceil(settings.PAGE_CACHE_STALE_SECONDS)))
        except Exception:
            logger.warning("Page cache unavailable: rendering without the lock", exc_info=True)
            return True

    def unlock(self):
        try:
            cache.delete(self.lock_key)
        except Exception:
            logger.warning("Page cache unavailable: render lock left to expire", exc_info=True)

    def may_serve_stale(self):
        """While another request renders the page, the copy kept under an earlier state
        may be served for PAGE_CACHE_STALE_SECONDS after the current state began (so a
        change is seen within that), not longer."""
        since = self.current.since if self.outdated is None else self.outdated[1]
        return time.time() - since <= settings.PAGE_CACHE_STALE_SECONDS

    def earlier(self):
        """The copy kept before the last change of what it shows: the one whose tags
        changed, or the one kept under an earlier state (the last one stored for this
        address), or None."""
        if self.outdated is not None:
            return self.outdated[0]
        try:
            state = cache.get(self.last_key)
            if state is None or state == self.current.key:
                return None
            return self._get(self.key_for(state), settings.PAGE_CACHE_STALE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable: no earlier copy", exc_info=True)
            return None

    def wait(self):
        """A page with no copy kept that another request is rendering: its copy once
        stored, polled for until that render ends (the lock is gone) or
        PAGE_CACHE_STALE_SECONDS have passed; None then (render it here)."""
        deadline = time.monotonic() + settings.PAGE_CACHE_STALE_SECONDS
        try:
            while time.monotonic() < deadline:
                found = cache.get_many([self.key, self.lock_key])
                if self.key in found:
                    stored = found[self.key]
                    local_pages.set(self.key, stored, len(stored[2]), self.timeout)
                    return stored
                if self.lock_key not in found:
                    return None
                time.sleep(WAIT_POLL_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable: not waiting for the render", exc_info=True)
        return None

    def store(self, stored):
        local_pages.set(self.key, stored, len(stored[2]), self.timeout)
        address_tags.set(self.digest, tuple(stored[4]), 1, settings.PAGE_CACHE_SECONDS)
        try:
            cache.set(self.key, stored, self.timeout)
            cache.set(self.last_key, self.current.key, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable: page not stored", exc_info=True)
