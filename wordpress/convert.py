"""From one WordPress item to everything an article or a page holds, without the database.

`convert_post(item, context)` returns a `ConvertedPost`: title, slug, body, excerpt,
publication, byline login, section name, tag names, featured image and old addresses. The
importer calls it once per post or page (in a helper thread, while the item before is being
written) and only adds what needs the database: unique slugs, ids, links and redirects.

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
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article
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
from .text import plain_text, truncate_words
from .wxr import WXRCategory, WXRItem, parse_wp_date

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


# ---------------------------------------------------------------------------------------
# Posts and pages
# ---------------------------------------------------------------------------------------

SKIPPED_STATUSES = ("trash", "auto-draft", "inherit")


class Skipped(Exception):
    """Not an error: this item is deliberately left out, for the reason given."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ExportContext:
    """What the importer's first pass learnt about the export, which a post's conversion
    needs: its attachments (and how to show an imported one), its categories and tags, and
    the sections categories map to."""

    attachments: Mapping[str, Attachment] = field(default_factory=dict)
    children: Mapping[str, Sequence[str]] = field(default_factory=dict)
    attachment_pages: frozenset[str] = frozenset()
    resolve_image: ImageResolver | None = None
    categories: Mapping[str, WXRCategory] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)  # slug → name
    section_map: Mapping[str, str] = field(default_factory=dict)  # category slug → section
    default_section: str = ""


@dataclass
class ConvertedPost:
    """One post or page, ready to store: every value fits its field."""

    post_id: str
    post_type: str
    title: str
    slug: str  # WordPress's, else the title's, in ASCII; the importer makes it unique
    body: str
    excerpt: str  # plain text: the standfirst of an article, the SEO description of a page
    status: str  # an Article.Status
    published_at: datetime | None
    kept_draft: str = ""  # why it stays a draft although WordPress shows it, or ""
    featured: bool = False
    author_login: str = ""
    section: str = ""  # a section name, or "" for none
    tag_names: list[str] = field(default_factory=list)
    lead_image_id: str = ""  # the featured image's attachment id
    old_paths: list[str] = field(default_factory=list)  # addresses readers used
    missing_images: list[MissingImage] = field(default_factory=list)

    @property
    def is_published(self) -> bool:
        return self.status == Article.Status.PUBLISHED


def convert_post(item: WXRItem, context: ExportContext | None = None) -> ConvertedPost:
    """A WordPress post or page → what our article or site page stores. Raises `Skipped`
    for statuses that are not content (trash, auto-draft). No database access."""
    context = context or ExportContext()
    page = item.post_type == "page"
    if (item.status or "draft") in SKIPPED_STATUSES:
        raise Skipped(f"status {item.status or 'draft'}")
    status, published_at, kept_draft = _page_publication(item) if page else _publication(item)
    conversion = convert_content(
        item.content,
        post_id=item.post_id,
        attachments=context.attachments,
        children=context.children,
        resolve_image=context.resolve_image,
        attachment_pages=context.attachment_pages,
    )
    section, tag_names = _section_and_tags(item, context)
    title = _title(item)
    thumbnail = item.meta_value("_thumbnail_id")
    return ConvertedPost(
        post_id=item.post_id,
        post_type=item.post_type,
        title=title[:120] if page else title,
        slug=base_slug(item, plain_text(item.title), 80 if page else 190),
        body=clean_html(conversion.html),
        excerpt=truncate_words(plain_text(item.excerpt), 200 if page else 400),
        status=status,
        published_at=published_at,
        kept_draft=kept_draft,
        featured=item.is_sticky,
        author_login=item.creator.strip(),
        section=section,
        tag_names=tag_names,
        lead_image_id="" if thumbnail == "0" else thumbnail,
        old_paths=_old_paths(item),
        missing_images=conversion.missing_images,
    )


