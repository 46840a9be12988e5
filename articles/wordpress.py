"""WordPress exports (WXR 1.1 and 1.2): a streaming, safe reader and the content conversion.

Nothing here touches the database; `manage.py import_wordpress` does that with what this
module reads and converts.

Reading
    `read_export(path)` streams the file with defusedxml's `iterparse`, yielding the site
    header (`WXRSite`: title, address, authors, categories, tags) and then one `WXRItem` per
    `<item>`, clearing each element once read, so memory stays flat however large the export.
    Entity declarations (billion laughs, external entities) and external references are
    refused with `WXRError`.

Converting
    `convert_content()` renders post content the way WordPress would, then reduces it to
    what our articles hold:

    1. Bare links alone on a line, and `[embed]`, `[video]`, `[audio]` and `[youtube]`-style
       shortcodes, become plain links (WordPress would embed a player; we never do).
    2. `wpautop()` — a faithful port of WordPress's paragraph rules: blank lines make
       paragraphs, single newlines make `<br>`, block tags are left alone. Like WordPress,
       it is skipped for block-editor content (`<!-- wp:… -->`), which has its own markup.
    3. `[caption]` becomes `<figure class="image"><img><figcaption>caption
       <span class="credit">(credit)</span></figcaption></figure>`. WordPress has no credit
       field, so a credit is recognised only when the caption ends with one in a standard
       form: "Photo: …", "Photograph: …", "Image: …", "Picture: …", "Credit: …",
       "Source: …", "Supplied: …", "Photo by …" or "Courtesy (of) …", optionally in
       parentheses or after a dash or bar. Anything else stays caption.
    4. `[gallery]` becomes one figure per picture: the attachments in `ids="…"` (or
       `include="…"`), in that order, or with no ids the post's own image attachments in
       WordPress's order (menu order, then id), less any in `exclude="…"`. `orderby="rand"`
       is ignored: an import must be repeatable.
    5. Other shortcodes are removed, keeping the text they wrap. A bracketed word counts as
       a shortcode when WordPress or a common plugin registers that name, when it has a
       closing `[/name]`, or when it carries `key=value` attributes; "[sic]" or "[1]" in
       prose is left alone.
    6. Every `<img>` is matched to an imported picture (by its `wp-image-N` class, else by
       its address in the uploads folder, sizes like `-300x200` and `?w=` ignored) and
       rewritten to our renditions (`src`, `srcset`, `width`, `height`). A picture that
       cannot be matched is removed and reported, never hot-linked; a figure that loses
       its picture goes with it. Links around pictures that point at the uploads folder or
       an attachment page are unwrapped. Embedded frames and players become links.
    7. The result passes our sanitiser (`core.sanitize.clean_html`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from core.sanitize import BODY_IMAGE_SIZES, clean_html

# ---------------------------------------------------------------------------------------
# Reading the export
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# Plain text helpers
# ---------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]*>")
_WS_RE = re.compile(r"\s+")


def plain_text(value: str) -> str:
    """HTML (a title, an excerpt) → one line of text: no tags, entities decoded."""
    value = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", value or "")
    value = html.unescape(_TAG_RE.sub(" ", value))
    return _WS_RE.sub(" ", value).strip()


def truncate_words(value: str, limit: int) -> str:
    """Cut at a word boundary so the result (with an ellipsis) fits in `limit` characters."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return (cut or value[: limit - 1]) + "…"


_CREDIT_RE = re.compile(
    r"""^(?P<caption>.*?)
        (?:^|(?<=[.!?;])\s+|\s+[-–—|/]\s+|\s*\()       # start, sentence end, separator or "("
        (?P<credit>
            (?:
                (?:Photo(?:graph)?|Image|Picture|Credit|Source|Supplied|PHOTO|CREDIT)\s*:
              | (?:Photo(?:graph)?|Picture|Image)\s+by\b
              | Courtesy(?:\s+of)?\b
            )
            \s*[^()\s][^()]*?
        )
        \s*\)?\s*\.?\s*$""",
    re.DOTALL | re.VERBOSE,
)


