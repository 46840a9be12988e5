"""Server-side sanitising of rich text, whatever the editor sent.

An nh3 (ammonia) allowlist that keeps what CKEditor 5 produces — paragraphs, headings,
lists, links, quotes, tables, figures with captions — and drops everything else: scripts,
event handlers, javascript:/data: links, iframes, objects, forms, styles and comments.
"""

import re
from html import escape
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "mark",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "abbr",
    "cite",
    "q",
    "small",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "colgroup",
    "col",
    "figure",
    "figcaption",
    "img",
    "picture",
    "source",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
    "source": {"srcset", "sizes", "type", "media", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
ALLOWED_CLASSES = {
    "figure": {
        "image",
        "table",
        "image-style-side",
        "image-style-align-left",
        "image-style-align-right",
        "image-style-block-align-left",
        "image-style-block-align-right",
        "image_resized",
    },
    "span": {"credit"},
    "p": {"credit"},
    "figcaption": {"credit"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
SAFE_SRCSET_PREFIXES = ("/", "http://", "https://")
# The article body column is at most 46em wide; CKEditor writes sizes="100vw".
BODY_IMAGE_SIZES = "(min-width: 48em) 46em, 100vw"


_PIXELS = re.compile(r"[1-9][0-9]{0,4}")


def _filter_attribute(tag, attribute, value):
    """nh3 leaves srcset alone: allow only relative and http(s) candidates there."""
    if attribute == "srcset":
        candidates = [c.strip() for c in value.split(",") if c.strip()]
        if not all(
            c.startswith(SAFE_SRCSET_PREFIXES) and not c.startswith("//") for c in candidates
        ):
            return None
    if tag == "img" and attribute == "src" and value.strip().startswith("//"):
        return None
    if attribute in ("width", "height") and not _PIXELS.fullmatch(value.strip()):
        return None  # never width="None" or "100%": media.figures fills in the real size
    if tag == "img" and attribute == "sizes":
        return BODY_IMAGE_SIZES
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_html(html: str) -> str:
    """Return html reduced to the allowlist. Safe to call on already-clean text."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    # Pictures in a body are below the lead image: load them lazily, decode off-thread.
    # Added here rather than by nh3 (whose attribute order varies between processes) so
    # the same input always gives byte-identical output. nh3 escapes "<" inside
    # attribute values, so "<img " can only be a tag.
    return cleaned.replace("<img ", '<img loading="lazy" decoding="async" ')


_VOID_TAGS = {"br", "hr", "img", "col", "source"}
_BLOCK_TAGS = "|".join(
    ("p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "hr", "br", "figure")
    + ("figcaption", "picture", "source", "table", "thead", "tbody", "tfoot", "tr", "th")
    + ("td", "caption", "colgroup", "col")
)
_SPACE = re.compile(r"\s+")
# White space beside a block's tags is layout, not text (an editor's re-indenting).
_SPACE_BY_BLOCK = re.compile(rf"\s*(</?(?:{_BLOCK_TAGS})\b[^>]*>)\s*")


class _Canonical(HTMLParser):
    """Writes parsed HTML back one way: attributes sorted, values and text escaped alike,
    runs of white space as one space."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        written = "".join(
            f' {name}="{escape(value or "", quote=True)}"' for name, value in sorted(attrs)
        )
        self.parts.append(f"<{tag}{written}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in _VOID_TAGS:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(escape(data, quote=False))


def canonical_html(html: str) -> str:
    """html sanitised, then written one way, so two bodies that differ only in how an
    editor serialised them (CKEditor reorders <img> attributes, re-indents, writes
    entities or characters) compare equal, and any real change in text, tags or
    attribute values does not."""
    parser = _Canonical()
    parser.feed(clean_html(html))
    parser.close()
    return _SPACE_BY_BLOCK.sub(r"\1", _SPACE.sub(" ", "".join(parser.parts))).strip()
