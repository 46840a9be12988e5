"""The one rule for "this request is an anonymous read": the page cache serves and keeps
pages only for such requests (core.pagecache), and the read-replica router sends only
their reads to the replica (core.db_router).

An anonymous read is a GET or HEAD, to a path outside PRIVATE_PREFIXES, that carries none
of the cookies that make a reader's pages their own:

- a session cookie naming a session that exists (someone signed in: staff);
- the read-your-writes cookie a write leaves (settings.READ_YOUR_WRITES_COOKIE), signed
  by this site and still fresh: that client reads from the primary and gets pages
  rendered afresh for a few seconds;
- a flash-message cookie signed by this site (messages' cookie storage).

A cookie of those names whose value is not real (no such session, a bad or old
signature) counts as no cookie: a client adding `Cookie: sessionid=x` to every request
must not get a fresh render from the primary each time.
"""

import re
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signing

# Paths that are never an anonymous read: the admin and its uploads, the editor's upload
# endpoint, previews and drafts, the support redirects (they count clicks), CSP reports,
# static files.
PRIVATE_PREFIXES = (
    "/admin/",
    "/admin-upload/",
    "/ckeditor5/",
    "/preview/",
    "/draft/",
    "/support/go/",
    "/csp-report/",
    "/static/",
)
READ_METHODS = ("GET", "HEAD")
COOKIE_SALT = "core.db_router.read-your-writes"
SESSION_KEY = re.compile(r"[a-z0-9]{32}")  # what Django's session stores hand out


def is_anonymous_read(request) -> bool:
    """True when `request` is an anonymous read (see the module docstring). The cheap
    tests come first: a request with no cookies costs no look-up."""
    return (
        request.method in READ_METHODS
        and not request.path_info.startswith(PRIVATE_PREFIXES)
        and not holds_messages(request)
        and not recently_wrote(request)
        and not holds_session(request)
    )


def holds_session(request) -> bool:
    """A session cookie naming a session that exists (one look-up, by primary key or in
    the cache; a value that cannot be a session key costs nothing)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or not SESSION_KEY.fullmatch(key):
        return False
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def holds_messages(request) -> bool:
    """A flash-message cookie the site signed (messages' CookieStorage)."""
    value = request.COOKIES.get(CookieStorage.cookie_name)
    if not value:
        return False
    try:
        signing.get_cookie_signer(salt=CookieStorage.key_salt).unsign(value)
    except signing.BadSignature:
        return False
    return True


def recently_wrote(request) -> bool:
    """The signed read-your-writes cookie, still fresh (set by core.db_router)."""
    if settings.READ_YOUR_WRITES_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        settings.READ_YOUR_WRITES_COOKIE,
        default=None,
        salt=COOKIE_SALT,
        max_age=settings.READ_YOUR_WRITES_SECONDS,
    )
    return value is not None
