"""The site's sitemaps, put together from the apps' own: an index at /sitemap.xml
(articles, sections, tags, authors and the site's single pages) and a Google News sitemap
at /news-sitemap.xml. Both are named in robots.txt.

Each app says what it lists (articles/sitemaps.py, authors/sitemaps.py,
support/sitemaps.py); this module is the only one that knows them all. Addresses are
absolute and built from settings.SITE_URL, not from the request's host.
"""

from functools import partial

from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles import sitemaps as articles
from authors import sitemaps as authors
from core import fragments
from core.caching import public_page
from core.links import absolute_url
from core.pagecache import content_version
from core.sitemaps import PageSitemap
from liveblog import sitemaps as liveblog
from support import sitemaps as support

INDEX_SECONDS = 3600  # the sitemap index is also recomputed when the content changes
# How many pages each sitemap has is counted at most this often, not at every change:
# counting reads the whole archive, and a count only moves by a page every `limit` items
# (10,000 articles). Sitemaps list newest first, so new work is always on page 1; a page
# added at the end (the oldest articles) is listed within the hour.
PAGE_COUNT_SECONDS = 3600
PAGE_COUNT_KEY = "sitemap-index:page-counts"

SITEMAPS = {
    "articles": articles.ArticleSitemap,
    "sections": articles.SectionSitemap,
    "tags": articles.TagSitemap,
    "authors": authors.AuthorSitemap,
    # The front page, the authors list, the support page and the site's own pages.
    "pages": partial(PageSitemap, articles.front_page, authors.author_list, support.pages),
}


def page_counts(sitemaps):
    """{section: number of pages} of `sitemaps`, counted at most every PAGE_COUNT_SECONDS."""
    counts = cache.get(PAGE_COUNT_KEY)
    if counts is None or set(counts) != set(sitemaps):
        counts = {section: sitemap.paginator.num_pages for section, sitemap in sitemaps.items()}
        cache.set(PAGE_COUNT_KEY, counts, PAGE_COUNT_SECONDS)
    return counts


def index_entries():
    """One entry per sitemap page, with its latest lastmod: the lastmods are read once per
    content version (core/pagecache.py: any change to articles, tags, authors or pages
    starts a new one), each through an index; the page counts come from page_counts()."""
    version = content_version()
    key = f"sitemap-index:{version}"
    entries = cache.get(key) if version else None
    if entries is None:
        entries = []
        sitemaps = {section: make() for section, make in SITEMAPS.items()}
        counts = page_counts(sitemaps)
        for section, sitemap in sitemaps.items():
            url = absolute_url(reverse("sitemap_section", kwargs={"section": section}))
            lastmod = sitemap.get_latest_lastmod()
            entries.append((url, lastmod))
            entries += [(f"{url}?p={n}", lastmod) for n in range(2, counts[section] + 1)]
        if version:
            cache.set(key, entries, INDEX_SECONDS)
    return [SitemapIndexItem(url, lastmod) for url, lastmod in entries]


@require_GET
@public_page
def index(request):
    """The sitemap index: one entry per sitemap page, with its latest lastmod. The
    document itself is kept per content state in each process: it grows with the archive
    (one entry per 10,000 articles), so rendering it on every request would not."""
    body = fragments.remember(
        "sitemap-index",
        lambda: render_to_string("sitemap_index.xml", {"sitemaps": index_entries()}),
    )
    response = HttpResponse(body, content_type="application/xml")
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
        sitemaps={"news": liveblog.NewsWithLiveBlogs},
        template_name="sitemaps/news_sitemap.xml",
    )
