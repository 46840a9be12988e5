"""manage.py import_wordpress: bring a WordPress site's archive over, addresses included.

The export is read twice, streaming both times (memory stays flat on a 1 GB file): the first
pass imports authors and attachments (pictures must exist before the posts that show them),
the second posts and pages. Each item imports in its own transaction; a broken one is
reported and skipped. Everything is keyed on the site's address and the WordPress id, so a
second run updates what changed and reports the rest as unchanged.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from argparse import RawDescriptionHelpFormatter
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import connection, transaction
from django.db.models import OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Image,
    Section,
    TaggedArticle,
)
from articles.search import refresh_search_names
from articles.wordpress import (
    Attachment,
    ImageRef,
    WXRAuthor,
    WXRError,
    WXRItem,
    WXRSite,
    attachment_page_keys,
    convert_content,
    original_upload_path,
    parse_wp_date,
    plain_text,
    read_export,
    same_html,
    split_credit,
    truncate_words,
    uploads_path,
)
from authors.models import Author
from core.images import clean_image
from core.sanitize import clean_html
from core.validators import validate_image_file

HELP = """Import a WordPress export (WXR 1.1 or 1.2: WordPress → Tools → Export → All content).

Authors become author profiles, posts become articles (with bylines, tags, section, lead
image and a permanent redirect from the old permalink), attachments become images in the
media library, and pages become the site's own pages. Running it again updates what
changed and duplicates nothing. Nothing is ever downloaded: pictures come from --media-dir.

Sections: WordPress categories become sections only through --section-map, which maps
category slugs ("nicenames") to section names, e.g.
    --section-map "news=News,air-force=Air,navy=Naval"
A category inside a mapped one (say "helicopters" under "air-force") takes its nearest
mapped ancestor's section and is kept as a tag as well. A post with several mapped
categories takes the first in the export's order. Unmapped categories become tags
("Uncategorized" is dropped). Posts with no mapped category get --default-section, or none.

Statuses: publish → published; future → published and scheduled; draft → draft;
pending → in review; private and password-protected → draft (never made public, and listed
in the summary); trash and auto-draft are skipped.

See docs/importing-wordpress.md.
"""


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's option order, with the description's line breaks kept."""


# ---------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------

KINDS = ("authors", "attachments", "posts", "pages")
READ_AHEAD = 250  # posts and pages held in memory at once, so existing articles come in bulk


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    missing_media: int = 0
    skip_reasons: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped + self.failed

    def count(self, outcome: str, reason: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "skipped":
            self.skip_reasons[reason or "skipped"] += 1


@dataclass
class Missing:
    reason: str
    used_by: list[str] = field(default_factory=list)


@dataclass
class Report:
    source: str = ""
    title: str = ""
    wxr_version: str = ""
    dry_run: bool = False
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    missing_media: dict[str, Missing] = field(default_factory=dict)
    kept_as_draft: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)

    def add_missing(self, address: str, reason: str, used_by: str = "") -> None:
        entry = self.missing_media.setdefault(address, Missing(reason))
        if used_by and used_by not in entry.used_by:
            entry.used_by.append(used_by)

    def render(self) -> str:
        lines = []
        what = f"“{self.title}” ({self.source})" if self.title else self.source
        version = f", WXR {self.wxr_version}" if self.wxr_version else ""
        lines.append(f"WordPress import of {what}{version}")
        if self.dry_run:
            lines.append("Dry run: nothing was written. The counts say what would happen.")
        lines.append("")
        columns = ("created", "updated", "unchanged", "skipped", "failed", "missing_media")
        header = f"{'':<12}" + "".join(f"{c.replace('_', ' '):>15}" for c in columns)
        lines.append(header)
        for kind in KINDS:
            tally = self.tallies[kind]
            lines.append(f"{kind:<12}" + "".join(f"{getattr(tally, c):>15}" for c in columns))
        skipped = [
            f"{kind}: " + ", ".join(f"{n} {reason}" for reason, n in t.skip_reasons.most_common())
            for kind, t in self.tallies.items()
            if t.skip_reasons
        ]
        if skipped:
            lines += ["", "Skipped — " + "; ".join(skipped)]
        if self.ignored:
            ignored = ", ".join(f"{n} {kind}" for kind, n in self.ignored.most_common())
            lines += ["", f"Not imported (not content): {ignored}"]
        if self.kept_as_draft:
            lines += ["", f"Kept as drafts, never made public ({len(self.kept_as_draft)}):"]
            lines += [f"  {entry}" for entry in self.kept_as_draft]
        if self.missing_media:
            lines += ["", f"Missing media ({len(self.missing_media)}):"]
            for address, entry in self.missing_media.items():
                used = f" — used by {', '.join(entry.used_by[:8])}" if entry.used_by else ""
                more = f" and {len(entry.used_by) - 8} more" if len(entry.used_by) > 8 else ""
                lines.append(f"  {address}: {entry.reason}{used}{more}")
        if self.notes:
            lines += ["", "Notes:"] + [f"  {note}" for note in self.notes]
        if self.failures:
            lines += ["", f"Failed ({len(self.failures)}):"] + [f"  {f}" for f in self.failures]
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Progress on stderr
# ---------------------------------------------------------------------------------------


