"""A WordPress post's content, reduced to what our articles hold, without the database.

`convert_content()` renders post content the way WordPress would, then reduces it to what
our articles hold:

1. Bare links and player shortcodes become plain links (see `shortcodes`).
2. `wpautop()` makes paragraphs, unless the content is from the block editor (see `autop`).
3. `[caption]` and `[gallery]` become figures; other shortcodes are removed, keeping the
   text they wrap (see `shortcodes`).
4. Every `<img>` is matched to an imported picture (by its `wp-image-N` class, else by its
   address in the uploads folder, sizes like `-300x200` and `?w=` ignored) and rewritten to
   our renditions (`src`, `srcset`, `width`, `height`). A picture that cannot be matched is
   removed and reported, never hot-linked; a figure that loses its picture goes with it.
   Links around pictures that point at the uploads folder or an attachment page are
   unwrapped. Embedded frames and players become links.
5. The result passes our sanitiser (`core.sanitize.clean_html`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.sanitize import BODY_IMAGE_SIZES, clean_html

from .autop import wpautop
from .html_tree import BLOCK_TAGS, Node, parse_html, serialize
from .media import (
    Attachment,
    ImageResolver,
    MissingImage,
    attachment_page_keys,
    page_key,
    uploads_path,
)
from .shortcodes import Shortcodes, autoembed, shortcode_names, shortcode_unautop_regex

# ---------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------

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


@dataclass
class Conversion:
    html: str
    missing_images: list[MissingImage] = field(default_factory=list)


class _ContentConverter(Shortcodes):
    def __init__(self, post_id, attachments, children, resolve_image, attachment_pages):
        super().__init__(post_id, attachments, children)
        self.resolve_image: ImageResolver = resolve_image or (lambda _id, _src: None)
        self.attachment_pages = attachment_pages

    def convert(self, content: str) -> str:
        text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            return ""
        blocks = "<!-- wp:" in text
        text = autoembed(text)
        if not blocks:
            text = wpautop(text)
        if "[" in text:
            names = shortcode_names(text)
            if names:
                text = shortcode_unautop_regex(names).sub(r"\1", text)
                text = self.do_shortcodes(text)
        tree = parse_html(text)
        self._finish(tree)
        blocks = _blockify(tree.children)
        return clean_html("\n".join(serialize(Node("#root", {}, [b])) for b in blocks))

    # -- tree clean-up: pictures, links, figures, empty paragraphs ---------------------

    @staticmethod
    def _attachment_id(node: Node) -> str | None:
        attachment_id = node.attrs.get("data-wp-attachment")
        if not attachment_id:
            m = re.search(r"\bwp-image-(\d+)\b", node.attrs.get("class", ""))
            attachment_id = m.group(1) if m else None
        return attachment_id or None

    def _finish(self, node: Node) -> None:
        out: list = []
        for child in node.children:
            if isinstance(child, str):
                out.append(child)
                continue
            tag = child.tag
            if tag in _PLAYER_TAGS:
                url = _player_url(child)
                if url:
                    link = Node("a", {"href": url}, [url])
                    out.append(Node("p", {}, [link]) if node.tag in _BLOCK_PARENTS else link)
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
                out.append(Node("img", attrs, []))
                continue
            if "class" in child.attrs and not (tag == "span" and child.attrs["class"] == "credit"):
                # WordPress's layout classes mean nothing here; figures get ours below.
                del child.attrs["class"]
            if tag in _HEADING_LEVELS:
                # Our headline is the page's h1; bodies use h2 to h4.
                child.tag = tag = _HEADING_LEVELS[tag]
            elif tag == "dt":  # no definition lists in our bodies: term in bold, then text
                child.tag = tag = "p"
                child.children = [Node("strong", {}, child.children)]
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


def _img_src(node: Node) -> str:
    for key in ("data-orig-file", "data-lazy-src", "data-src", "src"):
        value = node.attrs.get(key, "").strip()
        if value and not value.lower().startswith("data:"):
            return value
    return ""


def _player_url(node: Node) -> str:
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


def _has_content(node: Node) -> bool:
    for child in node.children:
        if isinstance(child, str):
            if child.replace("\xa0", " ").strip():
                return True
        elif child.tag != "br":
            return True
    return False


_TEXT_BLOCKS = frozenset({"p", "li", "figcaption", "td", "th", "h2", "h3", "h4", "h5", "h6"})


def _trim_breaks(node: Node) -> None:
    """No line breaks (or the blank text beside them) at the start or end of a paragraph."""
    for index in (0, -1):
        while node.children:
            edge = node.children[index]
            if isinstance(edge, str) and not edge.strip():
                node.children.pop(index)
            elif isinstance(edge, Node) and edge.tag == "br":
                node.children.pop(index)
            else:
                break


def _has_picture(node: Node) -> bool:
    return any(c.tag == "img" for c in node.iter())


def _safe_href(href: str) -> bool:
    href = re.sub(r"[\x00-\x20]+", "", href).lower()
    if not href:
        return False
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", href)
    return scheme is None or scheme.group(1) in ("http", "https", "mailto", "tel")


def _unwraps_picture(node: Node, attachment_pages: frozenset[str]) -> bool:
    """A link around a picture that only leads to the picture's file or attachment page."""
    elements = [c for c in node.children if isinstance(c, Node)]
    texts = [c for c in node.children if isinstance(c, str) and c.strip()]
    if texts or len(elements) != 1 or elements[0].tag != "img":
        return False
    href = node.attrs.get("href", "")
    rel = node.attrs.get("rel", "")
    return (
        bool(uploads_path(href))
        or "attachment_id=" in href
        or "wp-att-" in rel
        or (bool(href) and page_key(href) in attachment_pages)
    )


def _blockify(children: list) -> list:
    """Children of the body or of an unwrapped figure, as blocks: captions and loose text
    become paragraphs; stray line breaks between blocks go."""
    out: list = []
    run: list = []

    def flush():
        paragraph = Node("p", {}, list(run))
        _trim_breaks(paragraph)
        if _has_content(paragraph):
            out.append(paragraph)
        run.clear()

    for child in children:
        if isinstance(child, Node) and child.tag == "figcaption":
            flush()
            if _has_content(child):
                out.append(Node("p", {}, child.children))
        elif isinstance(child, Node) and child.tag in _UNWRAPPED_BLOCKS:
            flush()
            out.extend(_blockify(child.children))
        elif isinstance(child, Node) and child.tag in BLOCK_TAGS:
            flush()
            out.append(child)
        else:
            run.append(child)
    flush()
    return out


def _finish_figure(figure: Node, lost_picture: bool) -> list:
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
