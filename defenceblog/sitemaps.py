"""Sitemaps: an index at /sitemap.xml (articles, sections, tags, authors and the site's
own pages) and a Google News sitemap at /news-sitemap.xml (articles published in the last
48 hours). Both are named in robots.txt.

Every article list comes from Article.objects.published(), so scheduled, draft and
archived work never appears. Addresses are absolute and built from settings.SITE_URL, not
from the request's host. Articles whose canonical address is elsewhere (canonical URL
override) are left out: a sitemap lists only canonical pages.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.cache import cache
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from core.caching import public_page
from core.pagecache import content_version
from support.models import Page, SupportPage

NEWS_WINDOW = timedelta(hours=48)
INDEX_SECONDS = 3600  # the sitemap index is also recomputed when the content changes


def absolute(path):
    return f"{settings.SITE_URL}{path}"


class SiteSitemap(Sitemap):
    """Absolute URLs on settings.SITE_URL, whatever host the request came to."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def _indexable_articles():
    return Article.objects.published().filter(canonical_url="")


def _latest_published(**filters):
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
        return _indexable_articles().aggregate(latest=Max("modified"))["latest"]


class SectionSitemap(SiteSitemap):
    def items(self):
        return Section.objects.annotate(latest=_latest_published(section=OuterRef("pk")))

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
            Tag.objects.annotate(latest=_latest_published(tagged_items__tag=OuterRef("pk")))
            .filter(latest__isnull=False)
            .order_by("name")
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.latest

    def get_latest_lastmod(self):
        latest = Article.objects.published().filter(tagged_items__isnull=False)
        return latest.aggregate(latest=Max("published_at"))["latest"]


class AuthorSitemap(SiteSitemap):
    """Authors with at least one published article; lastmod is their newest article or
    the last profile edit, whichever is later."""

    def items(self):
        return (
            Author.objects.annotate(latest=_latest_published(bylines__author=OuterRef("pk")))
            .filter(latest__isnull=False)
            .annotate(changed=Greatest("latest", "modified"))
            .order_by("name")
        )

    def lastmod(self, author):
        return author.changed

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("changed"))["latest"]


class PageSitemap(SiteSitemap):
    """The front page, the authors list, the support page and the site's own pages
    (about, contact, the policies...)."""

    def __init__(self):
        self._page_items = None

    def items(self):
        if self._page_items is None:
            newest = Article.objects.published().aggregate(latest=Max("published_at"))
            support = SupportPage.objects.filter(pk=SupportPage.SINGLETON_PK).first()
            self._page_items = [
                (reverse("articles:front"), newest["latest"]),
                (reverse("authors:list"), None),
                (reverse("support:index"), support.modified if support else None),
            ] + [(page.get_absolute_url(), page.modified) for page in Page.objects.published()]
        return self._page_items

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return max((modified for _, modified in self.items() if modified), default=None)


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


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


def index_entries():
    """One entry per sitemap page, with its latest lastmod. Counting the sitemaps' pages
    reads the whole archive, so it is done once per content version (core/pagecache.py:
    any change to articles, tags, authors or pages starts a new one), not per request."""
    version = content_version()
    key = f"sitemap-index:{version}"
    entries = cache.get(key) if version else None
    if entries is None:
        entries = []
        for section, sitemap_class in SITEMAPS.items():
            sitemap = sitemap_class()
            url = absolute(reverse("sitemap_section", kwargs={"section": section}))
            lastmod = sitemap.get_latest_lastmod()
            entries.append((url, lastmod))
            entries += [
                (f"{url}?p={page}", lastmod) for page in range(2, sitemap.paginator.num_pages + 1)
            ]
        if version:
            cache.set(key, entries, INDEX_SECONDS)
    return [SitemapIndexItem(url, lastmod) for url, lastmod in entries]


@require_GET
@public_page
def index(request):
    """The sitemap index: one entry per sitemap page, with its latest lastmod."""
    entries = index_entries()
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noarchive"
    return response


@require_GET
@public_page
def section(request, section):
    return sitemap_view(
        request, sitemaps=SITEMAPS, section=section, template_name="sitemaps/sitemap.xml"
    )


@require_GET
@public_page
def news(request):
    return sitemap_view(
        request,
        sitemaps={"news": NewsSitemap},
        template_name="sitemaps/news_sitemap.xml",
    )