class Progress:
    """A self-updating line on a terminal; on anything else (a log, CI) a plain line every
    tenth of the way (or every 1,000 items when the total is unknown)."""

    def __init__(self, stream, enabled=True):
        self.stream = stream
        self.enabled = enabled and stream is not None
        isatty = getattr(stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.label = ""
        self.total = None
        self.count = 0
        self.last_draw = 0.0
        self.next_mark = 0

    def start(self, label, total=None):
        self.label, self.total, self.count = label, total, 0
        self.next_mark = self._mark_after(0)
        self._draw(force=True)

    def _mark_after(self, count):
        if self.total:
            step = max(1, self.total // 10)
            return (count // step + 1) * step
        return (count // 1000 + 1) * 1000

    def step(self):
        self.count += 1
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw >= 0.1:
                self.last_draw = now
                self._draw()
        elif self.count >= self.next_mark:
            self.next_mark = self._mark_after(self.count)
            self._draw()

    def finish(self):
        self._draw(force=True, final=True)

    def _draw(self, force=False, final=False):
        if not self.enabled:
            return
        if self.total:
            percent = 100 * self.count // self.total if self.total else 100
            text = f"{self.label}: {self.count}/{self.total} ({percent}%)"
        else:
            text = f"{self.label}: {self.count} items"
        if self.tty:
            self.stream.write(f"\r\x1b[K{text}", ending="\n" if final else "")
        elif force and not final and self.count == 0:
            self.stream.write(f"{text} …")
        else:
            self.stream.write(text)
        self.stream.flush()


# ---------------------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------------------


class _Skip(Exception):
    """Not an error: this item is deliberately left out, for the reason given."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Outcome:
    outcome: str  # created / updated / unchanged
    missing: bool = False


def parse_section_map(value: str) -> dict[str, str]:
    """'news=News, air-force=Air' → {'news': 'News', 'air-force': 'Air'}."""
    mapping = {}
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        nicename, sep, section = pair.partition("=")
        if not sep or not nicename.strip() or not section.strip():
            raise CommandError(
                f"--section-map: “{pair.strip()}” is not category=Section "
                '(e.g. --section-map "news=News,air-force=Air").'
            )
        mapping[nicename.strip()] = section.strip()
    return mapping


def old_path(link: str) -> str | None:
    """The path readers used: 'https://old.example/2012/01/07/x/' → '/2012/01/07/x/'. None
    for query-string permalinks ('/?p=123'), which carry nothing in the path."""
    if not link:
        return None
    path = re.sub(r"/{2,}", "/", unquote(urlsplit(link.strip()).path))
    if not path or path == "/":
        return None
    return path if path.startswith("/") else "/" + path


def _file_digest(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


class _asynchronous_commits:  # noqa: N801 — used as a context manager, like atomic
    """Each item still commits on its own, but without waiting for the disk: a crash can
    lose only the last fraction of a second of items, which a second run imports again
    (the import is idempotent). PostgreSQL's synchronous_commit, for this session only."""

    def __enter__(self):
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
            self.active = True
        else:
            self.active = False

    def __exit__(self, *exc):
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        return False


def _search_names(tags, authors) -> str:
    """The text `articles.search.refresh_search_names` keeps in Article.search_names (tag
    names in order, then author names in byline order), for an article written in one go.
    The importer also runs refresh_search_names afterwards, which fixes any difference."""
    tag_names = " ".join(sorted(tag.name for tag in tags))
    return f"{tag_names} {' '.join(author.name for author in authors)}".strip()


def _insert_links(article_id: int, author_ids: list[int], tag_ids: list[int]) -> None:
    """Insert an article's bylines and tags in one statement: the hottest path of a large
    import, where two bulk_create calls cost three times as much. Like bulk_create it sends
    no signals; the importer refreshes the search names itself."""
    quote = connection.ops.quote_name
    statements, params = [], []
    if author_ids:
        meta = ArticleAuthor._meta
        columns = ", ".join(
            quote(meta.get_field(name).column) for name in ("article", "author", "position")
        )
        rows = ", ".join(["(%s, %s, %s)"] * len(author_ids))
        statements.append(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows}")  # noqa: S608 — names from the models, values bound
        for position, author_id in enumerate(author_ids):
            params += [article_id, author_id, position]
    if tag_ids:
        meta = TaggedArticle._meta
        columns = ", ".join(
            quote(meta.get_field(name).column) for name in ("content_object", "tag")
        )
        rows = ", ".join(["(%s, %s)"] * len(tag_ids))
        statements.append(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows}")  # noqa: S608 — names from the models, values bound
        for tag_id in tag_ids:
            params += [article_id, tag_id]
    if not statements:
        return
    sql = statements[0] if len(statements) == 1 else f"WITH b AS ({statements[0]}) {statements[1]}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _same(field_name, stored, new) -> bool:
    if field_name == "body":
        return same_html(stored, new)
    return stored == new


def page_model():
    """support.Page when that app provides it (another part of the site), else None."""
    try:
        return apps.get_model("support", "Page")
    except LookupError:
        return None


class WordPressImporter:
    def __init__(
        self,
        path,
        *,
        media_dir=None,
        section_map=None,
        default_section=None,
        dry_run=False,
        progress=None,
    ):
        self.path = Path(path)
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.section_map = dict(section_map or {})
        self.default_section_name = default_section or ""
        self.dry_run = dry_run
        self.progress = progress or Progress(None, enabled=False)
        self.report = Report(dry_run=dry_run)
        self.site = WXRSite()
        self.source = ""
        self.page_model = page_model()
        # Filled by the first pass.
        self.authors: dict[str, Author] = {}
        self.sections: dict[str, Section] = {}
        self.attachments: dict[str, Attachment] = {}
        self.children: dict[str, list[tuple[int, int, str]]] = {}
        self.by_path: dict[str, str] = {}
        self.images: dict[str, Image | None] = {}  # attachment id → Image (None: dry run)
        self.attachment_problems: dict[str, str] = {}
        self.counts = Counter()
        self.tags: dict[str, Tag] = {}
        self.tag_slugs: set[str] = set()
        self.page_slugs: dict[str, str] = {}
        # Loaded once when the import starts, so a post costs no look-ups: this site's
        # imported articles, every (publication day, slug) taken, every old address.
        self.article_ids: dict[str, int] = {}
        self.day_slugs: dict[tuple, int] = {}
        self.redirects: dict[str, int] = {}
        self.names_changed: list[int] = []  # articles whose tags or bylines were rewritten
        self.prefetched: dict[str, Article] = {}
        self.conversions: dict = {}
        self.converter = None
        self.children_ordered: dict[str, list[str]] = {}
        self.attachment_pages: frozenset[str] = frozenset()
        self._refs: dict[str, ImageRef] = {}
        self._pending: list[tuple[dict, str]] = []
        self._pending_authors: list[str] = []

    # -- running ---------------------------------------------------------------------

    def run(self) -> Report:
        if not self.path.is_file():
            raise CommandError(f"No such file: {self.path}")
        if self.media_dir and not self.media_dir.is_dir():
            raise CommandError(f"--media-dir is not a directory: {self.media_dir}")
        try:
            if self.dry_run:
                # One transaction, rolled back: later items see earlier ones, nothing stays.
                with transaction.atomic():
                    self._run()
                    transaction.set_rollback(True)
            else:
                with _asynchronous_commits():
                    self._run()
        except WXRError as exc:
            written = "" if self.dry_run else " Items read before the problem were imported."
            raise CommandError(f"{self.path.name}: {exc}{written}") from exc
        return self.report

    def _run(self):
        self.progress.start("Reading authors and attachments")
        for obj in read_export(self.path):
            if isinstance(obj, WXRSite):
                self._start(obj)
                continue
            self.progress.step()
            if obj.post_type == "attachment":
                self._item("attachments", obj, self._import_attachment)
            elif obj.post_type in ("post", "page"):
                self.counts[obj.post_type] += 1
            else:
                self.report.ignored[obj.post_type or "untyped item"] += 1
        self.progress.finish()
        self.attachment_pages = attachment_page_keys(self.attachments.values())
        self.children_ordered = {
            parent: [aid for _, _, aid in sorted(entries)]
            for parent, entries in self.children.items()
        }
        self.progress.start("Importing posts and pages", self.counts["post"] + self.counts["page"])
        window: list[WXRItem] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wxr-convert") as converter:
            self.converter = converter
            for obj in read_export(self.path):
                if isinstance(obj, WXRItem) and obj.post_type in ("post", "page"):
                    window.append(obj)
                    if len(window) >= READ_AHEAD:
                        self._import_window(window)
            self._import_window(window)
        self.progress.finish()

    def _import_window(self, window: list[WXRItem]):
        """Posts and pages, a few hundred at a time: one query fetches the articles an
        earlier run made for them; then each item imports in its own transaction."""
        wanted = [self.article_ids[i.post_id] for i in window if i.post_id in self.article_ids]
        self.prefetched = {article.import_id: article for article in self._articles(wanted)}
        # Convert the window's content in a helper thread: it runs while this thread waits
        # for PostgreSQL to write the item before.
        self.conversions = {id(item): self.converter.submit(self._convert, item) for item in window}
        for item in window:
            if item.post_type == "post":
                self._item("posts", item, self._import_post)
            else:
                self._item("pages", item, self._import_page)
            self.progress.step()
        self.prefetched = {}
        self.conversions = {}
        window.clear()
        self._refresh_search_names()

    def _refresh_search_names(self):
        """Bylines and tags rewritten on a second run are written without signals: bring
        the names the search index reads up to date, hundreds of articles a statement."""
        if self.names_changed:
            refresh_search_names(self.names_changed)
            self.names_changed.clear()

    def _item(self, kind, item, importer):
        """One item, in its own transaction: a failure rolls back that item alone."""
        tally = self.report.tallies[kind]
        try:
            if not item.post_id:
                raise ValueError("the item has no wp:post_id")
            with transaction.atomic():
                result = importer(item)
        except _Skip as skip:
            self._forget_pending()
            tally.count("skipped", skip.reason)
            return
        except Exception as exc:
            self._forget_pending()
            title = plain_text(item.title)
            label = f"{kind[:-1]} {item.post_id or '?'}" + (f" “{title}”" if title else "")
            self.report.failures.append(f"{label}: {type(exc).__name__}: {exc}")
            tally.count("failed")
            return
        self._pending.clear()
        for name in self._pending_authors:
            self.report.tallies["authors"].count("created")
            self.report.notes.append(
                f"Author “{name}” is not among the export's authors: created a profile."
            )
        self._pending_authors.clear()
        tally.count(result.outcome)
        if result.missing:
            tally.missing_media += 1

    def _remember(self, cache: dict, key: str, value) -> None:
        """Cache an object created inside the current item's transaction; forgotten if the
        transaction rolls back."""
        cache[key] = value
        self._pending.append((cache, key))

    def _forget_pending(self):
        for cache, key in self._pending:
            cache.pop(key, None)
        self._pending.clear()
        self._pending_authors.clear()

    # -- header: site, sections, authors ---------------------------------------------

    def _start(self, site: WXRSite):
        self.site = site
        self.source = site.source[:200]
        if not self.source:
            raise WXRError("the export names no site (no <wp:base_blog_url> and no <link>).")
        self.report.source, self.report.title = self.source, site.title
        self.report.wxr_version = site.wxr_version
        unknown = sorted(set(self.section_map) - set(site.categories))
        if unknown:
            self.report.notes.append(
                "--section-map names categories the export does not have: " + ", ".join(unknown)
            )
        self._preload()
        with transaction.atomic():
            for name in {*self.section_map.values(), self.default_section_name} - {""}:
                self.sections[name] = self._section(name)
        for author in site.authors:
            self._import_author(author)

    def _preload(self):
        articles = Article.objects.filter(import_source=self.source).exclude(import_id="")
        self.article_ids = dict(articles.values_list("import_id", "pk"))
        dated = Article.objects.filter(published_at__isnull=False)
        self.day_slugs = {
            (day, slug): pk
            for day, slug, pk in dated.values_list(TruncDate("published_at"), "slug", "pk")
        }
        self.redirects = dict(ArticleRedirect.objects.values_list("old_path", "article_id"))
        for tag in Tag.objects.all():
            self.tags.setdefault(tag.name.lower(), tag)
            self.tag_slugs.add(tag.slug)

    def _section(self, name: str) -> Section:
        section = Section.objects.filter(name__iexact=name).first()
        if section is None:
            base = slugify(name)[:70] or "section"
            slug, n = base, 2
            while Section.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            section = Section.objects.create(name=name[:80], slug=slug)
            self.report.notes.append(f"Created section “{section.name}”.")
        return section

    def _import_author(self, wp: WXRAuthor):
        tally = self.report.tallies["authors"]
        try:
            with transaction.atomic():
                outcome = self._save_author(wp)
        except Exception as exc:
            self.report.failures.append(f"author {wp.login}: {type(exc).__name__}: {exc}")
            tally.count("failed")
            return
        tally.count(outcome)

    def _save_author(self, wp: WXRAuthor) -> str:
        full_name = " ".join(p for p in (wp.first_name, wp.last_name) if p)
        name = plain_text(wp.display_name) or plain_text(full_name) or wp.login
        values = {"name": name[:120]}
        bio = plain_text(wp.description)
        if bio:  # WXR 1.2 has no biography; some exporters add wp:author_description
            values["short_bio"] = truncate_words(bio, 400)
            values["long_bio"] = html.unescape(re.sub(r"<[^>]*>", "", wp.description)).strip()
        author = Author.objects.filter(import_source=self.source, import_id=wp.login).first()
        if author is None:
            author = Author(import_source=self.source, import_id=wp.login[:64], **values)
            author.slug = self._unique_author_slug(slugify(wp.login) or slugify(name))
            author.save()
            outcome = "created"
        elif any(getattr(author, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(author, k, v)
            author.save()
            outcome = "updated"
        else:
            outcome = "unchanged"
        self.authors[wp.login] = author
        return outcome

    @staticmethod
    def _unique_author_slug(base: str) -> str:
        base = base[:110] or "author"
        slug, n = base, 2
        while Author.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _author_for(self, creator: str) -> Author | None:
        """A byline from dc:creator (a login). Logins missing from the header (WXR 1.0, or
        a damaged export) get a profile of their own."""
        login = creator.strip()
        if not login:
            return None
        if login in self.authors:
            return self.authors[login]
        cleaned = re.sub(r"[<>\"'\s]+", "", login) or login
        if cleaned in self.authors:
            return self.authors[cleaned]
        author = Author.objects.filter(import_source=self.source, import_id=cleaned).first()
        if author is None:
            author = Author.objects.create(
                name=cleaned[:120],
                slug=self._unique_author_slug(slugify(cleaned)),
                import_source=self.source,
                import_id=cleaned[:64],
            )
            self._pending_authors.append(cleaned)
        self._remember(self.authors, cleaned, author)
        return author

    # -- attachments -----------------------------------------------------------------

    def _import_attachment(self, item: WXRItem) -> _Outcome:
        url = item.attachment_url or item.guid
        caption, credit = split_credit(plain_text(item.excerpt))
        attachment = Attachment(
            post_id=item.post_id,
            url=url,
            title=plain_text(item.title),
            alt=plain_text(item.meta_value("_wp_attachment_image_alt"))[:300],
            caption=caption[:500],
            credit=credit[:200],
            parent=item.post_parent,
            menu_order=item.menu_order,
            page=item.link,
        )
        self.attachments[item.post_id] = attachment
        relative = uploads_path(url) or self._attached_file(item)
        if relative:
            self.by_path.setdefault(relative, item.post_id)
            self.by_path.setdefault(original_upload_path(relative), item.post_id)
        if not attachment.is_image:
            extension = Path(urlsplit(url).path).suffix.lower() or "no extension"
            raise _Skip(f"not an image ({extension})")
        if item.post_parent and item.post_parent != "0":
            key = (item.menu_order, int(item.post_id) if item.post_id.isdigit() else 0)
            self.children.setdefault(item.post_parent, []).append((*key, item.post_id))
        problem = self._media_problem(relative)
        if problem:
            self.attachment_problems[item.post_id] = problem
            self.report.add_missing(url, problem)
            raise _Skip("file missing or unusable")
        path = self.media_dir / relative
        values = {
            "alt_text": attachment.alt,
            "caption": attachment.caption,
            "credit": attachment.credit,
        }
        with path.open("rb") as fh:
            upload = File(fh, name=path.name)
            try:
                validate_image_file(upload)
            except ValidationError as exc:
                problem = "unusable: " + " ".join(exc.messages)
                self.attachment_problems[item.post_id] = problem
                self.report.add_missing(url, problem)
                raise _Skip("file missing or unusable") from exc
            image = Image.objects.filter(import_source=self.source, import_id=item.post_id).first()
            if image is None:
                if self.dry_run:
                    self.images[item.post_id] = None
                    return _Outcome("created")
                image = Image(import_source=self.source, import_id=item.post_id, **values)
                upload.seek(0)
                image.file.save(path.name, upload, save=False)
                image.save()
                self.images[item.post_id] = image
                return _Outcome("created")
            changed = any(getattr(image, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(image, k, v)
            same_file = self._same_file(image, fh)
            if not same_file and not self.dry_run:
                upload.seek(0)
                image.file.save(path.name, upload, save=False)
            if (changed or not same_file) and not self.dry_run:
                image.save()
            self.images[item.post_id] = image
            return _Outcome("updated" if changed or not same_file else "unchanged")

    @staticmethod
    def _attached_file(item: WXRItem) -> str | None:
        value = item.meta_value("_wp_attached_file").strip("/")
        if not value or any(part in ("", ".", "..") for part in value.split("/")):
            return None
        return value

    def _media_problem(self, relative: str | None) -> str:
        if not relative:
            return "its address is not in a WordPress uploads folder"
        if self.media_dir is None:
            return "no --media-dir given"
        path = (self.media_dir / relative).resolve()
        if not path.is_relative_to(self.media_dir):
            return "its path leads outside the media directory"
        if not path.is_file():
            return f"not in the media directory (looked for {relative})"
        return ""

    @staticmethod
    def _same_file(image: Image, fh) -> bool:
        """Is the stored file what storing `fh` would store? Pictures are stored cleaned
        (core.images.clean_image, which gives the same bytes for the same file)."""
        try:
            with image.file.open("rb") as stored:
                stored_digest = _file_digest(stored)
        except (FileNotFoundError, ValueError):
            return False
        try:
            cleaned, _format = clean_image(fh)
        except ValidationError:
            return False
        return stored_digest == hashlib.sha256(cleaned).hexdigest()

    # -- pictures inside content -----------------------------------------------------

    def _attachment_for(self, attachment_id: str | None, src: str) -> str | None:
        if attachment_id and attachment_id in self.images:
            return attachment_id
        relative = uploads_path(src)
        if relative:
            return self.by_path.get(relative) or self.by_path.get(original_upload_path(relative))
        return attachment_id if attachment_id in self.attachments else None

    def _resolve_image(self, attachment_id: str | None, src: str) -> ImageRef | None:
        found = self._attachment_for(attachment_id, src)
        if found is None or found not in self.images:
            return None
        if found not in self._refs:
            image = self.images[found]
            if image is None:  # dry run: the picture would be imported
                attachment = self.attachments[found]
                self._refs[found] = ImageRef(attachment.url, "", None, None, attachment.alt)
            else:
                self._refs[found] = ImageRef(
                    src=image.src(1280),
                    srcset=image.srcset(),
                    width=image.width,
                    height=image.height,
                    alt=image.alt_text,
                )
        return self._refs[found]

    def _missing_reason(self, attachment_id: str | None, src: str) -> tuple[str, str]:
        """(address to list, why it is missing) for a picture the content could not show."""
        found = self._attachment_for(attachment_id, src)
        if found is not None:
            address = self.attachments[found].url if found in self.attachments else src
            return address, self.attachment_problems.get(found, "the attachment was not imported")
        if not src:
            return f"attachment {attachment_id}", "not in the export"
        if uploads_path(src) is None:
            return src, "not in the WordPress uploads (a picture from another site)"
        return src, "no attachment in the export has this file"

    # -- posts -----------------------------------------------------------------------

    def _publication(self, item: WXRItem):
        """(status, published_at, why it is kept as a draft or "")."""
        status = item.status or "draft"
        gmt = parse_wp_date(item.post_date_gmt)
        date = gmt.replace(tzinfo=UTC) if gmt else None
        if date is None and status in ("publish", "future", "private"):
            local = parse_wp_date(item.post_date)
            if local:
                date = timezone.make_aware(local, timezone.get_default_timezone())
        if status in ("trash", "auto-draft", "inherit"):
            raise _Skip(f"status {status}")
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

    def _sections_and_tags(self, item: WXRItem):
        section = None
        names: list[str] = []
        for term in item.terms:
            if term.domain == "category":
                mapped = self._section_for_category(term.nicename)
                if mapped is not None and section is None:
                    section = mapped
                if term.nicename in self.section_map:
                    continue
                if mapped is None and term.nicename == "uncategorized":
                    continue
                category = self.site.categories.get(term.nicename)
                names.append((category.name if category else "") or term.name or term.nicename)
            elif term.domain == "post_tag":
                names.append(term.name or self.site.tags.get(term.nicename, term.nicename))
        if section is None and self.default_section_name:
            section = self.sections[self.default_section_name]
        return section, names

    def _section_for_category(self, nicename: str) -> Section | None:
        seen = set()
        current = nicename
        while current and current not in seen:
            if current in self.section_map:
                return self.sections[self.section_map[current]]
            seen.add(current)
            category = self.site.categories.get(current)
            current = category.parent if category else ""
        return None

    def _tag(self, name: str) -> Tag | None:
        name = plain_text(name)[:100]
        if not name:
            return None
        key = name.lower()
        if key in self.tags:
            return self.tags[key]
        base = slugify(name)[:90] or "tag-" + hashlib.sha256(name.encode()).hexdigest()[:8]
        slug, n = base, 2
        while slug in self.tag_slugs:
            slug, n = f"{base}-{n}", n + 1
        # An ASCII slug: tag addresses are /tag/<slug>/.
        tag = Tag.objects.create(name=name, slug=slug)
        self.tag_slugs.add(slug)
        self._remember(self.tags, key, tag)
        return tag

    @staticmethod
    def _base_slug(item: WXRItem, title: str, max_length: int) -> str:
        """WordPress's slug, else the title's, as ASCII (addresses are /…/<slug>/); when
        neither has a letter left (a Greek slug loses every one) the WordPress id."""
        for candidate in (unquote(item.post_name), title):
            slug = slugify(candidate)[:max_length].strip("-")
            if re.search(r"[a-z]", slug):
                return slug
        return f"{item.post_type or 'post'}-{item.post_id}"[:max_length]

    def _slug(self, item: WXRItem, published_at, existing) -> str:
        base = self._base_slug(item, plain_text(item.title), 190)
        if published_at is None:
            return base
        day = timezone.localdate(published_at)
        own = existing.pk if existing is not None else None
        slug, n = base, 2
        while self.day_slugs.get((day, slug), own) != own:
            slug, n = f"{base}-{n}", n + 1
        return slug

    @staticmethod
    def _day_slug(article: Article):
        if article.published_at is None:
            return None
        return (timezone.localdate(article.published_at), article.slug)

    @staticmethod
    def _title(item: WXRItem) -> str:
        title = plain_text(item.title)
        if not title:
            words = unquote(item.post_name).replace("-", " ").strip()
            title = words[:1].upper() + words[1:] if words else f"Untitled ({item.post_id})"
        return truncate_words(title, 200)

    def _convert(self, item: WXRItem):
        """Content conversion: pure Python over what the first pass collected, no database,
        so it can run in a helper thread while the previous item is being written."""
        return convert_content(
            item.content,
            post_id=item.post_id,
            attachments=self.attachments,
            children=self.children_ordered,
            resolve_image=self._resolve_image,
            attachment_pages=self.attachment_pages,
        )

    def _content(self, item: WXRItem, label: str) -> tuple[str, bool]:
        pending = self.conversions.pop(id(item), None)
        conversion = pending.result() if pending is not None else self._convert(item)
        for missing in conversion.missing_images:
            address, reason = self._missing_reason(missing.attachment_id, missing.src)
            self.report.add_missing(address, reason, label)
        return conversion.html, bool(conversion.missing_images)

    def _import_post(self, item: WXRItem) -> _Outcome:
        status, published_at, kept_draft = self._publication(item)
        title = self._title(item)
        label = f"post {item.post_id}"
        existing = self._existing_article(item)
        body, missing = self._content(item, label)
        lead_id, lead_pending, lead_missing = self._lead_image(item, label)
        section, tag_names = self._sections_and_tags(item)
        author = self._author_for(item.creator)
        authors = [author] if author else []
        tags = list({tag.pk: tag for tag in map(self._tag, tag_names) if tag}.values())
        values = {
            "title": title,
            "slug": self._slug(item, published_at, existing),
            "standfirst": truncate_words(plain_text(item.excerpt), 400),
            "body": clean_html(body),
            "status": status,
            "published_at": published_at,
            "featured": item.is_sticky,
            "section_id": section.pk if section else None,
            "lead_image_id": lead_id,
        }
        if existing is None:
            article = Article(import_source=self.source, import_id=item.post_id[:64], **values)
            # Written right the first time: no second write of the row to index the names.
            article.search_names = _search_names(tags, authors)
            article.save()
            self._remember(self.article_ids, item.post_id, article.pk)
            if self._day_slug(article):
                self._remember(self.day_slugs, self._day_slug(article), article.pk)
            self.names_changed.append(article.pk)  # a no-op unless collations differ
            changed = True
        else:
            article = existing
            changed = lead_pending
            old_key = self._day_slug(article)
            for name, value in values.items():
                if not _same(name, getattr(article, name), value):
                    setattr(article, name, value)
                    changed = True
            if changed:
                article.save()
                new_key = self._day_slug(article)
                if old_key != new_key:
                    self.day_slugs.pop(old_key, None)
                    if new_key:
                        self._remember(self.day_slugs, new_key, article.pk)
        changed |= self._links(article, existing, [a.pk for a in authors], [t.pk for t in tags])
        changed |= self._redirects(article, item)
        if kept_draft:
            self.report.kept_as_draft.append(f"post {item.post_id} “{title}” ({kept_draft})")
        outcome = "created" if existing is None else "updated" if changed else "unchanged"
        return _Outcome(outcome, missing=missing or lead_missing)

    @staticmethod
    def _articles(pks):
        """Articles with their byline author ids (in order) and tag ids, in one query."""
        if not pks:
            return []
        bylines = ArticleAuthor.objects.filter(article=OuterRef("pk")).order_by("position", "id")
        tags = TaggedArticle.objects.filter(content_object=OuterRef("pk")).order_by("tag_id")
        return (
            Article.objects.defer("search_vector")
            .annotate(
                byline_ids=ArraySubquery(bylines.values("author_id")),
                tag_ids=ArraySubquery(tags.values("tag_id")),
            )
            .filter(pk__in=pks)
        )

    def _existing_article(self, item: WXRItem) -> Article | None:
        """This post's article from an earlier run (or earlier in this one), fresh."""
        pk = self.article_ids.get(item.post_id)
        if pk is None:
            return None
        # Taken out of the read-ahead batch: a post listed twice is fetched again.
        article = self.prefetched.pop(item.post_id, None)
        return article if article is not None else self._articles([pk]).get()

    def _lead_image(self, item: WXRItem, label: str):
        """(Image id or None, whether a dry run would add one, whether it is missing)."""
        thumbnail = item.meta_value("_thumbnail_id")
        if not thumbnail or thumbnail == "0":
            return None, False, False
        if thumbnail in self.images:
            image = self.images[thumbnail]
            return (image.pk, False, False) if image is not None else (None, True, False)
        if thumbnail in self.attachments:
            address = self.attachments[thumbnail].url
            reason = self.attachment_problems.get(thumbnail, "the attachment was not imported")
        else:
            address, reason = f"attachment {thumbnail}", "featured image not in the export"
        self.report.add_missing(address, reason, f"{label} (featured image)")
        return None, False, True

    def _links(self, article, existing, author_ids: list[int], tag_ids: list[int]) -> bool:
        """Bylines (in order) and tags, written only where they differ."""
        current_authors = list(existing.byline_ids) if existing is not None else []
        current_tags = set(existing.tag_ids) if existing is not None else set()
        authors_changed = current_authors != author_ids
        tags_changed = current_tags != set(tag_ids)
        if not authors_changed and not tags_changed:
            return False
        if existing is not None:
            if authors_changed:
                ArticleAuthor.objects.filter(article=article).delete()
            if tags_changed:
                TaggedArticle.objects.filter(content_object=article).exclude(
                    tag_id__in=tag_ids
                ).delete()
            self.names_changed.append(article.pk)
        _insert_links(
            article.pk,
            author_ids if authors_changed else [],
            [pk for pk in tag_ids if pk not in current_tags],
        )
        return True

    def _redirects(self, article: Article, item: WXRItem) -> bool:
        """The WordPress permalink (and any slugs the post had before) → the new address."""
        paths = []
        permalink = old_path(item.link)
        if permalink:
            paths.append(permalink)
            trimmed = permalink.rstrip("/")
            current_slug = unquote(item.post_name)
            if current_slug and trimmed.endswith("/" + current_slug):
                stem = trimmed[: -len(current_slug)]
                ending = "/" if permalink.endswith("/") else ""
                paths += [f"{stem}{old}{ending}" for old in item.meta.get("_wp_old_slug", [])]
        new_url = article.get_absolute_url()
        paths = [p for p in dict.fromkeys(paths) if p != new_url and len(p) <= 500]
        if not paths:
            return False
        added = False
        for path in paths:
            if path not in self.redirects:
                ArticleRedirect.objects.create(old_path=path, article=article)
                self._remember(self.redirects, path, article.pk)
                added = True
            elif self.redirects[path] != article.pk:
                self.report.notes.append(
                    f"{path} already redirects to another article; post {item.post_id} "
                    "did not take it over."
                )
        return added

    # -- pages -----------------------------------------------------------------------

    def _import_page(self, item: WXRItem) -> _Outcome:
        if self.page_model is None:
            raise _Skip("no page model")
        if item.status in ("trash", "auto-draft", "inherit"):
            raise _Skip(f"status {item.status}")
        label = f"page {item.post_id}"
        title = self._title(item)[:120]
        body, missing = self._content(item, label)
        is_published = item.status == "publish" and not item.password
        if item.status in ("private", "future") or item.password:
            why = "password-protected" if item.password else item.status
            self.report.kept_as_draft.append(f"page {item.post_id} “{title}” ({why})")
        slug = self._page_slug(item)
        values = {
            "title": title,
            "body": clean_html(body),
            "seo_description": truncate_words(plain_text(item.excerpt), 200),
            "is_published": is_published,
        }
        page = self.page_model.objects.filter(slug=slug).first()
        if page is None:
            self.page_model.objects.create(slug=slug, **values)
            return _Outcome("created", missing=missing)
        changed = False
        for name, value in values.items():
            if not _same(name, getattr(page, name), value):
                setattr(page, name, value)
                changed = True
        if changed:
            page.save()
        return _Outcome("updated" if changed else "unchanged", missing=missing)

    def _page_slug(self, item: WXRItem) -> str:
        """The page's address, /<slug>/: WordPress's own unless another page of this export
        or another part of the site has it, then with the WordPress id added."""
        if item.post_id in self.page_slugs:
            return self.page_slugs[item.post_id]
        slug = base = self._base_slug(item, plain_text(item.title), 80)
        taken_here = slug in self.page_slugs.values()
        if taken_here or not self._page_address_free(slug):
            slug = f"{base[: 79 - len(item.post_id)]}-{item.post_id}"
        self.page_slugs[item.post_id] = slug
        return slug

    def _page_address_free(self, slug: str) -> bool:
        """The page model's own check that /<slug>/ is not another part of the site."""
        try:
            self.page_model(slug=slug, title=slug).clean()
        except ValidationError:
            return False
        return True


# ---------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = _HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported.")
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads folder. An attachment at "
            ".../wp-content/uploads/2013/09/x.jpg (or .../x.files.wordpress.com/2013/09/x.jpg)"
            " is read from <media-dir>/2013/09/x.jpg. Without it, or when a file is missing "
            "or unusable, articles import without that picture and the summary lists it.",
        )
        parser.add_argument(
            "--section-map",
            default="",
            help='Category slugs to section names: "news=News,air-force=Air". Sections are '
            "created when missing. Child categories take their nearest mapped ancestor's "
            "section; unmapped categories become tags.",
        )
        parser.add_argument(
            "--default-section",
            default="",
            help="The section for posts with no mapped category (default: none).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and report what would happen, writing nothing.",
        )

    def handle(self, *args, **options):
        importer = WordPressImporter(
            options["export"],
            media_dir=options["media_dir"],
            section_map=parse_section_map(options["section_map"]),
            default_section=options["default_section"].strip(),
            dry_run=options["dry_run"],
            progress=Progress(self.stderr, enabled=options["verbosity"] > 0),
        )
        report = importer.run()
        self.stdout.write(report.render(), ending="")
