"""Rendered template fragments kept across requests: the parts of a reader page that cost
the most to render and are the same for every anonymous reader (an article's body,
bylines, corrections, tags, author boxes and related teasers; its sharing tags and
JSON-LD). A page whose fragments are all cached runs only the queries for what is left.

Fragments live where whole pages do (core.pagecache): in process memory in front of the
default cache, under keys that carry the content state, so every change that makes cached
pages stale (a save, a deletion, a scheduled time passing) makes fragments stale on the
next request too, whether or not the page cache is on. Entries also expire after
PAGE_CACHE_SECONDS (a deploy with changed templates is seen within that).

A fragment rendered with the request's CSP nonce is stored with the nonce replaced by a
marker, and served with the marker replaced by the nonce of the request it is served to.

Use: the view puts `Fragments(request, "article", article.pk)` in the context as
`fragments` and calls `fetch()` with the names its template caches (one round trip), and
the template wraps each part in `{% fragment "name" %}…{% endfragment %}` (the `fragments`
tag library). Without `fragments` in the context the tag just renders its contents: staff,
previews and drafts are never cached.
"""

import logging

from django.conf import settings
from django.core.cache import cache

from . import pagecache

logger = logging.getLogger(__name__)

NONCE_MARKER = "\x00csp-nonce\x00"

local_fragments = pagecache.LocalStore()


def _nonce(request):
    nonce = getattr(request, "csp_nonce", None)
    return None if nonce is None else str(nonce)


class Fragments:
    """The cached fragments of one page (`parts` name it: a kind and an id)."""

    def __init__(self, request, *parts):
        self.request = request
        self.found = {}
        state = pagecache.content_version()
        self.prefix = None if state is None else f"fragment:{':'.join(map(str, parts))}:{state}"

    def key(self, name):
        return f"{self.prefix}:{name}"

    def fetch(self, names):
        """Read `names` from process memory, then the rest from the cache in one round
        trip. True when every one of them was found (the view can skip what renders
        them)."""
        if self.prefix is None:
            return False
        missing = []
        for name in names:
            html = local_fragments.get(self.key(name))
            if html is None:
                missing.append(self.key(name))
            else:
                self.found[name] = html
        if missing:
            try:
                shared = cache.get_many(missing)
            except Exception:
                logger.warning("Cache unavailable: fragments rendered afresh", exc_info=True)
                shared = {}
            for key, html in shared.items():
                self.found[key.rsplit(":", 1)[1]] = html
                local_fragments.set(key, html, len(html), settings.PAGE_CACHE_SECONDS)
        return len(self.found) == len(names)

    def get(self, name):
        """The stored HTML of `name` ready to serve, or None."""
        html = self.found.get(name)
        if html is not None and NONCE_MARKER in html:
            html = html.replace(NONCE_MARKER, _nonce(self.request) or "")
        return html

    def store(self, name, html):
        if self.prefix is None:
            return
        nonce = _nonce(self.request)
        kept = html.replace(nonce, NONCE_MARKER) if nonce and nonce in html else str(html)
        self.found[name] = kept
        local_fragments.set(self.key(name), kept, len(kept), settings.PAGE_CACHE_SECONDS)
        try:
            cache.set(self.key(name), kept, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Cache unavailable: fragment not stored", exc_info=True)


_remembered = {}


def remember(name, compute):
    """`compute()`, kept in this process's memory until the content state changes: for
    small site-wide values every page shows (the navigation's sections, the footer's
    pages). Computed afresh when the cache cannot tell the state."""
    state = pagecache.content_version()
    if state is None:
        return compute()
    found = _remembered.get(name)
    if found is not None and found[0] == state:
        return found[1]
    value = compute()
    _remembered[name] = (state, value)
    return value


def forget():
    """Drop every fragment and remembered value this process holds (tests)."""
    local_fragments.clear()
    _remembered.clear()
