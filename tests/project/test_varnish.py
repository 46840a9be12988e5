"""Varnish in front of the site (deploy/varnish.vcl with the xkey module; core/edge.py
purges it): a real varnishd before a live site under gunicorn. A page is kept (the second
request is a hit), an edit purges exactly the pages that show the article once it commits,
a purge that cannot reach Varnish is done by the task worker once it can, and the
application's cookie rules hold at Varnish as at nginx."""

import gzip
import time
import urllib.error
import urllib.request
import uuid

import psycopg
import pytest
from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.content_state import CLOCK_SKEW_SECONDS
from tests.helpers.database import admin_connection, database_url
from tests.helpers.redis_server import redis_url
from tests.helpers.servers import SiteServer
from tests.helpers.varnish import Forwarder, Varnish, require_varnish

SETUP = """
from tests.factories import ArticleFactory, SectionFactory
land = SectionFactory(name="Land", slug="land")
sea = SectionFactory(name="Sea", slug="sea")
edited = ArticleFactory(
    title="Howitzer deliveries resume", slug="howitzer-deliveries", section=land
)
other = ArticleFactory(title="Minehunter sonar upgraded", slug="minehunter-sonar", section=sea)
print(edited.pk, edited.get_absolute_url(), other.get_absolute_url())
"""

RETITLE = """
import time
from articles.models import Article
article = Article.objects.get(pk={pk})
article.title = {title!r}
started = time.monotonic()
article.save()
print(f"saved and purged in {{time.monotonic() - started:.3f}} s")
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The site (its own database, the shared Redis) behind Varnish."""
    require_varnish()
    directory = tmp_path_factory.mktemp("varnish")
    name = f"varnish_{uuid.uuid4().hex[:10]}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with redis_url(directory) as redis:
        site = SiteServer({"DATABASE_URL": database_url(name), "REDIS_URL": redis}, directory)
        varnish = Varnish([("127.0.0.1", site.port)])
        site.manage("migrate", "--no-input")
        pk, edited, other = site.manage("shell", "-c", SETUP).stdout.split()[-3:]
        site.env["VARNISH_PURGE_URLS"] = varnish.url
        site.edited_pk, site.edited_url, site.other_url = int(pk), edited, other
        site.start()
        try:
            varnish.start()
            yield site, varnish
        finally:
            varnish.stop()
            site.stop()
            with admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — loopback
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def cached(url):
    """The page until Varnish keeps it: the second of two requests is a hit (or the test
    fails here). A page rendered within CLOCK_SKEW_SECONDS of a change to what it shows is
    not kept (core.content_state.recorded), so just after another test's edit of the same
    article (the stack is shared, the order random) it takes a moment."""
    deadline = time.monotonic() + CLOCK_SKEW_SECONDS + 5
    while True:
        get(url)
        status, headers, body = get(url)
        if status == 200 and headers["X-Cache"] == "HIT":
            return body
        assert time.monotonic() < deadline, (url, status, dict(headers))
        time.sleep(0.25)


def retitle(site, title, purge_urls):
    return site.manage(
        "shell", "-c", RETITLE.format(pk=site.edited_pk, title=title), VARNISH_PURGE_URLS=purge_urls
    ).stdout


def test_a_page_is_kept_for_hours_and_readers_see_no_cache_headers(stack):
    site, varnish = stack
    url = varnish.url + site.other_url
    status, headers, body = get(url)
    assert status == 200 and "Minehunter sonar upgraded" in body
    assert headers["X-Cache"] in ("MISS", "HIT")
    status, headers, _ = get(url)
    assert headers["X-Cache"] == "HIT"
    assert int(headers["Age"]) >= 0
    # The tags and the long lifetime are for Varnish only.
    for name in ("Surrogate-Key", "Cache-Tag", "xkey", "Surrogate-Control"):
        assert name not in headers, name
    assert "s-maxage" in headers["Cache-Control"]
    # Straight from the application: the tags, and the lifetime Varnish keeps it for.
    _, direct, _ = get(site.base_url + site.other_url)
    assert f"max-age={settings.EDGE_CACHE_SECONDS}" == direct["Surrogate-Control"]
    assert "front" not in direct["Surrogate-Key"].split()


