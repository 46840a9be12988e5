"""Live blogs: an article whose coverage goes on in short, dated updates.

A `LiveBlog` row turns an article into a live blog (its coverage start and, once an
editor ends it, its end); each `LiveUpdate` is one entry, its own row, so several editors
post at once without touching the article or each other. An `UpdateCorrection` is a
dated correction shown on the update it corrects, as `articles.Correction` is on an
article (with the same kinds); all three are visible once their time has passed
(core.models.TimedQuerySet).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles.models import Article, Correction
from authors.models import Author
from core.models import CreatedBy, TimedQuerySet
from core.sanitize import clean_html


def is_live_between(start, end, now=None):
    """The one rule for "live now", on a live blog's coverage times: started, and not
    ended (an end in the future is still live). LiveBlog.is_live, the reader pages'
    Coverage (pages.py) and, in SQL, LiveBlogQuerySet.covering_now() apply it."""
    now = now or timezone.now()
    return start <= now and (end is None or end > now)


class LiveBlogQuerySet(models.QuerySet):
    def live(self):
        """Live blogs readers see live now: a published article whose coverage is live
        (is_live_between)."""
        return self.covering_now().filter(article__in=Article.objects.published())

    def live_article_ids(self):
        """The ids of the articles live() would give, read from this table alone (its
        coverage times): the caller reads the articles by primary key and applies
        Article.objects.published() there (the news sitemap)."""
        return self.covering_now().values_list("article_id", flat=True)

    def covering_now(self):
        """is_live_between() as a filter: coverage started, and not ended or ending later."""
        return self.not_ended().filter(coverage_start__lte=timezone.now())

    def not_ended(self):
        """Coverage with no end, or one still to come (started or not)."""
        return self.filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=timezone.now()))


class LiveBlog(CreatedBy):
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="live_blog"
    )
    coverage_start = models.DateTimeField(
        default=timezone.now, help_text="When the live coverage began (shown to search engines)."
    )
    coverage_end = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty while the coverage is live. Once set, the page reads as an ordinary "
        "article with its updates kept, and readers' pages stop asking for new ones.",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = LiveBlogQuerySet.as_manager()

    class Meta:
        ordering = ["-coverage_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage_end__isnull=True)
                | Q(coverage_end__gte=models.F("coverage_start")),
                name="liveblog_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Live blog: {self.article}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def is_live(self):
        return is_live_between(self.coverage_start, self.coverage_end)

    def touch(self):
        """An update was posted, changed or removed: the article changed (sitemap lastmod,
        feeds), in one UPDATE that leaves the article's own save logic and version alone."""
        Article.objects.filter(pk=self.article_id).update(modified=timezone.now())


class LiveUpdateQuerySet(TimedQuerySet):
    """Updates readers see are visible(): those whose time has come (core's rule, the same
    as for corrections)."""

    def for_display(self):
        """What an update shows: its author and, from one more query, its visible
        corrections (oldest first)."""
        visible = UpdateCorrection.objects.visible().order_by("published_at", "id")
        return self.select_related("author", "created_by").prefetch_related(
            models.Prefetch("corrections", queryset=visible, to_attr="visible_corrections")
        )


class LiveUpdate(CreatedBy):
    live_blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="updates")
    published_at = models.DateTimeField(
        "time", default=timezone.now, help_text="Shown with the update; newest first."
    )
    headline = models.CharField(
        max_length=160, blank=True, help_text="Optional; key events are listed by it."
    )
    body = models.TextField(help_text="A few sentences. Pictures, links and quotes welcome.")
    author = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_updates",
        help_text="The byline on the update; defaults to the poster's author profile.",
    )
    key_event = models.BooleanField(
        default=False, help_text="Listed in the key events summary at the top of the page."
    )
    pinned = models.BooleanField(
        default=False, help_text="Shown first, above the newest updates, until unpinned."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # The page, the poll and "older updates": newest first within one live blog.
            models.Index(
                fields=["live_blog", "-published_at", "-id"], name="liveupdate_blog_time_idx"
            ),
            # The key events and pinned summary: a few rows, read through a small index.
            models.Index(
                fields=["live_blog", "-published_at"],
                condition=Q(key_event=True) | Q(pinned=True),
                name="liveupdate_highlight_idx",
            ),
        ]

    def __str__(self):
        return self.headline or self.summary

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)
        self.live_blog.touch()

    @property
    def anchor(self):
        return f"update-{self.pk}"

    def get_absolute_url(self):
        return f"{self.live_blog.article.get_absolute_url()}#{self.anchor}"

    @property
    def summary(self):
        """The headline, else the opening words of the text (for key events and lists)."""
        return self.headline or Truncator(" ".join(strip_tags(self.body).split())).chars(90)

    @property
    def byline(self):
        if self.author_id:
            return self.author.name
        user = self.created_by
        return (user.get_full_name() or user.get_username()) if user else ""

    @property
    def shown_corrections(self):
        found = getattr(self, "visible_corrections", None)
        if found is None:
            found = list(self.corrections.visible().order_by("published_at", "id"))
        return found


class UpdateCorrection(CreatedBy):
    """A correction, clarification or note shown on one live update, dated."""

    update = models.ForeignKey(LiveUpdate, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=20, choices=Correction.Kind.choices, default=Correction.Kind.CORRECTION
    )
    text = models.TextField(help_text="What was wrong and what is right, in plain words.")
    published_at = models.DateTimeField(
        default=timezone.now, help_text="Shown with the correction; a future time hides it."
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = TimedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "correction to an update"
        verbose_name_plural = "corrections to updates"

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.update}”"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.update.live_blog.touch()

    def get_absolute_url(self):
        return f"{self.update.get_absolute_url().rsplit('#', 1)[0]}#{self.anchor}"

    @property
    def anchor(self):
        return f"update-correction-{self.pk}"
