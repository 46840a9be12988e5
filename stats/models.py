"""Audience counts: what readers read, never who they are (docs/privacy-analytics.md).

Raw hits live in `HIT_TABLE`, a table partitioned by day that only SQL touches (stats/
ingest.py writes it with COPY, drops whole days after STATS_RETENTION_DAYS): it has no
model. The rollups below keep counts only, per article and hour, and per article and day."""

from django.db import models
from django.urls import reverse

HIT_TABLE = "stats_hit"


class Kind(models.IntegerChoices):
    """What a beacon reports (static/stats/beacon.js)."""

    VIEW = 1, "page view"
    ENGAGED = 2, "engaged 15 s"
    READ_HALF = 3, "read 50%"
    READ_MOST = 4, "read 90%"
    LEAVE = 5, "left, with engaged time"


class Source(models.TextChoices):
    SEARCH = "search", "Search"
    SOCIAL = "social", "Social"
    NEWSLETTER = "newsletter", "Newsletter"
    SITE = "site", "Other site"
    DIRECT = "direct", "Direct"


class ArticleCounts(models.Model):
    """What the rollups count for one article over one period (an hour, a day)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)
    engaged = models.PositiveIntegerField(default=0, help_text="Views engaged for 15 s or more.")
    read_half = models.PositiveIntegerField(default=0)
    read_most = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0, help_text="Views that reported engaged time.")
    engaged_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse("admin:stats_article", args=[self.article_id])


class SourceCounts(models.Model):
    """One article's page views over one period from one referrer (host and class)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices)
    host = models.CharField(max_length=100, blank=True, help_text="Empty: no referrer.")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse("admin:stats_article", args=[self.article_id])


class ArticleHour(ArticleCounts):
    """One article's counts in one hour (UTC), added to as batches of hits are ingested."""

    hour = models.DateTimeField()
    visitors = models.PositiveIntegerField(
        default=0, help_text="Readers counted for the first time that day (UTC) in this hour."
    )

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="stats_articlehour_once")
        ]
        indexes = [models.Index(fields=["hour"], name="stats_articlehour_hour")]
        verbose_name = "audience"
        verbose_name_plural = "audience"
        permissions = [("view_audience", "Can see the Audience screens")]

    def __str__(self):
        return f"article {self.article_id} at {self.hour:%Y-%m-%d %H}:00"


class SourceHour(SourceCounts):
    """One article's page views in one hour from one referrer (host and class)."""

    hour = models.DateTimeField()

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "hour", "source", "host"], name="stats_sourcehour_once"
            )
        ]
        indexes = [models.Index(fields=["hour"], name="stats_sourcehour_hour")]

    def __str__(self):
        return f"{self.host or self.get_source_display()} → article {self.article_id}"


class ArticleDay(ArticleCounts):
    """One article's counts in one day (UTC): the sums of its ArticleHour rows, rewritten
    by the worker's daily rollup (stats/rollup.py) for the days that had new hits. The 7-
    and 30-day screens and an article's chart past its first two days read these."""

    day = models.DateField()
    visitors = models.PositiveIntegerField(default=0, help_text="Readers counted that day (UTC).")

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="stats_articleday_once")
        ]
        indexes = [models.Index(fields=["day"], name="stats_articleday_day")]

    def __str__(self):
        return f"article {self.article_id} on {self.day:%Y-%m-%d}"


class SourceDay(SourceCounts):
    """One article's page views in one day (UTC) from one referrer: SourceHour's sums."""

    day = models.DateField()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day", "source", "host"], name="stats_sourceday_once"
            )
        ]
        indexes = [models.Index(fields=["day"], name="stats_sourceday_day")]

    def __str__(self):
        return f"{self.host or self.get_source_display()} → article {self.article_id} on {self.day}"


class SiteSourceCounts(models.Model):
    """The whole site's page views over one period from one referrer (host and class): the
    sums of that period's SourceHour/SourceDay rows over every article, kept so that the
    overview's referrers read a few rows per hour or day, not one per article."""

    source = models.CharField(max_length=12, choices=Source.choices)
    host = models.CharField(max_length=100, blank=True, help_text="Empty: no referrer.")
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse("admin:stats_articlehour_changelist")


class SiteSourceHour(SiteSourceCounts):
    """Page views in one hour from one referrer, every article together: added to by ingest
    in the same transaction as SourceHour."""

    hour = models.DateTimeField()

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "source", "host"], name="stats_sitesourcehour_once"
            )
        ]

    def __str__(self):
        return f"{self.host or self.get_source_display()} at {self.hour:%Y-%m-%d %H}:00"


class SiteSourceDay(SiteSourceCounts):
    """Page views in one day (UTC) from one referrer, every article together: the daily
    rollup's sums of SiteSourceHour."""

    day = models.DateField()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "source", "host"], name="stats_sitesourceday_once"
            )
        ]

    def __str__(self):
        return f"{self.host or self.get_source_display()} on {self.day}"