def split_credit(caption: str) -> tuple[str, str]:
    """'Sailors aboard HMS Example (Photo: Royal Navy)' → ('Sailors aboard HMS Example',
    'Photo: Royal Navy'). WordPress has no credit field: see the module docstring."""
    caption = (caption or "").strip()
    match = _CREDIT_RE.match(caption)
    if not match:
        return caption, ""
    rest = match.group("caption").strip().rstrip("-–—|/ ").strip()
    return rest, match.group("credit").strip()


# ---------------------------------------------------------------------------------------
# Media addresses
# ---------------------------------------------------------------------------------------

_UPLOADS_RES = (
    re.compile(r"/wp-content/uploads/(?:sites/\d+/)?(?P<path>.+)$"),
    re.compile(r"^https?://[^/]+\.files\.wordpress\.com/(?P<path>.+)$"),
    re.compile(r"/(?:wp-content/blogs\.dir/\d+/)?files/(?P<path>\d{4}/\d{2}/.+)$"),
)
_SIZE_SUFFIX_RE = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp")


def uploads_path(url: str) -> str | None:
    """The path inside wp-content/uploads that a WordPress media address points at,
    e.g. 'https://example.files.wordpress.com/2013/09/x.jpg?w=604' → '2013/09/x.jpg'.
    None for anything outside the uploads folder, or a path that tries to climb out."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    address = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else parts.path
    for pattern in _UPLOADS_RES:
        match = pattern.search(address)
        if match:
            path = unquote(match.group("path")).strip("/")
            if not path or any(part in ("", ".", "..") for part in path.split("/")):
                return None
            return path
    return None


def original_upload_path(path: str) -> str:
    """'2013/03/photo-300x200.jpg' → '2013/03/photo.jpg' (WordPress's resized copies)."""
    return _SIZE_SUFFIX_RE.sub("", path)


def is_image_path(path: str) -> bool:
    return path.lower().endswith(IMAGE_EXTENSIONS)


# ---------------------------------------------------------------------------------------
# wpautop: a faithful port of WordPress's wp-includes/formatting.php
# ---------------------------------------------------------------------------------------

# PHP's PCRE \s (without /u) is ASCII whitespace; Python's is Unicode (it would eat
# non-breaking spaces). re.ASCII keeps WordPress's behaviour.
_A = re.ASCII

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)

# get_html_split_regex(): comments, CDATA, or ordinary tags. Python has no conditional on a
# look-ahead, so the two escaped forms are alternatives guarded by their own look-aheads.
_HTML_SPLIT_RE = re.compile(
    r"(<(?:"
    r"(?=!--)!(?:-(?!->)[^\-]*+)*+(?:-->)?"
    r"|(?=!\[CDATA\[)!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+(?:]]>)?"
    r"|[^>]*>?"
    r"))"
)


def _replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """wp_replace_in_html_tags() for one pair: replace only inside tags and comments."""
    parts = _HTML_SPLIT_RE.split(text)
    changed = False
    for i in range(1, len(parts), 2):
        if needle in parts[i]:
            parts[i] = parts[i].replace(needle, replacement)
            changed = True
    return "".join(parts) if changed else text


