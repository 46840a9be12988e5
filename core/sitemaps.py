"""Sitemap building blocks that know no app. The apps' sitemaps subclass SiteSitemap; the
configuration package (defenceblog/sitemaps.py) puts them together into the index."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap


class SiteSitemap(Sitemap):
    """Absolute URLs on settings.SITE_URL, whatever host the request came to."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteSitemap):
    """Single pages (a front page, a list, the site's own pages), each source a function
    the owning app provides that returns (path, lastmod) pairs; lastmod may be None. The
    sources are read once per sitemap."""

    def __init__(self, *sources):
        self.sources = sources
        self._page_items = None

    def items(self):
        if self._page_items is None:
            self._page_items = [item for source in self.sources for item in source()]
        return self._page_items

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return max((modified for _, modified in self.items() if modified), default=None)
