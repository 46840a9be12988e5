"""From one WordPress item to everything an article or a page holds, without the database.

`convert_post(item, context)` returns a `ConvertedPost`: title, slug, body, excerpt,
publication, byline login, section name, tag names, featured image and old addresses. The
importer calls it once per post or page (in a helper thread, while the item before is being
written) and only adds what needs the database: unique slugs, ids, links and redirects. The
body is `convert_content()`'s (wordpress/content.py).
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
from core.sanitize import clean_html

from .content import convert_content
from .media import (
    Attachment,
    ImageResolver,
    MissingImage,
)
from .text import plain_text, truncate_words
from .wxr import WXRCategory, WXRItem, parse_wp_date

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
