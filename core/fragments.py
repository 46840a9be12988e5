"""Rendered template fragments kept across requests: the parts of a reader page that cost
the most to render and are the same for every anonymous reader (an article's body,
bylines, corrections, tags, author boxes and related teasers; its sharing tags and
JSON-LD). A page whose fragments are all cached runs only the queries for what is left.

Fragments live where whole pages do (core.pagecache): in process memory in front of the
default cache, under keys that carry the site-wide content state (core.content_state),
and each records the versions of the tags its page had shown when it was rendered
(core.pagecache.shows: the view's, and those of the fragments before it), so a change
that touches one of them (or the whole site, or a scheduled time passing) makes it stale
on the next request too, whether or not the page cache is on; a fragment served from the
cache notes its tags on the request again, so the page carries them. Entries also expire
after PAGE_CACHE_SECONDS (a deploy with changed templates is seen within that).

A fragment rendered with the request's CSP nonce is stored with the nonce replaced by a
marker, and served with the marker replaced by the nonce of the request it is served to.
What a fragment asks of its response while it renders (`need()`: the embed players whose
frames the page's CSP must allow) is stored with it and asked again when it is served.

Use: the template wraps each part in `{% fragment "name" %}…{% endfragment %}` (the
`fragments` tag library); the view puts `Fragments(request, "article", article.pk)` in the
context as `fragments` and calls `fetch()` with the names its template caches,
`template_fragment_names(template_name)` (read from the template, one round trip).
Without `fragments` in the context the tag just renders its contents: staff, previews and
drafts are never cached.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.template import TemplateSyntaxError
from django.template.base import VariableNode
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode, IncludeNode

from . import pagecache
from .content_state import content_state
from .templatetags.fragments import FragmentNode

logger = logging.getLogger(__name__)

NONCE_MARKER = "\x00csp-nonce\x00"

local_fragments = pagecache.LocalStore()
# The tags of each page's fragments, as last seen in this process: read with them.
fragment_tags = pagecache.LocalStore()
# Parts (a listing's teasers): many small entries.
local_parts = pagecache.LocalStore(scale=25)


def need(request, name, values):
    """Note on `request` that its response needs `values` under `name` (a set), for a
    middleware to read with `needs()`. Fragments replay what was noted while they
    rendered, so a part of the page served from the cache asks for the same."""
    if request is not None and values:
        noted = request.__dict__.setdefault("fragment_needs", {})
        noted[name] = noted.get(name, frozenset()) | frozenset(values)


def needs(request, name):
    """What has been noted under `name` for this request's response (a frozenset)."""
    return request.__dict__.get("fragment_needs", {}).get(name, frozenset())


def _noted(request):
    return dict(request.__dict__.get("fragment_needs", {})) if request is not None else {}


def _nonce(request):
    nonce = getattr(request, "csp_nonce", None)
    return None if nonce is None else str(nonce)


