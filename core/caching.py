"""The one place that decides a response's Cache-Control header."""

from functools import wraps

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

# Browsers revalidate after a minute; shared caches (nginx, a CDN) keep a page
# settings.SHARED_CACHE_SECONDS (five minutes by default) and may serve it stale for ten
# more while they fetch a fresh copy.
PUBLIC_CACHE = {"public": True, "max_age": 60, "stale_while_revalidate": 600}


def public_page(view):
    """Reader pages: cacheable by a CDN for anonymous readers; never for signed-in staff,
    who may see unpublished work and banners."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(response, "never_cache", False) or request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        elif response.status_code == 200:
            patch_cache_control(response, **PUBLIC_CACHE, s_maxage=settings.SHARED_CACHE_SECONDS)
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped


def never_cached(response):
    """Mark a response so that public_page sends no-cache headers (drafts, previews)."""
    response.never_cache = True
    return response
