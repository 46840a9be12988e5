"""One rule for "this request is an anonymous read" (core.anonymous.is_anonymous_read):
the page cache serves and keeps pages only for such requests, and the read-replica router
sends only their reads to the replica. Each request here goes through both middleware, so
the two verdicts are seen side by side."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import patch_cache_control

from articles.models import Article
from core import anonymous, db_router
from core.anonymous import COOKIE_SALT, PRIVATE_PREFIXES
from core.db_router import ReplicaRouter, ReplicaRoutingMiddleware
from core.pagecache import PageCacheMiddleware

pytestmark = pytest.mark.django_db

factory = RequestFactory()


@pytest.fixture(autouse=True)
def page_cache_and_replica(settings, monkeypatch):
    settings.PAGE_CACHE = True
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router.health, "usable_now", lambda: True)


def verdicts(request):
    """(where the view's reads went, the page cache's X-Page-Cache or None) for a public
    page served to `request` through both middleware."""
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Article)
        response = HttpResponse("<p>A public page</p>")
        patch_cache_control(response, public=True, max_age=60)
        return response

    response = PageCacheMiddleware(ReplicaRoutingMiddleware(view))(request)
    return seen.get("read"), response.get("X-Page-Cache")


def with_cookie(name, value, path="/section/naval/"):
    request = factory.get(path)
    request.COOKIES[name] = value
    return request


def signed(name, value, **kwargs):
    response = HttpResponse()
    response.set_signed_cookie(name, value, **kwargs)
    return response.cookies[name].value


def flash_message():
    response = HttpResponse()
    CookieStorage(factory.get("/"))._store([Message(constants.SUCCESS, "Thanks.")], response)
    return response.cookies[CookieStorage.cookie_name].value


def test_an_anonymous_read_is_cached_and_read_from_the_replica():
    assert verdicts(factory.get("/section/naval/")) == ("replica", "miss")
    assert verdicts(factory.get("/section/naval/")) == (None, "hit")  # the view did not run


@pytest.mark.parametrize("prefix", PRIVATE_PREFIXES)
def test_every_private_path_is_neither_cached_nor_read_from_the_replica(prefix):
    assert verdicts(factory.get(f"{prefix}page/")) == ("default", None)


def test_one_list_decides_both(monkeypatch):
    monkeypatch.setattr(anonymous, "PRIVATE_PREFIXES", (*PRIVATE_PREFIXES, "/corrections/"))
    assert verdicts(factory.get("/corrections/")) == ("default", None)
    assert verdicts(factory.get("/section/naval/")) == ("replica", "miss")


def test_a_real_session_flash_message_or_recent_write_decides_both(settings):
    session = SessionStore()
    session.create()
    real = {
        settings.SESSION_COOKIE_NAME: session.session_key,
        CookieStorage.cookie_name: flash_message(),
        settings.READ_YOUR_WRITES_COOKIE: signed(
            settings.READ_YOUR_WRITES_COOKIE, "1", salt=COOKIE_SALT
        ),
    }
    for name, value in real.items():
        assert verdicts(with_cookie(name, value)) == ("default", None), name


@pytest.mark.parametrize(
    "name, value",
    [
        ("sessionid", "x"),
        ("sessionid", "0123456789abcdefghijklmnopqrstuv"),  # well formed, no such session
        ("messages", "forged"),
        ("read_primary", "1"),
        ("read_primary", "1:1tZabc:forgedsignature"),
    ],
)
def test_a_bogus_cookie_is_an_anonymous_read_for_both(name, value):
    assert verdicts(with_cookie(name, value)) == ("replica", "miss")


def test_writes_are_neither_cached_nor_read_from_the_replica():
    assert verdicts(factory.post("/section/naval/")) == ("default", None)
