import re
from html import unescape

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from authors.models import Author
from core.links import instance_url, quick_reverse
from core.models import CreatedBy, ImportKey, TimedQuerySet
from core.sanitize import clean_html
from media.figures import keep_typed_descriptions, sync_pictures
from media.models import Image

from . import search_columns
from .querysets import ArticleQuerySet, detail_prefetches, tag_links

# This app's other models, defined beside it and registered through this module.
from .records import ArticleRedirect, EditSession, PreviewLink  # noqa: F401

READING_WORDS_PER_MINUTE = 230  # a common figure for adults reading news on screen
TAG = re.compile(r"<[^>]*>")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class SectionQuerySet(models.QuerySet):
    def in_navigation(self):
        """Sections with at least one published article: an empty section keeps its page
        but stays out of the navigation and the front page. One EXISTS per section on the
        section/date index, so the cost does not grow with the archive."""
        published = Article.objects.published().filter(section=OuterRef("pk"))
        return self.filter(models.Exists(published))


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences for the section page."
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in navigation and on the front page."
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return instance_url(self, "articles:section", slug=self.slug)


class Article(ImportKey, CreatedBy):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, help_text="Part of the address. Unique per publication day."
    )
    standfirst = models.CharField(
        max_length=400, blank=True, help_text="One sentence under the headline (the dek)."
    )
    body = models.TextField(blank=True)
    lead_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="lead_for"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(through="TaggedArticle", blank=True)
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Published with a time in the future means scheduled: readers see it from "
        "that moment.",
    )
    content_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text='Set for a substantive update after publication; readers see "Updated".',
    )
    featured = models.BooleanField(default=False, help_text="Lead the front page with it.")
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="For search results; defaults to the title.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=200,
        blank=True,
        help_text="For search results and shares; defaults to the standfirst.",
    )
    canonical_url = models.URLField(
        "canonical URL",
        max_length=500,
        blank=True,
        help_text="Only when this article first appeared elsewhere: that address.",
    )
    exclude_from_news = models.BooleanField(
        "keep out of Google News",
        default=False,
        help_text="Adds googlebot-news noindex and leaves the article out of the news sitemap.",
    )
    # Tag and author names for full-text search. The generated search column can read only
    # its own row, so this plain column is rewritten (articles.search_names.refresh_search_names)
    # whenever an article's tags or bylines change, or an author is renamed.
    search_names = models.TextField(blank=True, editable=False, default="")
    # The byline as listings' teasers show it, [[author slug, name], ...] in byline order,
    # so a listing reads no bylines or authors: rewritten by
    # articles.teasers.refresh_teaser_bylines when a byline or an author changes.
    teaser_bylines = models.JSONField(default=list, blank=True, editable=False)
    search_vector = search_columns.search_vector()
    body_passages = search_columns.body_passages()  # search result snippets
    passage_vectors = search_columns.passage_vectors()
    # Optimistic locking: every save through the admin bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta(ImportKey.Meta):
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                TruncDate("published_at"), "slug", name="article_unique_slug_per_day"
            ),
            *ImportKey.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(fields=["section", "-published_at"], name="article_section_pub_idx"),
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            GinIndex(OpClass(Lower("title"), name="gin_trgm_ops"), name="article_title_trgm_gin"),
            # The articles sitemap's lastmod: the newest change, read backwards until the
            # first published article, not a scan of the archive.
            models.Index(fields=["-modified"], name="article_modified_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitised, then each library picture given its size and its image's credit.
        self.body = sync_pictures(clean_html(self.body))
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            keep_typed_descriptions(self.body)  # alt text and captions typed in the editor

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("articles:draft", kwargs={"pk": self.pk})
        return quick_reverse("articles:detail", **self.address_kwargs())

    def address_kwargs(self):
        """The date and slug in the article's address (articles:detail and the pages under
        it); only for an article with a publication date."""
        day = timezone.localtime(self.published_at)
        return {
            "year": day.year,
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
            "slug": self.slug,
        }

    def clean(self):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.published_at and self.slug:
            clash = Article.objects.filter(
                slug=self.slug, published_at__date=timezone.localdate(self.published_at)
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"slug": "Another article published that day already uses this address."}
                )

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and (self.published_at <= timezone.now())
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at
            and (self.published_at > timezone.now())
        )

    @property
    def was_updated(self):
        return bool(
            self.content_updated_at
            and self.published_at
            and self.content_updated_at > self.published_at
        )

    @cached_property
    def reading_minutes(self):
        """Minutes to read the standfirst and body at READING_WORDS_PER_MINUTE, at least 1.
        The body is sanitised HTML, so dropping its tags leaves only text to count."""
        text = f"{self.standfirst} {TAG.sub(' ', self.body)}"
        return max(1, round(len(WORD.findall(text)) / READING_WORDS_PER_MINUTE))

    @cached_property
    def byline_authors(self):
        """Authors in byline order; uses the prefetched bylines when present."""
        return [b.author for b in self.bylines.all()]

    @property
    def summary(self):
        return self.seo_description or self.standfirst

    @property
    def meta_title(self):
        """The <title> and sharing title: the SEO title, else the headline."""
        return self.seo_title or self.title

    @property
    def meta_description(self):
        """The meta description and sharing text: the SEO description, else the standfirst,
        else the opening of the body as plain text."""
        if self.summary:
            return self.summary
        text = " ".join(unescape(strip_tags(self.body)).split())
        return Truncator(text).chars(160)

    def get_canonical_url(self):
        """The absolute address search engines should index: the editor's canonical URL
        override when the article first appeared elsewhere, else this site's address."""
        return self.canonical_url or f"{settings.SITE_URL}{self.get_absolute_url()}"

    def visible_corrections(self, position=None):
        """The corrections readers see (`Correction.objects.visible()`), oldest first,
        optionally only those at one position. After for_detail() they come from its
        prefetch, with no query of their own."""
        found = getattr(self, "prefetched_corrections", None)
        if found is None:
            found = self.corrections.visible().order_by("published_at", "id")
        return [c for c in found if position is None or c.position == position]

    @property
    def modified_for_readers(self):
        """When readers last saw the article change: its publication, a substantive update
        or the newest published correction, whichever is latest. dateModified in the
        structured data, article:modified_time and the feeds' updated date. After
        for_detail() no query of its own."""
        moments = [self.content_updated_at if self.was_updated else self.published_at]
        moments += [correction.published_at for correction in self.visible_corrections()]
        moments = [moment for moment in moments if moment is not None]
        return max(moments) if moments else None

    @property
    def corrections_top(self):
        """Corrections shown right under the headline."""
        return self.visible_corrections(Correction.Position.TOP)

    @property
    def corrections_end(self):
        """Corrections shown after the body."""
        return self.visible_corrections(Correction.Position.END)

    def reader_tags(self):
        """The tags in the order they were given (taggit's own prefetch has no order): from
        the links for_detail() prefetches with their tags, else one query."""
        links = self.tagged_items.all()
        if "tagged_items" not in getattr(self, "_prefetched_objects_cache", {}):
            links = tag_links(links)
        return [link.tag for link in links]

    def prefetch_detail(self):
        """Read what for_detail() would have prefetched, into this article (three queries)."""
        models.prefetch_related_objects([self], *detail_prefetches(Article))

    # related(): how many published articles, up to this one's publication, are scored.
    RELATED_WINDOW = 200

    def related(self, limit=4):
        """Teasers for the foot of the page: most shared tags first, then the same section,
        then the newest. Never this article, never unpublished work. One query (plus the
        listing's prefetches) of bounded cost whatever the size of the archive: candidates
        are the RELATED_WINDOW published articles up to this one's publication time, the
        newest few of its section and the newest few overall, each read backwards through
        an index and stopped early; each candidate's shared tags are counted through the
        (article, tag) index. See bench/README.md for the plan."""
        tag_ids = [link.tag_id for link in self.tagged_items.all()]
        others = Article.objects.published().exclude(pk=self.pk).order_by("-published_at", "-id")
        same_section = Q(section_id=self.section_id) if self.section_id else Q(pk__in=[])
        shared_tags = Coalesce(
            Subquery(
                TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tag_ids)
                .values("content_object_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

        def part(articles, count):
            return articles.annotate(
                hit=shared_tags if tag_ids else models.Value(0),
                same=models.Case(
                    models.When(same_section, then=1), default=0, output_field=models.IntegerField()
                ),
            ).values_list("pk", "published_at", "hit", "same")[:count]

        parts = [part(others, limit)]
        if self.published_at:
            parts.append(
                part(others.filter(published_at__lte=self.published_at), self.RELATED_WINDOW)
            )
        if self.section_id:
            parts.append(part(others.filter(section_id=self.section_id), limit))
        sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
        best = RawSQL(  # noqa: S611 (the inner SQL and its parameters come from the ORM)
            f"SELECT c.pk FROM ({sql}) c GROUP BY c.pk "  # noqa: S608 (SQL built by the ORM)
            "ORDER BY max(c.hit) DESC, max(c.same) DESC, max(c.published_at) DESC, c.pk DESC "
            "LIMIT %s",
            (*params, limit),
        )
        return (
            Article.objects.filter(pk__in=best)
            .annotate(
                shared_tags=shared_tags if tag_ids else models.Value(0),
                same_section=models.Case(
                    models.When(same_section, then=1), default=0, output_field=models.IntegerField()
                ),
            )
            .for_teasers()
            .order_by("-shared_tags", "-same_section", "-published_at", "-id")
        )


def listing_key_field():
    """The linked article's `published_at` while it is published, NULL otherwise: a copy
    that PostgreSQL triggers keep (migration 0012), whoever writes the rows (the admin,
    taggit, the importer's raw INSERTs, COPY), so that an author's or tag's listing reads
    one index from now backwards. Without it the listing walks every article newest first
    and probes each for the author or tag (880 articles read for 22 shown at 100,000).
    Only an ordering key: `Article.objects.published()` stays the visibility rule."""
    return models.DateTimeField(null=True, editable=False)


class ArticleAuthor(models.Model):
    """A byline: which author, in which position (co-authors allowed)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)
    published_at = listing_key_field()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author"),
        ]
        indexes = [
            # "Has this author published anything?" (the authors index) stops at the first
            # byline with an index-only scan; on author_id alone PostgreSQL builds a bitmap
            # of every byline the author has (21.8 ms against 0.8 ms at 100,000 articles).
            models.Index(fields=["author", "article"], name="byline_author_article_idx"),
            # The author page: this author's bylines from now backwards, already in the
            # listing's order (ArticleQuerySet.listed_through).
            models.Index(
                fields=["author", "-published_at", "-article"], name="byline_author_pub_idx"
            ),
        ]
        verbose_name = "byline"

    def __str__(self):
        return f"{self.author} on {self.article}"


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items"
    )
    published_at = listing_key_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique"),
        ]
        indexes = [
            # The tag page, as byline_author_pub_idx is the author page's.
            models.Index(
                fields=["tag", "-published_at", "-content_object"], name="tagged_article_pub_idx"
            ),
        ]


class CorrectionQuerySet(TimedQuerySet):
    """Which corrections readers see: core's rule for dated rows (`visible()`, a future
    `published_at` hides one until then; `upcoming()`). Lists of corrections across
    articles combine it with `Article.objects.published()`."""


class Correction(CreatedBy):
    """A public, dated correction, clarification or note appended to an article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor’s note"
        RETRACTION = "retraction", "Retraction"

    class Position(models.TextChoices):
        END = "end", "At the end of the article"
        TOP = "top", "At the top of the article"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right, in plain words.")
    published_at = models.DateTimeField(
        default=timezone.now,
        help_text="Shown with the correction; a future time hides it until then.",
    )
    position = models.CharField(max_length=10, choices=Position.choices, default=Position.END)
    # Set when the correction was published together with a change to the article's text
    # (feedback's "publish correction" screen): readers can see what that revision changed.
    revision = models.ForeignKey(
        "reversion.Revision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="corrections",
        help_text="The revision that changed the article's text with this correction.",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}”"

    def save(self, *args, **kwargs):
        """A new or changed correction changes the article: bump its modified date (one
        UPDATE, so the article's own save logic and version are left alone)."""
        super().save(*args, **kwargs)
        Article.objects.filter(pk=self.article_id).update(modified=timezone.now())

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def get_changes_url(self):
        """The public page showing what the correction changed in the article's text, or ""
        when it changed none (a note, or a correction made without editing the text)."""
        if self.revision_id is None or self.article.published_at is None:
            return ""
        return reverse(
            "articles:correction_changes",
            kwargs={**self.article.address_kwargs(), "revision": self.revision_id},
        )
