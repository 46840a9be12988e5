"""The one place that decides a response's Cache-Control header."""

from functools import wraps

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

# Browsers revalidate after a minute; shared caches (nginx, a CDN) keep a page
# settings.SHARED_CACHE_SECONDS (five minutes by default) and may serve it stale for ten
# more while they fetch a fresh copy.
PUBLIC_CACHE = {"public": True, "max_age": 60, "stale_while_revalidate": 600}
# What a page asks for again and again (a live blog's new updates): browsers revalidate
# every time (a 304 when nothing changed), a CDN keeps it a few seconds, so however many
# readers poll, the server answers each address about once per POLL_SECONDS.
POLL_SECONDS = 5
POLL_CACHE = {"public": True, "max_age": 0, "s_maxage": POLL_SECONDS, "must_revalidate": True}


def public_page(view, cache_control=PUBLIC_CACHE):
    """Reader pages: cacheable by a CDN for anonymous readers; never for signed-in staff,
    who may see unpublished work and banners."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(response, "never_cache", False) or request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        elif response.status_code in (200, 304):
            shared = {"s_maxage": settings.SHARED_CACHE_SECONDS}
            patch_cache_control(response, **{**shared, **cache_control})
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped


def polled(view):
    """public_page for addresses readers' pages poll: a CDN keeps them POLL_SECONDS."""
    return public_page(view, POLL_CACHE)


def never_cached(response):
    """Mark a response so that public_page sends no-cache headers (drafts, previews)."""
    response.never_cache = True
    return response
