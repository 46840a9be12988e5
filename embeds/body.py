"""Finding embeddable links in an article body, and putting facades in their place.

A link is embedded when it is alone in its paragraph — pasted on its own line, as
text or as a link whose text is the address (what CKEditor and the WordPress importer
write) — and a provider claims it. Anything else stays an ordinary link. The body is
sanitised HTML (core.sanitize), so the patterns below meet one known shape.
"""

import re
from html import unescape

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.fragments import need

from .models import Embed
from .providers import by_key, frame_origin, provider_for

_LONE_LINK = re.compile(
    r"<p>\s*(?:<a href=\"(?P<href>https?://[^\"\s]+)\"[^>]*>\s*(?P<text>[^<]*?)\s*</a>"
    r"|(?P<bare>https?://[^\s<]+))\s*</p>"
)


def _link(match):
    if match["bare"]:
        return unescape(match["bare"])
    href, text = unescape(match["href"]), unescape(match["text"])
    return href if text in (href, "") or text.rstrip("/") == href.rstrip("/") else None


def embed_links(html):
    """The addresses in `html` that become embeds, in order, without repeats."""
    found = []
    for match in _LONE_LINK.finditer(html or ""):
        url = _link(match)
        if url and provider_for(url) and url not in found:
            found.append(url)
    return found


class Facade:
    """What a facade shows for one address: the stored Embed when there is one, else what
    the address alone tells."""

    def __init__(self, url, embed=None):
        provider = by_key(embed.provider) if embed else provider_for(url)
        self.url, self.embed, self.provider = url, embed, provider
        self.frame_src = (embed.frame_src if embed else "") or provider.frame_src(url)
        self.title = embed.title if embed else ""
        self.author_name = embed.author_name if embed else ""
        self.poster = embed.poster if embed and embed.poster else None
        self.origin = frame_origin(self.frame_src) if self.frame_src else ""


def render_body(html, request=None):
    """`html` with each embeddable link replaced by a click-to-load facade. No query when
    the body has none; one query for all of them otherwise. The players' origins are noted
    on `request` for the page's CSP (embeds.middleware)."""
    urls = embed_links(html)
    if not urls:
        return mark_safe(html)  # noqa: S308  (sanitised when saved)
    stored = {e.url: e for e in Embed.objects.filter(url__in=urls)}
    facades = {url: Facade(url, stored.get(url)) for url in urls}
    origins = {f.origin for f in facades.values() if f.origin}
    need(request, "embed_frame_origins", origins)  # kept with a cached fragment too

    def replace(match):
        url = _link(match)
        facade = facades.get(url) if url else None
        if facade is None:
            return match.group()
        return render_to_string("embeds/facade.html", {"facade": facade})

    body = _LONE_LINK.sub(replace, html)
    if origins:
        body += render_to_string("embeds/script.html")
    return mark_safe(body)  # noqa: S308  (sanitised body; facades are escaped templates)
