"""Reading a WordPress export (WXR 1.1 and 1.2), streaming and safely.

`read_export(path)` streams the file with defusedxml's `iterparse`, yielding the site header
(`WXRSite`: title, address, authors, categories, tags) and then one `WXRItem` per `<item>`,
clearing each element once read, so memory stays flat however large the export. Entity
declarations (billion laughs, external entities) and external references are refused with
`WXRError`. Nothing here touches the database.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse


class WXRError(Exception):
    """The file cannot be read as a WordPress export, or was refused as unsafe."""


@dataclass
class WXRAuthor:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    description: str = ""


@dataclass
class WXRCategory:
    nicename: str
    name: str = ""
    parent: str = ""
    description: str = ""


@dataclass
class WXRTerm:
    """A category or tag attached to an item."""

    domain: str
    nicename: str
    name: str


@dataclass
class WXRSite:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    authors: list[WXRAuthor] = field(default_factory=list)
    categories: dict[str, WXRCategory] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # slug → name

    @property
    def source(self) -> str:
        """What identifies this WordPress site in our import keys."""
        return (self.base_blog_url or self.link or self.base_site_url).strip().rstrip("/")


@dataclass
class WXRItem:
    post_id: str
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    post_parent: str = ""
    menu_order: int = 0
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[WXRTerm] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)  # a key may repeat

    def meta_value(self, key: str) -> str:
        values = self.meta.get(key)
        return values[0].strip() if values else ""


def _prefix_for(uri: str) -> str:
    if "wordpress.org/export" in uri:
        return "excerpt" if "excerpt" in uri else "wp"
    if "purl.org/rss/1.0/modules/content" in uri:
        return "content"
    if "purl.org/dc/elements" in uri:
        return "dc"
    if "wellformedweb.org" in uri:
        return "wfw"
    return ""


_qnames: dict[str, str] = {}


def _qname(tag: str) -> str:
    """'{https://wordpress.org/export/1.2/}post_id' → 'wp:post_id', whatever the WXR version."""
    name = _qnames.get(tag)
    if name is None:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            prefix = _prefix_for(uri)
            name = f"{prefix}:{local}" if prefix else local
        else:
            name = tag
        _qnames[tag] = name
    return name


def _text(elem) -> str:
    return (elem.text or "").strip() if elem is not None else ""


def _children(elem) -> dict[str, str]:
    return {_qname(child.tag): (child.text or "") for child in elem}


def _read_channel_child(site: WXRSite, name: str, elem) -> None:
    if name == "title":
        site.title = _text(elem)
    elif name == "link":
        site.link = _text(elem)
    elif name == "wp:base_site_url":
        site.base_site_url = _text(elem)
    elif name == "wp:base_blog_url":
        site.base_blog_url = _text(elem)
    elif name == "wp:wxr_version":
        site.wxr_version = _text(elem)
    elif name == "wp:author":
        values = {k: v.strip() for k, v in _children(elem).items()}
        login = values.get("wp:author_login", "")
        if login:
            site.authors.append(
                WXRAuthor(
                    login=login,
                    display_name=values.get("wp:author_display_name", ""),
                    email=values.get("wp:author_email", ""),
                    first_name=values.get("wp:author_first_name", ""),
                    last_name=values.get("wp:author_last_name", ""),
                    description=values.get("wp:author_description", ""),
                )
            )
    elif name == "wp:category":
        values = {k: v.strip() for k, v in _children(elem).items()}
        nicename = values.get("wp:category_nicename", "")
        if nicename:
            site.categories[nicename] = WXRCategory(
                nicename=nicename,
                name=html.unescape(values.get("wp:cat_name", "")) or nicename,
                parent=values.get("wp:category_parent", ""),
                description=values.get("wp:category_description", ""),
            )
    elif name == "wp:tag":
        values = {k: v.strip() for k, v in _children(elem).items()}
        slug = values.get("wp:tag_slug", "")
        if slug:
            site.tags[slug] = html.unescape(values.get("wp:tag_name", "")) or slug
    elif name == "wp:term":
        values = {k: v.strip() for k, v in _children(elem).items()}
        taxonomy = values.get("wp:term_taxonomy", "")
        slug = values.get("wp:term_slug", "")
        term_name = html.unescape(values.get("wp:term_name", "")) or slug
        if taxonomy == "category" and slug and slug not in site.categories:
            site.categories[slug] = WXRCategory(
                nicename=slug, name=term_name, parent=values.get("wp:term_parent", "")
            )
        elif taxonomy == "post_tag" and slug and slug not in site.tags:
            site.tags[slug] = term_name


# Item elements copied as text: element name → (WXRItem attribute, strip whitespace?).
_ITEM_TEXT_FIELDS = {
    "wp:post_id": ("post_id", True),
    "wp:post_type": ("post_type", True),
    "title": ("title", False),
    "link": ("link", True),
    "guid": ("guid", True),
    "dc:creator": ("creator", True),
    "content:encoded": ("content", False),
    "excerpt:encoded": ("excerpt", False),
    "wp:post_date": ("post_date", True),
    "wp:post_date_gmt": ("post_date_gmt", True),
    "wp:post_name": ("post_name", True),
    "wp:status": ("status", True),
    "wp:post_parent": ("post_parent", True),
    "wp:post_password": ("password", False),
    "wp:attachment_url": ("attachment_url", True),
}


def _read_item(elem) -> WXRItem:
    item = WXRItem(post_id="")
    for child in elem:
        name = _qname(child.tag)
        text = child.text or ""
        if name == "category":
            domain = child.get("domain", "")
            if domain == "tag":  # WXR 1.0
                domain = "post_tag"
            if domain:
                item.terms.append(
                    WXRTerm(
                        domain=domain,
                        nicename=child.get("nicename", "").strip(),
                        name=html.unescape(text.strip()),
                    )
                )
        elif name == "wp:postmeta":
            values = _children(child)
            key = values.get("wp:meta_key", "").strip()
            if key:
                item.meta.setdefault(key, []).append(values.get("wp:meta_value", ""))
        elif name in _ITEM_TEXT_FIELDS:
            attribute, strip = _ITEM_TEXT_FIELDS[name]
            setattr(item, attribute, text.strip() if strip else text)
        elif name == "wp:menu_order":
            item.menu_order = int(text.strip()) if text.strip().lstrip("-").isdigit() else 0
        elif name == "wp:is_sticky":
            item.is_sticky = text.strip() == "1"
    return item


def read_export(source) -> Iterator[WXRSite | WXRItem]:
    """Stream a WXR file: the `WXRSite` header first, then each `WXRItem`.

    `source` is a path or a binary file object. Raises `WXRError` for a document that
    declares entities or references external ones, and for XML that is not well formed."""
    site = WXRSite()
    site_sent = False
    channel = None
    depth = 0
    try:
        for event, elem in iterparse(
            source, events=("start", "end"), forbid_dtd=False, forbid_entities=True
        ):
            if event == "start":
                depth += 1
                if depth == 2 and channel is None and _qname(elem.tag) == "channel":
                    channel = elem
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            # A direct child of <channel> is complete.
            name = _qname(elem.tag)
            if name == "item":
                if not site_sent:
                    site_sent = True
                    yield site
                yield _read_item(elem)
            elif not site_sent:
                _read_channel_child(site, name, elem)
            elem.clear()
            channel.remove(elem)
    except DefusedXmlException as exc:
        raise WXRError(
            "Refused: the file declares XML entities or refers to external ones "
            f"({type(exc).__name__}). A genuine WordPress export never does; this one may be "
            "an attack (entity expansion or external entity)."
        ) from exc
    except ParseError as exc:
        raise WXRError(f"The file is not well-formed XML: {exc}.") from exc
    if channel is None:
        raise WXRError("This is not a WordPress export: there is no <rss><channel>.")
    if not site_sent:
        yield site


def parse_wp_date(value: str) -> datetime | None:
    """'2013-01-05 17:00:49' → a naive datetime; WordPress's '0000-00-00 00:00:00' → None."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None
