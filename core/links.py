"""Absolute links to this site, built from settings.SITE_URL (the address readers and
crawlers know), never from the request's host. Feeds, sitemaps, canonical links and
structured data all use it."""

from django.conf import settings


def absolute_url(path):
    """An absolute URL on this site for a path such as "/about/"; URLs that are already
    absolute (a canonical override, media on a CDN) pass through unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"
