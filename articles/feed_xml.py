"""The article feeds' XML, written as strings (issue 27, "cheaper cold pages").

Django's syndication framework builds a dictionary per item and writes it element by
element through an XML generator (a write per tag, attribute and text); for thirty full
articles that was most of a feed rendered with nothing cached. These functions write the
same bytes in one pass: what `SimplerXMLGenerator.addQuickElement` writes (attributes
sorted, text and attributes escaped by the same `xml.sax.saxutils` functions, an empty
element closed as `<name/>`, control characters refused), in the order
`Rss201rev2Feed` and `Atom1Feed` write them, with the Media RSS and full-content
extensions of articles.feeds. An item is written on its own (`rss_item`, `atom_item`),
so it can be kept and reused (articles.feed_items); `rss_document` and `atom_document` put
the channel around the items.
"""

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.feedgenerator import rfc2822_date, rfc3339_date
from django.utils.xmlutils import UnserializableContentError

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"

_CONTROL = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")
_QUOTED_IN_ATTRIBUTES = re.compile(r'[&<>"\n\r\t]')


@dataclass
class Entry:
    """What one item shows. `link`, `author_link` and the image's `url` are absolute URIs;
    `description` and `content_html` are HTML (escaped again as XML text, as the
    framework does); `image`: {"url", "enclosure" (the URL as an IRI-quoted URI), "type",
    "width", "height", "alt", "credit"} or None."""

    title: str
    link: str
    description: str
    guid: str
    pubdate: object  # an aware datetime
    updated: object  # an aware datetime or None
    author_name: str | None
    author_link: str | None
    categories: list
    image: dict | None
    content_html: str | None


def text(value):
    """Element text as XMLGenerator writes it; XML 1.0 cannot carry control characters."""
    if _CONTROL.search(value):
        raise UnserializableContentError("Control characters are not supported in XML 1.0")
    return escape(value)


def attribute(value):
    """An attribute's quoted value, as XMLGenerator writes it (most need no escaping)."""
    return quoteattr(value) if _QUOTED_IN_ATTRIBUTES.search(value) else f'"{value}"'


def element(name, content=None, attrs=None):
    """One element with no children, as SimplerXMLGenerator.addQuickElement writes it."""
    start = "<" + name
    if attrs:
        start += "".join(f" {key}={attribute(attrs[key])}" for key in sorted(attrs))
    if not content:
        return start + "/>"
    return f"{start}>{text(content)}</{name}>"


def _media(image):
    """Media RSS `media:content`: the lead image's 16:9 crop, its alt text and credit."""
    attrs = {
        "url": image["url"],
        "medium": "image",
        "type": image["type"],
        "width": str(image["width"]),
        "height": str(image["height"]),
    }
    inner = ""
    if image["alt"]:
        inner += element("media:description", image["alt"], {"type": "plain"})
    if image["credit"]:
        inner += element("media:credit", image["credit"])
    if not inner:
        return element("media:content", None, attrs)
    return element("media:content", None, attrs)[:-2] + f">{inner}</media:content>"


def rss_item(entry):
    """One RSS 2.0 `<item>` (Rss201rev2Feed's elements, then content:encoded and media)."""
    parts = [
        "<item>",
        element("title", entry.title),
        element("link", entry.link),
        element("description", entry.description),
    ]
    if entry.author_name:
        parts.append(element("dc:creator", entry.author_name, {"xmlns:dc": DC_NS}))
    parts.append(element("pubDate", rfc2822_date(entry.pubdate)))
    parts.append(element("guid", entry.guid, {"isPermaLink": "false"}))
    if entry.image:
        attrs = {"url": entry.image["enclosure"], "length": "0", "type": entry.image["type"]}
        parts.append(element("enclosure", "", attrs))
    parts += [element("category", name) for name in entry.categories]
    if entry.content_html:
        parts.append(element("content:encoded", entry.content_html))
    if entry.image:
        parts.append(_media(entry.image))
    parts.append("</item>")
    return "".join(parts)


def atom_item(entry):
    """One Atom `<entry>` (Atom1Feed's elements, then content and media)."""
    parts = [
        "<entry>",
        element("title", entry.title),
        element("link", "", {"href": entry.link, "rel": "alternate"}),
        element("published", rfc3339_date(entry.pubdate)),
    ]
    if entry.updated is not None:
        parts.append(element("updated", rfc3339_date(entry.updated)))
    if entry.author_name is not None:
        parts.append("<author>" + element("name", entry.author_name))
        if entry.author_link is not None:
            parts.append(element("uri", entry.author_link))
        parts.append("</author>")
    parts.append(element("id", entry.guid))
    parts.append(element("summary", entry.description, {"type": "html"}))
    if entry.image:
        attrs = {"rel": "enclosure", "href": entry.image["enclosure"], "length": "0"}
        parts.append(element("link", "", {**attrs, "type": entry.image["type"]}))
    parts += [element("category", "", {"term": name}) for name in entry.categories]
    if entry.content_html:
        parts.append(element("content", entry.content_html, {"type": "html"}))
    if entry.image:
        parts.append(_media(entry.image))
    parts.append("</entry>")
    return "".join(parts)


@dataclass
class Channel:
    """What the feed says of itself (the framework's feed-level values)."""

    title: str
    link: str
    description: str
    feed_url: str
    language: str
    copyright: str


def rss_document(channel, items, latest):
    """The RSS document: the channel's elements (`latest`: the newest item date, the
    lastBuildDate), then the items' XML."""
    attrs = {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:content": CONTENT_NS}
    head = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        element("rss", None, {**attrs, "xmlns:media": MEDIA_NS})[:-2] + "><channel>",
        element("title", channel.title),
        element("link", channel.link),
        element("description", channel.description),
        element("atom:link", None, {"rel": "self", "href": channel.feed_url}),
        element("language", channel.language),
        element("copyright", channel.copyright),
        element("lastBuildDate", rfc2822_date(latest)),
    ]
    return "".join([*head, *items, "</channel></rss>"])


def atom_document(channel, items, latest):
    """The Atom document: the feed's elements (`latest`: its updated date), then the
    entries' XML."""
    attrs = {"xmlns": ATOM_NS, "xml:lang": channel.language, "xmlns:media": MEDIA_NS}
    head = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        element("feed", None, attrs)[:-2] + ">",
        element("title", channel.title),
        element("link", "", {"rel": "alternate", "href": channel.link}),
        element("link", "", {"rel": "self", "href": channel.feed_url}),
        element("id", channel.link),
        element("updated", rfc3339_date(latest)),
        element("subtitle", channel.description),
        element("rights", channel.copyright),
    ]
    return "".join([*head, *items, "</feed>"])
