"""The WordPress importer: an export's authors, pictures, posts and pages into the site.

The export is read twice, streaming both times (memory stays flat on a 1 GB file): the first
pass imports authors and attachments (pictures must exist before the posts that show them),
the second posts and pages. Each item imports in its own transaction; a broken one is
reported and skipped. Everything is keyed on the site's address and the WordPress id (the
`import_source` and `import_id` fields), so a second run updates what changed and reports
the rest as unchanged.

Only rows the importer created are ever changed. An existing article, page, picture or
author is found by its import key, never by its slug: when an imported post or page wants an
address that content written on this site already has, it is imported at a free address and
the report says so, and the other row is left exactly as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, ArticleRedirect, Section, TaggedArticle
from articles.search_names import refresh_search_names
from articles.teasers import refresh_teaser_bylines
from core.db import fast_commit
from media import renditions
from media.figures import sync_pictures

from . import fingerprints
from .bylines import AuthorImporter
from .convert import ConvertedPost, ExportContext, Skipped, convert_post
from .fingerprints import ARTICLE_FIELDS, EditGuard, KeptEdited
from .media import attachment_page_keys
from .pages import PageImporter
from .pictures import Pictures
from .report import Outcome, Progress, Report
from .text import plain_text
from .writes import insert_links, same_value, search_names
from .wxr import WXRError, WXRItem, WXRSite, read_export

READ_AHEAD = 250  # posts and pages held in memory at once, so existing articles come in bulk


class ImportRefused(Exception):
    """The import cannot start, or cannot go on: the file or the media folder is unusable."""


class WordPressImporter:
    def __init__(
        self,
        path,
        *,
        media_dir=None,
        section_map=None,
        default_section=None,
        dry_run=False,
        overwrite_edited=False,
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
        self.edits = EditGuard(self.report, overwrite=overwrite_edited, dry_run=dry_run)
        self.pictures = Pictures(media_dir=self.media_dir, dry_run=dry_run, report=self.report)
        self.pictures.edits = self.edits
        self.authors = AuthorImporter(self)
        self.pages = PageImporter(self)
        # Filled by the first pass.
        self.sections: dict[str, Section] = {}
        self.counts = Counter()
        self.context = ExportContext()
        self.tags: dict[str, Tag] = {}
        self.tag_slugs: set[str] = set()
        # Loaded once when the import starts, so a post costs no look-ups: this site's
        # imported articles, every (publication day, slug) taken, every old address.
        self.article_ids: dict[str, int] = {}
        self.day_slugs: dict[tuple, int] = {}
        self.redirects: dict[str, int] = {}
        self.names_changed: list[int] = []  # articles whose tags or bylines were rewritten
        self.prefetched: dict[str, Article] = {}
        self.conversions: dict = {}
        self.converter = None
        self._pending: list[tuple[dict, str]] = []

    # -- running ---------------------------------------------------------------------

    def run(self) -> Report:
        if not self.path.is_file():
            raise ImportRefused(f"No such file: {self.path}")
        if self.media_dir and not self.media_dir.is_dir():
            raise ImportRefused(f"--media-dir is not a directory: {self.media_dir}")
        try:
            # Pictures are stored as originals; their renditions are enqueued once every
            # post is written (media.renditions.collect), for a worker to make.
            if self.dry_run:
                # One transaction, rolled back: later items see earlier ones, nothing stays.
                with transaction.atomic():
                    with renditions.collect():
                        self._run()
                    transaction.set_rollback(True)
            else:
                with renditions.collect() as pictures:
                    self._run()
                if pictures:
                    self.report.notes.append(
                        f"Renditions of {len(set(pictures))} picture(s) enqueued: a worker "
                        "(manage.py db_worker) makes them; pages show the originals until then."
                    )
        except WXRError as exc:
            written = "" if self.dry_run else " Items read before the problem were imported."
            raise ImportRefused(f"{self.path.name}: {exc}{written}") from exc
        return self.report

    def _run(self):
        self.progress.start("Reading authors and attachments")
        for obj in read_export(self.path):
            if isinstance(obj, WXRSite):
                self._start(obj)
                continue
            self.progress.step()
            if obj.post_type == "attachment":
                self._item("attachments", obj, self.pictures.import_attachment)
            elif obj.post_type in ("post", "page"):
                self.counts[obj.post_type] += 1
            else:
                self.report.ignored[obj.post_type or "untyped item"] += 1
        self.progress.finish()
        self.context = ExportContext(
            attachments=self.pictures.attachments,
            children=self.pictures.children_ordered(),
            attachment_pages=attachment_page_keys(self.pictures.attachments.values()),
            resolve_image=self.pictures.resolve_image,
            categories=self.site.categories,
            tags=self.site.tags,
            section_map=self.section_map,
            default_section=self.default_section_name,
        )
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
        self.conversions = {
            id(item): self.converter.submit(convert_post, item, self.context) for item in window
        }
        for item in window:
            if item.post_type == "post":
                self._item("posts", item, self._import_post)
            else:
                self._item("pages", item, self.pages.import_page)
            self.progress.step()
        self.prefetched = {}
        self.conversions = {}
        window.clear()
        self._refresh_search_names()

    def _refresh_search_names(self):
        """Bylines and tags rewritten on a second run are written without signals: bring
        the search index's names and the teasers' bylines up to date, many rows a statement."""
        if self.names_changed:
            refresh_search_names(self.names_changed)
            refresh_teaser_bylines(self.names_changed)
            self.names_changed.clear()

    def _item(self, kind, item, importer):
        """One item, in its own transaction: a failure rolls back that item alone."""
        tally = self.report.tallies[kind]
        try:
            if not item.post_id:
                raise ValueError("the item has no wp:post_id")
            # Its commit does not wait for the disk: a crash of the database server can
            # lose only the last fraction of a second of items, which a second run
            # imports again (the import is idempotent).
            with fast_commit():
                result = importer(item)
        except Skipped as skip:
            self._forget_pending()
            tally.count("skipped", skip.reason)
            return
        except KeptEdited as kept:
            self._forget_pending()
            self.report.kept_edited.append(kept.entry)
            tally.count("kept")
            return
        except Exception as exc:
            self._forget_pending()
            title = plain_text(item.title)
            label = f"{kind[:-1]} {item.post_id or '?'}" + (f" “{title}”" if title else "")
            self.report.failures.append(f"{label}: {type(exc).__name__}: {exc}")
            tally.count("failed")
            return
        self._pending.clear()
        self.authors.commit_pending()
        tally.count(result.outcome)
        if result.missing:
            tally.missing_media += 1

    def remember(self, cache: dict, key, value) -> None:
        """Cache an object created inside the current item's transaction; forgotten if the
        transaction rolls back."""
        cache[key] = value
        self._pending.append((cache, key))

    def _forget_pending(self):
        for cache, key in self._pending:
            cache.pop(key, None)
        self._pending.clear()
        self.authors.forget_pending()

    # -- header: site, sections, authors ---------------------------------------------

    def _start(self, site: WXRSite):
        self.site = site
        self.source = site.source[:200]
        if not self.source:
            raise WXRError("the export names no site (no <wp:base_blog_url> and no <link>).")
        self.pictures.source = self.source
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
            self.authors.import_author(author)

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

    # -- posts -----------------------------------------------------------------------

    def converted(self, item: WXRItem, label: str) -> ConvertedPost:
        """The item as `convert_post` made it (in the helper thread when it could), with the
        pictures its content could not show listed in the report."""
        pending = self.conversions.pop(id(item), None)
        post = pending.result() if pending is not None else convert_post(item, self.context)
        for missing in post.missing_images:
            address, reason = self.pictures.missing_reason(missing.attachment_id, missing.src)
            self.report.add_missing(address, reason, label)
        return post

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
        self.remember(self.tags, key, tag)
        return tag

    def _slug(self, post: ConvertedPost, existing: Article | None) -> str:
        """The post's slug, unique on its publication day: another article of that day
        keeps its address, and this one takes the next free `-2`, `-3`…"""
        if post.published_at is None:
            return post.slug
        day = timezone.localdate(post.published_at)
        own = existing.pk if existing is not None else None
        slug, n = post.slug, 2
        while self.day_slugs.get((day, slug), own) != own:
            slug, n = f"{post.slug}-{n}", n + 1
        holder = self.day_slugs.get((day, post.slug))
        if (
            slug != post.slug
            and holder not in self.article_ids.values()
            and (existing is None or existing.slug != slug)
        ):
            self.report.notes.append(
                f"post {post.post_id} “{post.title}”: an article the import did not create "
                f"has the address {post.slug} on {day:%Y-%m-%d}; imported as {slug}, and "
                "that article was left as it was."
            )
        return slug

    @staticmethod
    def _day_slug(article: Article):
        if article.published_at is None:
            return None
        return (timezone.localdate(article.published_at), article.slug)

    def _import_post(self, item: WXRItem) -> Outcome:
        label = f"post {item.post_id}"
        post = self.converted(item, label)
        existing = self._existing_article(item)
        lead_id, lead_pending, lead_missing = self.pictures.lead_image(post.lead_image_id, label)
        section = self.sections[post.section] if post.section else None
        author = self.authors.byline(post.author_login)
        authors = [author] if author else []
        tags = list({tag.pk: tag for tag in map(self._tag, post.tag_names) if tag}.values())
        values = {
            "title": post.title,
            "slug": self._slug(post, existing),
            "standfirst": post.excerpt,
            "body": post.body,
            "status": post.status,
            "published_at": post.published_at,
            "featured": post.featured,
            "section_id": section.pk if section else None,
            "lead_image_id": lead_id,
        }
        current = None  # the fingerprinted values of an existing article, as it is
        if existing is None:
            article = Article(import_source=self.source, import_id=item.post_id[:64], **values)
            # Written right the first time: no second write of the row to index the names.
            article.search_names = search_names(tags, authors)
            article.teaser_bylines = [[author.slug, author.name] for author in authors]
            article.save()
            self.remember(self.article_ids, item.post_id, article.pk)
            if self._day_slug(article):
                self.remember(self.day_slugs, self._day_slug(article), article.pk)
            self.names_changed.append(article.pk)  # a no-op unless collations differ
            changed = True
        else:
            article = existing
            current = self._check_edits(existing, values, authors, tags, label)
            changed = lead_pending
            old_key = self._day_slug(article)
            for name, value in values.items():
                if not same_value(name, getattr(article, name), value):
                    if name == "body" and same_value(name, article.body, sync_pictures(value)):
                        continue  # only what saving writes from the media library (credits)
                    setattr(article, name, value)
                    changed = True
            if changed:
                article.save()
                new_key = self._day_slug(article)
                if old_key != new_key:
                    self.day_slugs.pop(old_key, None)
                    if new_key:
                        self.remember(self.day_slugs, new_key, article.pk)
        changed |= self._links(article, existing, [a.pk for a in authors], [t.pk for t in tags])
        changed |= self._redirects(article, post)
        # Unchanged: what the fingerprint covers is what _check_edits read (no second parse).
        written = changed or existing is None
        fingerprints.store(
            article, self._article_values(article, authors, tags) if written else current
        )
        self.edits.written(article)
        if post.kept_draft:
            self.report.kept_as_draft.append(f"{label} “{post.title}” ({post.kept_draft})")
        outcome = "created" if existing is None else "updated" if changed else "unchanged"
        return Outcome(outcome, missing=bool(post.missing_images) or lead_missing)

    @staticmethod
    def _article_values(article, authors, tags) -> dict:
        """What the fingerprint of an article covers: its fields, bylines and tags."""
        return fingerprints.values(
            article,
            ARTICLE_FIELDS,
            bylines=[a.pk for a in authors],
            tags=sorted(t.pk for t in tags),
        )

    def _check_edits(self, existing: Article, fields: dict, authors, tags, label: str) -> dict:
        """Stops here (KeptEdited) when the article was edited on this site since the import,
        unless --overwrite-edited (then a revision of the edit is saved first). Returns the
        article's fingerprinted values as they are."""
        current = fingerprints.values(
            existing,
            ARTICLE_FIELDS,
            bylines=list(existing.byline_ids),
            tags=sorted(existing.tag_ids),
        )
        labels = {**ARTICLE_FIELDS, "bylines": "bylines", "tags": "tags"}
        self.edits.check(
            existing,
            current,
            lambda: self._article_values(Article(**fields), authors, tags),
            labels,
            f"{label} “{existing.title}”",
        )
        return current

    @staticmethod
    def _articles(pks):
        """Articles with their byline author ids (in order) and tag ids, in one query."""
        if not pks:
            return []
        bylines = ArticleAuthor.objects.filter(article=OuterRef("pk")).order_by("position", "id")
        tags = TaggedArticle.objects.filter(content_object=OuterRef("pk")).order_by("tag_id")
        return (
            Article.objects.without_search_columns()
            .annotate(
                byline_ids=ArraySubquery(bylines.values("author_id")),
                tag_ids=ArraySubquery(tags.values("tag_id")),
            )
            .filter(pk__in=pks)
        )

    def _existing_article(self, item: WXRItem) -> Article | None:
        """This post's article from an earlier run (or earlier in this one), fresh: found by
        its import key, never by its slug."""
        pk = self.article_ids.get(item.post_id)
        if pk is None:
            return None
        # Taken out of the read-ahead batch: a post listed twice is fetched again.
        article = self.prefetched.pop(item.post_id, None)
        return article if article is not None else self._articles([pk]).get()

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
        insert_links(
            article.pk,
            author_ids if authors_changed else [],
            [pk for pk in tag_ids if pk not in current_tags],
        )
        return True

    def _redirects(self, article: Article, post: ConvertedPost) -> bool:
        """The WordPress permalink (and any slugs the post had before) → the new address."""
        new_url = article.get_absolute_url()
        paths = [p for p in post.old_paths if p != new_url and len(p) <= 500]
        added = False
        for path in paths:
            if path not in self.redirects:
                ArticleRedirect.objects.create(old_path=path, article=article)
                self.remember(self.redirects, path, article.pk)
                added = True
            elif self.redirects[path] != article.pk:
                self.report.notes.append(
                    f"{path} already redirects to another article; post {post.post_id} "
                    "did not take it over."
                )
        return added