def _publication(item: WXRItem):
    """(status, published_at, why it is kept as a draft or "")."""
    status = item.status or "draft"
    gmt = parse_wp_date(item.post_date_gmt)
    date = gmt.replace(tzinfo=UTC) if gmt else None
    if date is None and status in ("publish", "future", "private"):
        local = parse_wp_date(item.post_date)
        if local:
            date = timezone.make_aware(local, timezone.get_default_timezone())
    if status in ("publish", "future"):
        if item.password:
            return Article.Status.DRAFT, date, "password-protected"
        if date is None:
            return Article.Status.DRAFT, None, "no publication date in the export"
        return Article.Status.PUBLISHED, date, ""
    if status == "private":
        return Article.Status.DRAFT, date, "private"
    if status == "pending":
        return Article.Status.IN_REVIEW, date, ""
    return Article.Status.DRAFT, date, ""


def _page_publication(item: WXRItem):
    """Site pages have no date: published or not, and why one WordPress shows is not."""
    if item.status == "publish" and not item.password:
        return Article.Status.PUBLISHED, None, ""
    if item.password:
        return Article.Status.DRAFT, None, "password-protected"
    return Article.Status.DRAFT, None, item.status if item.status in ("private", "future") else ""


def _title(item: WXRItem) -> str:
    title = plain_text(item.title)
    if not title:
        words = unquote(item.post_name).replace("-", " ").strip()
        title = words[:1].upper() + words[1:] if words else f"Untitled ({item.post_id})"
    return truncate_words(title, 200)


def base_slug(item: WXRItem, title: str, max_length: int) -> str:
    """WordPress's slug, else the title's, as ASCII (addresses are /…/<slug>/); when
    neither has a letter left (a Greek slug loses every one) the WordPress id."""
    for candidate in (unquote(item.post_name), title):
        slug = slugify(candidate)[:max_length].strip("-")
        if re.search(r"[a-z]", slug):
            return slug
    return f"{item.post_type or 'post'}-{item.post_id}"[:max_length]


def _section_and_tags(item: WXRItem, context: ExportContext) -> tuple[str, list[str]]:
    """The section (a name, from --section-map, or the default) and the tag names: mapped
    categories give the section, the others become tags, "Uncategorized" is dropped."""
    section = ""
    names: list[str] = []
    for term in item.terms:
        if term.domain == "category":
            mapped = _section_for_category(term.nicename, context)
            if mapped and not section:
                section = mapped
            if term.nicename in context.section_map:
                continue
            if not mapped and term.nicename == "uncategorized":
                continue
            category = context.categories.get(term.nicename)
            names.append((category.name if category else "") or term.name or term.nicename)
        elif term.domain == "post_tag":
            names.append(term.name or context.tags.get(term.nicename, term.nicename))
    return section or context.default_section, names


def _section_for_category(nicename: str, context: ExportContext) -> str:
    """The section of a category's nearest mapped ancestor (itself included), or ""."""
    seen = set()
    current = nicename
    while current and current not in seen:
        if current in context.section_map:
            return context.section_map[current]
        seen.add(current)
        category = context.categories.get(current)
        current = category.parent if category else ""
    return ""


def old_path(link: str) -> str | None:
    """The path readers used: 'https://old.example/2012/01/07/x/' → '/2012/01/07/x/'. None
    for query-string permalinks ('/?p=123'), which carry nothing in the path."""
    if not link:
        return None
    path = re.sub(r"/{2,}", "/", unquote(urlsplit(link.strip()).path))
    if not path or path == "/":
        return None
    return path if path.startswith("/") else "/" + path


def _old_paths(item: WXRItem) -> list[str]:
    """The WordPress permalink, and the same address with each slug the post had before."""
    permalink = old_path(item.link)
    if not permalink:
        return []
    paths = [permalink]
    trimmed = permalink.rstrip("/")
    current_slug = unquote(item.post_name)
    if current_slug and trimmed.endswith("/" + current_slug):
        stem = trimmed[: -len(current_slug)]
        ending = "/" if permalink.endswith("/") else ""
        paths += [f"{stem}{old}{ending}" for old in item.meta.get("_wp_old_slug", [])]
    return list(dict.fromkeys(paths))
