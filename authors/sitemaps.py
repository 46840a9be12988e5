"""The authors' sitemap (authors with published work) and the authors list for the
site's page sitemap. defenceblog/sitemaps.py serves them."""

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse

from core.sitemaps import SiteSitemap

from .models import Author


def _latest_published_byline():
    """A subquery: the author's newest published article. The model comes from the
    relation articles declares on Author, so "published" keeps its one definition
    (Article.objects.published()) without this app importing articles."""
    article = Author._meta.get_field("articles").related_model
    return Subquery(
        article.objects.published()
        .filter(bylines__author=OuterRef("pk"))
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class AuthorSitemap(SiteSitemap):
    """Authors with at least one published article; lastmod is their newest article or
    the last profile edit, whichever is later."""

    def items(self):
        return (
            Author.objects.annotate(latest=_latest_published_byline())
            .filter(latest__isnull=False)
            .annotate(changed=Greatest("latest", "modified"))
            .order_by("name")
        )

    def lastmod(self, author):
        return author.changed

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("changed"))["latest"]


def author_list():
    """The authors list for core.sitemaps.PageSitemap (no lastmod: it changes with any
    profile)."""
    return [(reverse("authors:list"), None)]
