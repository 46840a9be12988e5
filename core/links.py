"""Absolute links to this site, built from settings.SITE_URL (the address readers and
crawlers know), never from the request's host. Feeds, sitemaps, canonical links and
structured data all use it."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path):
    """An absolute URL on this site for a path such as "/about/"; URLs that are already
    absolute (a canonical override, media on a CDN) pass through unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def instance_url(obj, viewname, **kwargs):
    """reverse(viewname, kwargs=kwargs), kept on `obj` while the arguments stay the same:
    objects that outlive a request (the navigation's sections, the footer's pages, kept
    until the content changes) then reverse their address once, not on every page."""
    found = obj.__dict__.get("_instance_url")
    if found is not None and found[0] == kwargs:
        return found[1]
    url = reverse(viewname, kwargs=kwargs)
    obj.__dict__["_instance_url"] = (kwargs, url)
    return url
