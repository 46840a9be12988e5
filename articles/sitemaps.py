"""The articles' sitemaps: articles, sections and tags for the sitemap index, the front
page for its page list, and the Google News sitemap (articles published in the last 48
hours). defenceblog/sitemaps.py serves them.

Every article list comes from Article.objects.published(), so scheduled, draft and
archived work never appears. Articles whose canonical address is elsewhere (canonical URL
override) are left out: a sitemap lists only canonical pages.
"""

from datetime import timedelta

from django.db.models import Exists, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from core.sitemaps import SiteSitemap

from .models import Article, Section, TaggedArticle

NEWS_WINDOW = timedelta(hours=48)


def _indexable_articles():
    return Article.objects.published().filter(canonical_url="")


def latest_published(**filters):
    """A subquery: the newest publication date of the published articles matching
    `filters` (with OuterRef)."""
    return Subquery(
        Article.objects.published()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ArticleSitemap(SiteSitemap):
    limit = 10_000

    def items(self):
        return (
            _indexable_articles()
            .only("pk", "slug", "published_at", "modified")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return article.modified

    def get_latest_lastmod(self):
        # Newest first through article_modified_idx, stopping at the first indexable one.
        return (
            _indexable_articles().order_by("-modified").values_list("modified", flat=True).first()
        )


class SectionSitemap(SiteSitemap):
    def items(self):
        return Section.objects.annotate(latest=latest_published(section=OuterRef("pk")))

    def lastmod(self, section):
        return section.latest

    def get_latest_lastmod(self):
        latest = Article.objects.published().filter(section__isnull=False)
        return latest.aggregate(latest=Max("published_at"))["latest"]


class TagSitemap(SiteSitemap):
    """Tags that label at least one published article."""

    limit = 10_000

    def items(self):
        return (
            Tag.objects.annotate(latest=latest_published(tagged_items__tag=OuterRef("pk")))
            .filter(latest__isnull=False)
            .order_by("name")
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.latest

    def get_latest_lastmod(self):
        # The newest published article with a tag: backwards through the publication index,
        # stopping at the first (not a join of every tagged article).
        tagged = TaggedArticle.objects.filter(content_object_id=OuterRef("pk"))
        latest = Article.objects.published().filter(Exists(tagged)).order_by("-published_at")
        return latest.values_list("published_at", flat=True).first()


def front_page():
    """The front page for core.sitemaps.PageSitemap, last changed with the newest article."""
    newest = Article.objects.published().aggregate(latest=Max("published_at"))
    return [(reverse("articles:front"), newest["latest"])]


class NewsSitemap(SiteSitemap):
    """Google News: articles published in the last 48 hours, at most 1,000, except those
    an editor kept out of Google News."""

    limit = 1000

    def items(self):
        return (
            _indexable_articles()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW, exclude_from_news=False)
            .only("pk", "title", "slug", "published_at", "modified")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return article.modified
