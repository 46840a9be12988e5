"""Absolute links to this site, built from settings.SITE_URL (the address readers and
crawlers know), never from the request's host. Feeds, sitemaps, canonical links and
structured data all use it."""

import functools
import re

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

PLAIN = re.compile(r"[-a-zA-Z0-9_]+\Z")  # what every path converter takes unquoted


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


def quick_reverse(viewname, **kwargs):
    """reverse(viewname, kwargs=kwargs) for arguments that are numbers or slugs (nothing to
    quote), by joining strings: the address's shape is reversed once per process (and
    script prefix), so a listing's forty teasers do not each walk the URL resolver."""
    parts = _shape(viewname, get_script_prefix(), tuple(sorted(kwargs)))
    if parts is None or not all(PLAIN.match(str(value)) for value in kwargs.values()):
        return reverse(viewname, kwargs=kwargs)
    return "".join(str(kwargs[part[1:]]) if part[:1] == "\x00" else part for part in parts)


@functools.cache
def _shape(viewname, _prefix, names):
    """The address of `viewname` as constant strings and "\x00name" slots, or None when
    sample values cannot be told apart in it."""
    samples = {name: f"zq{n}x{name.replace('_', '')}qz" for n, name in enumerate(names)}
    try:
        url = reverse(viewname, kwargs=samples)
    except NoReverseMatch:  # an int converter: no string shape
        samples = {name: 987650 + n for n, name in enumerate(names)}
        try:
            url = reverse(viewname, kwargs=samples)
        except NoReverseMatch:
            return None
    if any(url.count(str(sample)) != 1 for sample in samples.values()):
        return None
    parts, at = [], 0
    for name, sample in sorted(samples.items(), key=lambda item: url.index(str(item[1]))):
        start = url.index(str(sample))
        parts += [url[at:start], f"\x00{name}"]
        at = start + len(str(sample))
    parts.append(url[at:])
    return tuple(parts)