def test_a_kept_page_is_sent_gzipped_to_who_asks_and_plain_to_who_does_not(stack):
    site, varnish = stack
    url = varnish.url + site.other_url
    plain = cached(url)
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — loopback
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["X-Cache"] == "HIT"
        packed = response.read()
    assert len(packed) < len(plain) / 3
    assert gzip.decompress(packed).decode() == plain


def test_editing_an_article_purges_exactly_the_pages_that_show_it(stack):
    site, varnish = stack
    # The other section's page does not show the edited article (its story's page does:
    # the edited one is its related article).
    paths = (site.edited_url, "/section/sea/", "/")
    edited, other, front = (varnish.url + path for path in paths)
    for url in (edited, other, front):
        cached(url)

    said = retitle(site, "Howitzer deliveries resume at last", varnish.url)

    status, headers, body = get(edited)
    assert headers["X-Cache"] == "MISS" and "Howitzer deliveries resume at last" in body
    status, headers, body = get(front)
    assert headers["X-Cache"] == "MISS" and "Howitzer deliveries resume at last" in body
    status, headers, body = get(other)
    assert headers["X-Cache"] == "HIT" and "Minehunter sonar upgraded" in body
    print(f"\n{said.strip()}")  # noqa: T201 — the purge's share of an edit, for the report


def test_a_purge_varnish_missed_is_retried_by_the_task_worker(stack):
    site, varnish = stack
    edited = varnish.url + site.edited_url
    cached(edited)
    path = Forwarder(("127.0.0.1", varnish.port))  # closed: Varnish is unreachable

    retitle(site, "Howitzer deliveries paused", path.url)

    status, headers, body = get(edited)  # Varnish still has the page from before
    assert headers["X-Cache"] == "HIT" and "Howitzer deliveries paused" not in body
    worker = {"VARNISH_PURGE_URLS": path.url}
    site.manage("db_worker", "--batch", "--no-startup-delay", **worker)  # still unreachable
    assert "Howitzer deliveries paused" not in get(edited)[2]
    path.open()  # Varnish is back
    try:
        # The failed run is retried after 2 s (the backoff): run the worker until it has.
        deadline = time.monotonic() + 30
        while "Howitzer deliveries paused" not in get(edited)[2]:
            assert time.monotonic() < deadline, "the retried purge never reached Varnish"
            site.manage("db_worker", "--batch", "--no-startup-delay", **worker)
    finally:
        path.close()
    assert failed_purges(site) >= 1


def failed_purges(site):
    """The purge runs kept as failed in the site's task results."""
    query = (
        f"SELECT count(*) FROM {DBTaskResult._meta.db_table} WHERE task_path = %s AND status = %s"  # noqa: S608
    )
    with psycopg.connect(site.env["DATABASE_URL"], autocommit=True) as conn:
        found = conn.execute(query, ["core.edge.purge_task", TaskResultStatus.FAILED])
        return found.fetchone()[0]


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("sessionid=x", "HIT"),
        ("csrftoken=anything", "HIT"),
        ("messages=forged", "HIT"),
        ("read_primary=1", "HIT"),
        ("sessionid=0123456789abcdefghijklmnopqrstuv", "PASS"),
        ('messages="W1siX19qc29uX21lc3NhZ2UiXV0:1tZ:signature"', "PASS"),
        ("read_primary=1:1tZabc:signature", "PASS"),
    ],
)
def test_bogus_cookies_are_served_from_varnish_and_real_ones_go_past_it(stack, cookie, expected):
    site, varnish = stack
    url = varnish.url + site.other_url
    cached(url)
    status, headers, _ = get(url, cookie)
    assert status == 200 and headers["X-Cache"] == expected


def test_pages_marked_private_and_the_admin_are_never_kept(stack):
    site, varnish = stack
    for _ in range(2):
        status, headers, _ = get(varnish.url + "/admin/login/")
    assert status == 200 and headers["X-Cache"] == "PASS"
    assert "Set-Cookie" in headers or "private" in headers.get("Cache-Control", "")


def test_the_purge_endpoint_needs_the_header(stack):
    _site, varnish = stack
    request = urllib.request.Request(varnish.url + "/", method="PURGE")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 — loopback
    assert refused.value.code == 400
