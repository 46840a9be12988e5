"""One render per stale page (core.pagecache, issue 27): after a change, one request
renders a page again under a short lock in the shared cache while the others get the copy
kept before the change (X-Page-Cache: stale, with Age), for at most
PAGE_CACHE_STALE_SECONDS; a page never kept is rendered by one request while the others
wait for it. Real threads, each with its own client and database connection, against the
real Redis; the one render is held open with events, never ordered by sleeping."""

import threading
import time

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.test.signals import template_rendered

from core import pagecache
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 8
PAGE_TEMPLATE = "articles/article_detail.html"


@pytest.fixture(autouse=True)
def shared_redis(page_cache_on_redis, settings):
    """Every test here on a Redis of its own (tests/project/conftest.py)."""
    settings.PAGE_CACHE_STALE_SECONDS = 5


class HeldRender:
    """Holds the first render of the article page open (in whichever thread does it) until
    released; counts the renders."""

    def __init__(self):
        self.started = threading.Event()
        self.release = threading.Event()
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, sender, template=None, **kwargs):
        if getattr(template, "name", None) != PAGE_TEMPLATE:
            return
        with self._lock:
            self.count += 1
            first = self.count == 1
        if first:
            self.started.set()
            assert self.release.wait(30), "the held render was never released"

    def __enter__(self):
        template_rendered.connect(self)
        return self

    def __exit__(self, *exc):
        self.release.set()
        template_rendered.disconnect(self)


class Readers:
    """Readers in threads of their own, each one request; `answered` counts the answers."""

    def __init__(self):
        self.responses = []
        self.done = threading.Condition()
        self.threads = []

    def start(self, url, count):
        for _ in range(count):
            thread = threading.Thread(target=self._read, args=(url,))
            thread.start()
            self.threads.append(thread)

    def _read(self, url):
        try:
            response = Client().get(url)
        finally:
            connections.close_all()
        with self.done:
            self.responses.append(response)
            self.done.notify_all()

    def wait_for(self, count):
        with self.done:
            assert self.done.wait_for(lambda: len(self.responses) >= count, timeout=30)

    def join(self):
        for thread in self.threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in self.threads)


def states(responses):
    return sorted(response["X-Page-Cache"] for response in responses)


def test_concurrent_readers_of_a_stale_page_cause_one_render():
    article = ArticleFactory(title="Radar network completed")
    url = article.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    article.title = "Radar network completed early"
    article.save()

    readers = Readers()
    with HeldRender() as render:
        readers.start(url, READERS)
        readers.wait_for(READERS - 1)  # all but the one rendering, while it renders
        render.release.set()
        readers.join()

    assert render.count == 1
    assert states(readers.responses) == ["miss"] + ["stale"] * (READERS - 1)
    for response in readers.responses:
        html = response.content.decode()
        if response["X-Page-Cache"] == "stale":
            assert "Radar network completed" in html and "early" not in html
            assert int(response["Age"]) >= 0
        else:
            assert "Radar network completed early" in html and "Age" not in response
    after = Client().get(url)
    assert after["X-Page-Cache"] == "hit" and "completed early" in after.content.decode()


def test_a_page_never_kept_is_rendered_once_while_the_others_wait(monkeypatch):
    url = ArticleFactory(title="Frigate launched").get_absolute_url()
    waiting = threading.Semaphore(0)
    original = pagecache.Page.wait

    def counted_wait(page):
        waiting.release()
        return original(page)

    monkeypatch.setattr(pagecache.Page, "wait", counted_wait)
    readers = Readers()
    with HeldRender() as render:
        readers.start(url, READERS)
        for _ in range(READERS - 1):  # every other reader is waiting for the one render
            assert waiting.acquire(timeout=30)
        render.release.set()
        readers.join()

    assert render.count == 1
    assert states(readers.responses) == ["hit"] * (READERS - 1) + ["miss"]
    assert all("Frigate launched" in r.content.decode() for r in readers.responses)


def test_a_publication_is_visible_within_the_bound_even_while_a_render_hangs(settings):
    article = ArticleFactory(title="Radar network completed")
    url = article.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    ArticleFactory(title="Submarine contract announced")  # a publication: the page is stale

    hung = Readers()
    with HeldRender() as render:
        hung.start(url, 1)
        assert render.started.wait(30)  # that render holds the lock and does not finish
        stale = Client().get(url)
        assert stale["X-Page-Cache"] == "stale"
        bound = settings.PAGE_CACHE_STALE_SECONDS
        with time_machine.travel(time.time() + bound + 1):
            fresh = Client().get(url)  # rendered here, though the first render still hangs
        assert render.count == 2 and not render.release.is_set()
        render.release.set()
        hung.join()

    assert fresh["X-Page-Cache"] == "miss"
    assert "Submarine contract announced" in fresh.content.decode()