class Fragments:
    """The cached fragments of one page (`parts` name it: a kind and an id). With `tags`,
    what they show is those tags alone, not everything the page shows (`chrome()`)."""

    def __init__(self, request, *parts, tags=None):
        self.request = request
        self.found = {}
        self.started = time.time()
        self.tags = None if tags is None else frozenset(tags)
        # FRAGMENT_CACHE=0 (bench/cold_bench.py): every part rendered afresh, none stored.
        state = content_state.version(tags=()) if settings.FRAGMENT_CACHE else None
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
        try:
            if missing:
                tags = fragment_tags.get(self.prefix) or ()
                _versions, shared = content_state.versions(tags, also=missing)
                for key in missing:
                    stored = shared.get(key)
                    if stored is not None:
                        self.found[key.rsplit(":", 1)[1]] = stored
                        size = len(stored[0])
                        local_fragments.set(key, stored, size, settings.PAGE_CACHE_SECONDS)
            tags = {tag for stored in self.found.values() for tag in stored[2]}
            content_state.versions(tags)  # one round trip for those this process lacks
            for name, stored in list(self.found.items()):
                if content_state.outdated(stored[2], stored[3]) is not None:
                    del self.found[name]  # something it shows has changed since
        except Exception:
            logger.warning("Cache unavailable: fragments rendered afresh", exc_info=True)
            self.found.clear()
            return False
        fragment_tags.set(self.prefix, tuple(tags), 1, settings.PAGE_CACHE_SECONDS)
        return len(self.found) == len(names)

    def get(self, name):
        """The stored HTML of `name` ready to serve (with what it needs noted on the
        request again), or None."""
        found = self.found.get(name)
        if found is None:
            return None
        html, noted, versions, _stored_at = found
        for need_name, values in noted:
            need(self.request, need_name, values)
        pagecache.shows(self.request, *versions, everywhere=self.tags is not None)
        if NONCE_MARKER in html:
            html = html.replace(NONCE_MARKER, _nonce(self.request) or "")
        return html

    def render(self, name, render):
        """`render()`'s HTML, stored as `name` with what it noted with need()."""
        before = _noted(self.request)
        html = render()
        if self.prefix is None:
            return html
        after = _noted(self.request)
        noted = tuple(
            (key, values - before.get(key, frozenset()))
            for key, values in after.items()
            if values - before.get(key, frozenset())
        )
        nonce = _nonce(self.request)
        kept = html.replace(nonce, NONCE_MARKER) if nonce and nonce in html else str(html)
        try:
            shown = pagecache.shown(self.request) if self.tags is None else self.tags
            versions = content_state.recorded(shown, self.started)
            if versions is None:  # something it shows changed while the page rendered
                return html
            self.found[name] = stored = (kept, noted, versions, time.time())
            local_fragments.set(self.key(name), stored, len(kept), settings.PAGE_CACHE_SECONDS)
            cache.set(self.key(name), stored, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Cache unavailable: fragment not stored", exc_info=True)
        return html


CHROME_TAGS = ("nav", "support")  # what the header and footer show


def chrome(request, current=""):
    """The header and footer (base.html's "header" and "footer" fragments) of a reader page
    that keeps no fragments of its own (the front page, listings, search), kept across
    requests for anonymous readers: they show only the navigation's sections and the
    footer's pages and support line (CHROME_TAGS), so a change to the listing does not
    render them again. `current` names the navigation link the page marks as current
    ("home", a section's id); the footer's sign-up box is the same on all of them. None
    for signed-in users (rendered as usual)."""
    if request.user.is_authenticated:
        return None
    fragments = Fragments(request, "chrome", current or "-", tags=CHROME_TAGS)
    fragments.fetch(("header", "footer"))
    return fragments


class Parts:
    """Parts many pages share, each kept on its own (a listing's teasers: articles.
    teasers): under keys that carry the site-wide state less its schedule (content_state.
    edition(): no scheduled time changes such a part), and each checked against the
    versions of the tags it shows, not the page's. So a listing rendered again after one
    of its articles changed reuses the others' parts. A page's parts are read in one
    round trip (`fetch`); each new one is written as it is made (`put`: after a change,
    only the changed ones). Nothing is kept with FRAGMENT_CACHE=0 or when the cache
    fails."""

    def __init__(self, kind, started=None, schedule=False):
        # A part is kept only if nothing it shows changed after `started` (a time.time():
        # when the rows it is written from were read; now by default). `schedule`: a
        # scheduled time passing may change the part too (a feed item's corrections), so
        # its key carries the whole state.
        self.started = time.time() if started is None else started
        edition = None
        if settings.FRAGMENT_CACHE:
            edition = content_state.version(tags=()) if schedule else content_state.edition()
        self.prefix = None if edition is None else f"part:{kind}:{edition}:"
        self.found = {}

    def fetch(self, wanted):
        """Read the parts `wanted` ({name: the tags it shows}) that are kept and fresh."""
        if self.prefix is None or not wanted:
            return
        found, missing = {}, []
        for name in wanted:
            stored = local_parts.get(self.prefix + name)
            if stored is None:
                missing.append(self.prefix + name)
            else:
                found[name] = stored
        try:
            tags = {tag for shows in wanted.values() for tag in shows}
            if missing:
                current, shared = content_state.versions(tags, also=missing)
                for key in missing:
                    stored = shared.get(key)
                    if stored is not None:
                        found[key[len(self.prefix) :]] = stored
                        local_parts.set(key, stored, stored[3], settings.PAGE_CACHE_SECONDS)
            else:
                current = content_state.versions(tags)
            for name, (value, versions, stored_at, _size) in found.items():
                if versions.keys() == set(wanted[name]):
                    if content_state.outdated(versions, stored_at, current) is None:
                        self.found[name] = value
        except Exception:
            logger.warning("Cache unavailable: parts rendered afresh", exc_info=True)
            self.found.clear()

    def get(self, name):
        return self.found.get(name)

    def put(self, name, value, tags, size):
        """Keep `value` (written from rows read after `started`) as `name`, showing `tags`;
        `size` in characters, for the process's own tier."""
        self.found[name] = value
        if self.prefix is None:
            return
        try:
            versions = content_state.recorded(tags, self.started)
        except Exception:
            logger.warning("Cache unavailable: part not kept", exc_info=True)
            return
        if versions is None:  # something it shows changed while it rendered
            return
        stored = (value, versions, time.time(), size)
        local_parts.set(self.prefix + name, stored, size, settings.PAGE_CACHE_SECONDS)
        try:
            cache.set(self.prefix + name, stored, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Cache unavailable: part not stored", exc_info=True)


# Values kept per process until the content state changes (the navigation's sections, the
# footer's pages): the content state's own memory, under the name apps import.
remember = content_state.remember


def forget():
    """Drop every fragment this process holds (tests)."""
    local_fragments.clear()
    fragment_tags.clear()
    local_parts.clear()


# --- Which fragments a template has ------------------------------------------------------
@functools.cache
def template_fragment_names(template_name):
    """The names of the `{% fragment %}`s a page rendered from `template_name` shows (a
    frozenset): read from the template once per process, so the view that fetches them
    never lists them by hand."""
    return fragment_names(get_template(template_name).template)


def fragment_names(template):
    """The fragment names of `template` (a django.template.base.Template): its own, those
    of the templates it extends (less the blocks it replaces without `{{ block.super }}`)
    and of the templates it includes by a constant name."""
    names = set()
    _collect(template.nodelist, {}, names, template.engine)
    return frozenset(names)


def _constant(expression):
    """The literal string of a template filter expression, or None."""
    return expression.var if isinstance(expression.var, str) and not expression.filters else None


def _collect(nodelist, blocks, names, engine):
    """Add to `names` the fragments `nodelist` renders, where `blocks` maps a block name to
    its definitions, the most derived first."""
    for node in nodelist:
        if isinstance(node, FragmentNode):
            name = _constant(node.name)
            if name is None:
                raise TemplateSyntaxError("A fragment's name must be a string literal")
            names.add(name)
            _collect(node.nodelist, blocks, names, engine)
        elif isinstance(node, ExtendsNode):
            parent = _constant(node.parent_name)
            if parent is None:
                raise TemplateSyntaxError("Fragments are read only through a constant extends")
            derived = {name: [*blocks.get(name, ()), block] for name, block in node.blocks.items()}
            _collect(engine.get_template(parent).nodelist, {**blocks, **derived}, names, engine)
            return  # an extending template renders nothing outside its blocks
        elif isinstance(node, BlockNode):
            chain = list(blocks.get(node.name, ()))
            if node not in chain:
                chain.append(node)
            for block in chain:  # the most derived, and each it calls with block.super
                _collect(block.nodelist, blocks, names, engine)
                if not _calls_super(block):
                    break
        elif isinstance(node, IncludeNode):
            included = _constant(node.template)
            if included is not None:
                _collect(engine.get_template(included).nodelist, {}, names, engine)
        else:
            for attribute in node.child_nodelists:
                _collect(getattr(node, attribute, None) or (), blocks, names, engine)


def _calls_super(block):
    return any(
        getattr(node.filter_expression.var, "var", None) == "block.super"
        for node in block.nodelist.get_nodes_by_type(VariableNode)
    )