_AUTOP_STEPS = {
    "br_br": re.compile(r"<br\s*/?>\s*<br\s*/?>", _A),
    "block_open": re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])", _A),
    "block_close": re.compile(r"(</" + _ALLBLOCKS + r">)", _A),
    "hr": re.compile(r"(<hr\s*?/?>)", _A),
    "option_before": re.compile(r"\s*<option", _A),
    "option_after": re.compile(r"</option>\s*", _A),
    "object_open": re.compile(r"(<object[^>]*>)\s*", _A),
    "object_close": re.compile(r"\s*</object>", _A),
    "param_embed": re.compile(r"\s*(</?(?:param|embed)[^>]*>)\s*", _A),
    "av_open": re.compile(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", _A),
    "av_close": re.compile(r"\s*([<\[]/(?:audio|video)[>\]])", _A),
    "source_track": re.compile(r"\s*(<(?:source|track)[^>]*>)\s*", _A),
    "figcaption_open": re.compile(r"\s*(<figcaption[^>]*>)", _A),
    "figcaption_close": re.compile(r"</figcaption>\s*", _A),
    "many_newlines": re.compile(r"\n\n+", _A),
    "paragraph_split": re.compile(r"\n\s*\n", _A),
    "empty_p": re.compile(r"<p>\s*</p>", _A),
    "unclosed_p": re.compile(r"<p>([^<]+)</(div|address|form)>", _A),
    "p_around_block": re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", _A),
    "p_around_li": re.compile(r"<p>(<li.+?)</p>", _A),
    "p_blockquote": re.compile(r"<p><blockquote([^>]*)>", _A | re.IGNORECASE),
    "p_before_block": re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)", _A),
    "p_after_block": re.compile(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", _A),
    "preserve": re.compile(r"<(script|style|svg|math).*?</\1>", _A | re.DOTALL),
    "newline_to_br": re.compile(r"(?<!<br />)\s*\n", _A),
    "br_after_block": re.compile(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*<br />", _A),
    "br_before_block": re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", _A),
    "trailing_newline": re.compile(r"\n</p>$", _A),
}


def wpautop(text: str, br: bool = True) -> str:
    """Replace double line breaks with paragraphs and single ones with <br />, exactly as
    WordPress's wpautop() does."""
    s = _AUTOP_STEPS
    if text.strip() == "":
        return ""
    pre_tags: dict[str, str] = {}
    text = text + "\n"

    # Pre tags shouldn't be touched by autop: placeholders now, content back at the end.
    if "<pre" in text:
        text_parts = text.split("</pre>")
        last_part = text_parts.pop()
        text = ""
        i = 0
        for text_part in text_parts:
            start = text_part.find("<pre")
            if start == -1:  # malformed HTML
                text += text_part
                continue
            name = f"<pre wp-pre-tag-{i}></pre>"
            pre_tags[name] = text_part[start:] + "</pre>"
            text += text_part[:start] + name
            i += 1
        text += last_part

    text = s["br_br"].sub("\n\n", text)
    text = s["block_open"].sub(lambda m: "\n\n" + m.group(1), text)
    text = s["block_close"].sub(lambda m: m.group(1) + "\n\n", text)
    text = s["hr"].sub(lambda m: m.group(1) + "\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_in_html_tags(text, "\n", " <!-- wpnl --> ")

    if "<option" in text:
        text = s["option_before"].sub("<option", text)
        text = s["option_after"].sub("</option>", text)
    if "</object>" in text:
        text = s["object_open"].sub(r"\1", text)
        text = s["object_close"].sub("</object>", text)
        text = s["param_embed"].sub(r"\1", text)
    if "<source" in text or "<track" in text:
        text = s["av_open"].sub(r"\1", text)
        text = s["av_close"].sub(r"\1", text)
        text = s["source_track"].sub(r"\1", text)
    if "<figcaption" in text:
        text = s["figcaption_open"].sub(r"\1", text)
        text = s["figcaption_close"].sub("</figcaption>", text)

    text = s["many_newlines"].sub("\n\n", text)
    paragraphs = [p for p in s["paragraph_split"].split(text) if p != ""]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)

    text = s["empty_p"].sub("", text)
    text = s["unclosed_p"].sub(r"<p>\1</p></\2>", text)
    text = s["p_around_block"].sub(r"\1", text)
    text = s["p_around_li"].sub(r"\1", text)
    text = s["p_blockquote"].sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = s["p_before_block"].sub(r"\1", text)
    text = s["p_after_block"].sub(r"\1", text)

    if br:
        text = s["preserve"].sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = s["newline_to_br"].sub("<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")

    text = s["br_after_block"].sub(r"\1", text)
    text = s["br_before_block"].sub(r"\1", text)
    text = s["trailing_newline"].sub("</p>", text)

    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


# ---------------------------------------------------------------------------------------
# Shortcodes
# ---------------------------------------------------------------------------------------

# Names WordPress core or widely used plugins (Jetpack, WordPress.com) register. Any other
# bracketed word is a shortcode only when it has a closing tag or key=value attributes.
KNOWN_SHORTCODES = frozenset(
    {
        "caption",
        "wp_caption",
        "gallery",
        "playlist",
        "audio",
        "video",
        "embed",
        "youtube",
        "vimeo",
        "wpvideo",
        "videopress",
        "dailymotion",
        "ted",
        "tweet",
        "twitter",
        "instagram",
        "soundcloud",
        "spotify",
        "googlemaps",
        "googleapps",
        "slideshow",
        "tiled-gallery",
        "contact-form",
        "contact-field",
        "polldaddy",
        "crowdsignal",
        "archives",
        "sitemap",
        "recipe",
        "code",
        "sourcecode",
        "scribd",
        "flickr",
        "facebook",
        "pinterest",
        "gravityform",
        "contact-form-7",
    }
)
VIDEO_SHORTCODES = frozenset(
    {"youtube", "vimeo", "dailymotion", "ted", "video", "audio", "embed", "wpvideo", "videopress"}
)
MEDIA_ATTRIBUTES = ("src", "url", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mp3", "ogg", "wav")

_ATTS_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)"""
)
_NAME_CANDIDATE_RE = re.compile(r"\[\[?([\w-]+)")


def shortcode_attributes(text: str) -> dict:
    """shortcode_parse_atts(): named attributes (lower-cased keys) and positional ones
    (integer keys 0, 1, …)."""
    text = re.sub("[\u00a0\u200b]+", " ", text or "")
    atts: dict = {}
    position = 0
    for m in _ATTS_RE.finditer(text):
        if m.group(1):
            atts[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            atts[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            atts[m.group(5).lower()] = m.group(6)
        else:
            value = next((g for g in m.group(7, 8, 9) if g is not None), "")
            atts[position] = value
            position += 1
    return atts


def _shortcode_names(text: str) -> list[str]:
    names = set()
    for name in set(_NAME_CANDIDATE_RE.findall(text)):
        escaped = re.escape(name)
        if (
            name.lower() in KNOWN_SHORTCODES
            or f"[/{name}]" in text
            or re.search(r"\[" + escaped + r"(?![\w-])[^\]]*=", text)
            or re.search(r"\[" + escaped + r"(?![\w-])[^\]]*/\]", text)
        ):
            names.add(name)
    # Longest first, so "contact-form" is not taken for "contact".
    return sorted(names, key=len, reverse=True)


def _shortcode_regex(names: Sequence[str]) -> re.Pattern:
    """get_shortcode_regex() for these names."""
    tagregexp = "|".join(re.escape(n) for n in names)
    return re.compile(
        r"\[(\[?)"
        r"(" + tagregexp + r")"
        r"(?![\w-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)",
        re.DOTALL,
    )


def _shortcode_unautop_regex(names: Sequence[str]) -> re.Pattern:
    """shortcode_unautop(): a shortcode alone in a paragraph loses the paragraph."""
    tagregexp = "|".join(re.escape(n) for n in names)
    spaces = r"(?:[\r\n\t ]|\xa0|&nbsp;)"
    return re.compile(
        r"<p>" + spaces + r"*+"
        r"(\[(" + tagregexp + r")(?![\w-])"
        r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
        r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))" + spaces + r"*+</p>",
        re.DOTALL,
    )


# ---------------------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------------------


@dataclass
class Attachment:
    """What the content conversion needs to know about one attachment of the export."""

    post_id: str
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    parent: str = ""
    menu_order: int = 0
    page: str = ""  # the attachment page's address (<link>), which picture links may use

    @property
    def is_image(self) -> bool:
        return is_image_path(urlsplit(self.url).path)


@dataclass(frozen=True)
class ImageRef:
    """An imported picture as an <img> needs it."""

    src: str
    srcset: str
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class MissingImage:
    """A picture the content shows that could not be matched to an imported one."""

    src: str
    attachment_id: str | None = None


@dataclass
class Conversion:
    html: str
    missing_images: list[MissingImage] = field(default_factory=list)


# resolve_image(attachment_id or None, src) → ImageRef, or None when not imported.
ImageResolver = Callable[[str | None, str], ImageRef | None]

_AUTOEMBED_LINE_RE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.IGNORECASE | re.MULTILINE)
_AUTOEMBED_P_RE = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.IGNORECASE)
_CAPTION_CONTENT_RE = re.compile(
    r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_URL_RE = re.compile(r"https?://[^\s<>\"'\]]+", re.IGNORECASE)


def _link(url: str) -> str:
    url = html.unescape(url)
    escaped = html.escape(url, quote=True)
    return f'<a href="{escaped}">{html.escape(url, quote=False)}</a>'


def _autoembed(text: str) -> str:
    """WP_Embed::autoembed(): a URL alone on its line (or alone in a paragraph) — WordPress
    would embed a player; we make it a plain link."""
    text = _replace_in_html_tags(text, "\n", "<!-- wp-line-break -->")
    if re.search(r"(^|\s|>)https?://", text, re.IGNORECASE):

        def replace(m):
            return m.group(1) + _link(m.group(2)) + m.group(3)

        text = _AUTOEMBED_LINE_RE.sub(replace, text)
        text = _AUTOEMBED_P_RE.sub(replace, text)
    return text.replace("<!-- wp-line-break -->", "\n")


class _ContentConverter:
    def __init__(self, post_id, attachments, children, resolve_image, attachment_pages):
        self.post_id = post_id or ""
        self.attachments: Mapping[str, Attachment] = attachments or {}
        self.children: Mapping[str, Sequence[str]] = children or {}
        self.resolve_image: ImageResolver = resolve_image or (lambda _id, _src: None)
        self.missing: list[MissingImage] = []
        self.attachment_pages = attachment_pages

    # -- shortcodes --------------------------------------------------------------------

    def do_shortcodes(self, text: str) -> str:
        if "[" not in text:
            return text
        names = _shortcode_names(text)
        if not names:
            return text
        return _shortcode_regex(names).sub(self._shortcode, text)

    def _shortcode(self, m: re.Match) -> str:
        if m.group(1) == "[" and m.group(6) == "]":  # [[escaped]] → [escaped], literally
            return m.group(0)[1:-1]
        name = m.group(2).lower()
        atts = shortcode_attributes(m.group(3) or "")
        content = m.group(5) or ""
        handler = {
            "caption": self._caption,
            "wp_caption": self._caption,
            "gallery": self._gallery,
        }.get(name)
        if handler:
            return m.group(1) + handler(atts, content) + m.group(6)
        if name in VIDEO_SHORTCODES:
            url = self._media_url(name, atts, m.group(3) or "", content)
            return m.group(1) + (_link(url) if url else "") + m.group(6)
        # Anything else: removed, keeping the text it wraps (with its own shortcodes done).
        return m.group(1) + self.do_shortcodes(content) + m.group(6)

    @staticmethod
    def _media_url(name, atts, raw_attributes, content) -> str:
        raw = raw_attributes.strip()
        if raw.startswith("="):  # WordPress.com: [youtube=https://…]
            candidate = raw[1:].strip().strip("\"'")
            if candidate.lower().startswith(("http://", "https://")):
                return candidate
        for key in MEDIA_ATTRIBUTES:
            value = str(atts.get(key, "")).strip()
            if value.lower().startswith(("http://", "https://")):
                return value
        for key, value in atts.items():
            if isinstance(key, int) and str(value).lower().startswith(("http://", "https://")):
                return str(value)
        found = _URL_RE.search(plain_text(content)) if content else None
        if found:
            return found.group(0)
        if name in ("wpvideo", "videopress") and atts.get(0):
            guid = re.sub(r"[^A-Za-z0-9]", "", str(atts[0]))
            if guid:
                return f"https://videopress.com/v/{guid}"
        return ""

    def _caption(self, atts, content) -> str:
        caption = atts.get("caption")
        if caption is None:
            m = _CAPTION_CONTENT_RE.search(content)
            if m:
                content, caption = m.group(1), m.group(2).strip()
            else:
                caption = ""
        inner = self.do_shortcodes(content).strip()
        if not inner:
            return ""
        # Our figure, not WordPress's width-styled div; the picture keeps its attachment id.
        attachment_id = re.sub(r"\D", "", str(atts.get("id", "")))
        if attachment_id:
            inner = re.sub(
                r"<img\b",
                f'<img data-wp-attachment="{attachment_id}"',
                inner,
                count=1,
                flags=re.IGNORECASE,
            )
        return "<figure>" + inner + self._figcaption(*split_credit(caption)) + "</figure>"

    @staticmethod
    def _figcaption(caption_html: str, credit: str) -> str:
        parts = [caption_html] if caption_html else []
        if credit:
            parts.append(f'<span class="credit">({html.escape(plain_text(credit))})</span>')
        return f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""

    def _gallery(self, atts, content) -> str:
        ids_value = str(atts.get("ids") or atts.get("include") or "")
        ids = [i for i in re.split(r"[\s,]+", ids_value) if i.isdigit()]
        if not ids:
            parent = str(atts.get("id") or self.post_id)
            exclude = set(re.split(r"[\s,]+", str(atts.get("exclude", ""))))
            ids = [i for i in self.children.get(parent, ()) if i not in exclude]
        figures = []
        for attachment_id in ids:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                self.missing.append(MissingImage("", attachment_id))
                continue
            if not attachment.is_image:
                continue
            img = (
                f'<img data-wp-attachment="{attachment_id}" '
                f'src="{html.escape(attachment.url)}" alt="{html.escape(attachment.alt)}">'
            )
            figures.append(
                "<figure>"
                + img
                + self._figcaption(html.escape(attachment.caption), attachment.credit)
                + "</figure>"
            )
        return "\n".join(figures)

    # -- the whole pipeline ------------------------------------------------------------

    def convert(self, content: str) -> str:
        text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            return ""
        blocks = "<!-- wp:" in text
        text = _autoembed(text)
        if not blocks:
            text = wpautop(text)
        if "[" in text:
            names = _shortcode_names(text)
            if names:
                text = _shortcode_unautop_regex(names).sub(r"\1", text)
                text = self.do_shortcodes(text)
        tree = _parse_html(text)
        self._finish(tree)
        blocks = _blockify(tree.children)
        return clean_html("\n".join(_serialize(_Node("#root", {}, [b])) for b in blocks))

    # -- tree clean-up: pictures, links, figures, empty paragraphs ---------------------

    @staticmethod
    def _attachment_id(node: _Node) -> str | None:
        attachment_id = node.attrs.get("data-wp-attachment")
        if not attachment_id:
            m = re.search(r"\bwp-image-(\d+)\b", node.attrs.get("class", ""))
            attachment_id = m.group(1) if m else None
        return attachment_id or None

    def _finish(self, node: _Node) -> None:
        out: list = []
        for child in node.children:
            if isinstance(child, str):
                out.append(child)
                continue
            tag = child.tag
            if tag in _PLAYER_TAGS:
                url = _player_url(child)
                if url:
                    link = _Node("a", {"href": url}, [url])
                    out.append(_Node("p", {}, [link]) if node.tag in _BLOCK_PARENTS else link)
                continue
            if tag == "img":
                attachment_id = self._attachment_id(child)
                ref = self.resolve_image(attachment_id, _img_src(child))
                if ref is None:
                    self.missing.append(MissingImage(_img_src(child), attachment_id))
                    continue
                alt = child.attrs.get("alt", "").strip() or ref.alt
                attrs = {"src": ref.src, "srcset": ref.srcset, "sizes": BODY_IMAGE_SIZES}
                attrs["alt"] = alt
                if ref.width and ref.height:
                    attrs.update(width=str(ref.width), height=str(ref.height))
                out.append(_Node("img", attrs, []))
                continue
            if "class" in child.attrs and not (tag == "span" and child.attrs["class"] == "credit"):
                # WordPress's layout classes mean nothing here; figures get ours below.
                del child.attrs["class"]
            if tag in _HEADING_LEVELS:
                # Our headline is the page's h1; bodies use h2 to h4.
                child.tag = tag = _HEADING_LEVELS[tag]
            elif tag == "dt":  # no definition lists in our bodies: term in bold, then text
                child.tag = tag = "p"
                child.children = [_Node("strong", {}, child.children)]
            elif tag == "dd":
                child.tag = tag = "p"
            missing_before = len(self.missing)
            self._finish(child)
            lost_picture = len(self.missing) > missing_before
            if tag == "a":
                if not _safe_href(child.attrs.get("href", "")):
                    out.extend(child.children)  # javascript:, data:, or no address: text only
                    continue
                if _unwraps_picture(child, self.attachment_pages):
                    out.extend(child.children)
                    continue
                if not _has_content(child):
                    continue
            elif tag == "figure":
                out.extend(_finish_figure(child, lost_picture))
                continue
            elif tag in _TEXT_BLOCKS:
                _trim_breaks(child)
                if tag == "p" and not _has_content(child):
                    continue
            out.append(child)
        node.children = out


# ---------------------------------------------------------------------------------------
# A small HTML tree, enough to rewrite pictures and figures before sanitising
# ---------------------------------------------------------------------------------------

_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_DROP = frozenset({"script", "style", "template", "noscript", "head", "title", "textarea"})
_CLOSES_P = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
_BLOCK = _CLOSES_P | {"li", "figcaption"}
_BLOCK_PARENTS = frozenset(
    {"#root", "div", "section", "article", "figure", "blockquote", "aside", "main", "header"}
)
# Layout wrappers (block-editor groups, columns, embeds) that the sanitiser would strip,
# leaving their text loose: their children are taken as blocks instead.
_UNWRAPPED_BLOCKS = frozenset(
    {"div", "section", "article", "main", "header", "footer", "aside", "dl"}
)
_HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}
_PLAYER_TAGS = frozenset({"iframe", "embed", "object", "video", "audio"})


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict, children: list):
        self.tag = tag
        self.attrs = attrs
        self.children = children

    def iter(self):
        for child in self.children:
            if isinstance(child, _Node):
                yield child
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, [])
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag in _DROP:
                self.skipping += 1
            return
        if tag in _DROP:
            self.skipping = 1
            return
        if tag in _CLOSES_P:
            for i in range(len(self.stack) - 1, 0, -1):
                if self.stack[i].tag == "p":
                    del self.stack[i:]
                    break
                if self.stack[i].tag in ("td", "th", "li", "blockquote", "figure", "div"):
                    break
        node = _Node(tag, {k: (v or "") for k, v in attrs}, [])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        if self.skipping or tag in _DROP:
            return
        self.stack[-1].children.append(_Node(tag, {k: (v or "") for k, v in attrs}, []))

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in _DROP:
                self.skipping -= 1
            return
        if tag in _VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skipping:
            self.stack[-1].children.append(data)


def _parse_html(text: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def same_html(a: str, b: str) -> bool:
    """Whether two pieces of HTML are the same markup, whatever the order of each tag's
    attributes (the sanitiser adds some in an order that varies from process to process)."""
    return a == b or _serialize(_parse_html(a), sort=True) == _serialize(_parse_html(b), sort=True)


def _serialize(node: _Node, sort: bool = False) -> str:
    parts: list[str] = []

    def walk(n):
        for child in n.children:
            if isinstance(child, str):
                parts.append(html.escape(child, quote=False))
                continue
            items = sorted(child.attrs.items()) if sort else child.attrs.items()
            attrs = "".join(
                f' {k}="{html.escape(v, quote=True)}"'
                for k, v in items
                if re.fullmatch(r"[A-Za-z_:][-A-Za-z0-9_:.]*", k)
            )
            parts.append(f"<{child.tag}{attrs}>")
            if child.tag not in _VOID:
                walk(child)
                parts.append(f"</{child.tag}>")

    walk(node)
    return "".join(parts)


def _img_src(node: _Node) -> str:
    for key in ("data-orig-file", "data-lazy-src", "data-src", "src"):
        value = node.attrs.get(key, "").strip()
        if value and not value.lower().startswith("data:"):
            return value
    return ""


def _player_url(node: _Node) -> str:
    candidates = [node.attrs.get("src", ""), node.attrs.get("data", "")]
    candidates += [c.attrs.get("src", "") for c in node.iter() if c.tag in ("source", "embed")]
    candidates += [c.attrs.get("value", "") for c in node.iter() if c.tag == "param"]
    for url in candidates:
        url = url.strip()
        if url.startswith("//"):
            url = "https:" + url
        if url.lower().startswith(("http://", "https://")):
            return _watch_url(url)
    return ""


def _watch_url(url: str) -> str:
    """A player's address → the page a reader would open (YouTube and Vimeo players)."""
    m = re.match(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/(?:embed|v)/([\w-]+)", url)
    if m:
        return f"https://www.youtube.com/watch?v={m.group(1)}"
    m = re.match(r"https?://player\.vimeo\.com/video/(\d+)", url)
    if m:
        return f"https://vimeo.com/{m.group(1)}"
    return url


def _has_content(node: _Node) -> bool:
    for child in node.children:
        if isinstance(child, str):
            if child.replace("\xa0", " ").strip():
                return True
        elif child.tag != "br":
            return True
    return False


_TEXT_BLOCKS = frozenset({"p", "li", "figcaption", "td", "th", "h2", "h3", "h4", "h5", "h6"})


def _trim_breaks(node: _Node) -> None:
    """No line breaks (or the blank text beside them) at the start or end of a paragraph."""
    for index in (0, -1):
        while node.children:
            edge = node.children[index]
            if isinstance(edge, str) and not edge.strip():
                node.children.pop(index)
            elif isinstance(edge, _Node) and edge.tag == "br":
                node.children.pop(index)
            else:
                break


def _has_picture(node: _Node) -> bool:
    return any(c.tag == "img" for c in node.iter())


def _safe_href(href: str) -> bool:
    href = re.sub(r"[\x00-\x20]+", "", href).lower()
    if not href:
        return False
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", href)
    return scheme is None or scheme.group(1) in ("http", "https", "mailto", "tel")


def _page_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return unquote(parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")


def attachment_page_keys(attachments) -> frozenset[str]:
    """The attachment pages' addresses, as `convert_content(attachment_pages=…)` takes them
    (worth computing once for a whole import rather than for every post)."""
    return frozenset(_page_key(a.page) for a in attachments if a.page)


def _unwraps_picture(node: _Node, attachment_pages: frozenset[str]) -> bool:
    """A link around a picture that only leads to the picture's file or attachment page."""
    elements = [c for c in node.children if isinstance(c, _Node)]
    texts = [c for c in node.children if isinstance(c, str) and c.strip()]
    if texts or len(elements) != 1 or elements[0].tag != "img":
        return False
    href = node.attrs.get("href", "")
    rel = node.attrs.get("rel", "")
    return (
        bool(uploads_path(href))
        or "attachment_id=" in href
        or "wp-att-" in rel
        or (bool(href) and _page_key(href) in attachment_pages)
    )


def _blockify(children: list) -> list:
    """Children of the body or of an unwrapped figure, as blocks: captions and loose text
    become paragraphs; stray line breaks between blocks go."""
    out: list = []
    run: list = []

    def flush():
        paragraph = _Node("p", {}, list(run))
        _trim_breaks(paragraph)
        if _has_content(paragraph):
            out.append(paragraph)
        run.clear()

    for child in children:
        if isinstance(child, _Node) and child.tag == "figcaption":
            flush()
            if _has_content(child):
                out.append(_Node("p", {}, child.children))
        elif isinstance(child, _Node) and child.tag in _UNWRAPPED_BLOCKS:
            flush()
            out.extend(_blockify(child.children))
        elif isinstance(child, _Node) and child.tag in _BLOCK:
            flush()
            out.append(child)
        else:
            run.append(child)
    flush()
    return out


def _finish_figure(figure: _Node, lost_picture: bool) -> list:
    nested = any(c.tag == "figure" for c in figure.iter())
    if _has_picture(figure) and not nested:
        figure.attrs = {"class": "image"}
        return [figure]
    if lost_picture and not _has_picture(figure):
        return []  # a caption without its picture means nothing
    if not nested and any(c.tag == "table" for c in figure.iter()):
        figure.attrs = {"class": "table"}
        return [figure]
    return _blockify(figure.children)


def convert_content(
    content: str,
    *,
    post_id: str = "",
    attachments: Mapping[str, Attachment] | None = None,
    children: Mapping[str, Sequence[str]] | None = None,
    resolve_image: ImageResolver | None = None,
    attachment_pages: frozenset[str] | None = None,
) -> Conversion:
    """WordPress post content → our sanitised article HTML. See the module docstring."""
    if attachment_pages is None:
        attachment_pages = attachment_page_keys((attachments or {}).values())
    converter = _ContentConverter(post_id, attachments, children, resolve_image, attachment_pages)
    result = converter.convert(content)
    return Conversion(html=result, missing_images=converter.missing)
