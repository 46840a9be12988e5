"""The full-page cache for anonymous readers (core/pagecache.py): what it serves, what it
never keeps, and that every kind of change reaches readers on the next request."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from articles.models import Article, Correction
from core.anonymous import COOKIE_SALT
from support.models import SupportPage
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    DonationOptionFactory,
    PageFactory,
    SectionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def article():
    return ArticleFactory(
        title="Radar network completed",
        section=SectionFactory(name="Air"),
        authors=[AuthorFactory(name="Hana Okafor")],
        tags=["Radar"],
    )


def without_nonce(response, text):
    """`text` (a header or the content) with `response`'s CSP nonce taken out: each reader
    gets a nonce of their own, the rest is the same."""
    nonce = _nonces(response)[0]
    if isinstance(text, bytes):
        return text.replace(nonce.encode(), b"NONCE")
    return text.replace(nonce, "NONCE")


def page(client, url, **headers):
    """(X-Page-Cache state, HTML) of one anonymous request."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get("X-Page-Cache"), response.content.decode()


def test_second_anonymous_request_is_served_from_the_cache(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert without_nonce(second, second.content) == without_nonce(first, first.content)
    assert "Radar network completed" in second.content.decode()
    # The CDN's headers are kept.
    assert "public" in second["Cache-Control"] and "s-maxage=300" in second["Cache-Control"]
    csp = "Content-Security-Policy"
    assert without_nonce(second, second[csp]) == without_nonce(first, first[csp])


def test_conditional_get_with_the_etag_answers_304(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_page_cache_off_serves_every_request_fresh(client, article, settings):
    settings.PAGE_CACHE = False
    client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_staff_are_never_served_or_stored(staff_client, client, article):
    url = article.get_absolute_url()
    page(client, url)  # stored for readers
    staff = staff_client.get(url)
    assert "X-Page-Cache" not in staff
    assert "private" in staff["Cache-Control"]


def test_drafts_previews_and_forms_are_never_stored(client, staff_client, article):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    for _ in range(2):
        assert "X-Page-Cache" not in staff_client.get(draft.get_absolute_url())
    form_url = f"/feedback/report/?article={article.pk}"
    first, second = client.get(form_url), client.get(form_url)
    assert first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode()
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert "csrftoken" in second.cookies  # each reader gets their own token


def test_posts_and_support_links_are_never_cached(client):
    option = DonationOptionFactory()
    for _ in range(2):
        response = client.get(f"/support/go/{option.slug}/")
        assert response.status_code == 302 and "X-Page-Cache" not in response
    assert "X-Page-Cache" not in client.post("/search/")


def test_cache_failure_serves_the_page_uncached(client, article, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "X-Page-Cache" not in response
    article.title = "Saved while the cache is down"
    article.save()  # invalidation does not crash either


# --- Invalidation: each change is on the next request ------------------------------------


def warm(client, url, expected_text):
    page(client, url)
    state, html = page(client, url)
    assert state == "hit" and expected_text in html


def test_publishing_an_article_shows_it_at_once(client, article):
    draft = ArticleFactory(title="Frigate launched", status=Article.Status.DRAFT, published_at=None)
    warm(client, "/", "Radar network completed")
    assert "Frigate launched" not in page(client, "/")[1]
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    draft.save()
    assert "Frigate launched" in page(client, "/")[1]


def test_editing_an_article_shows_the_change_at_once(client, article):
    url = article.get_absolute_url()
    warm(client, url, "Radar network completed")
    article.title = "Radar network completed ahead of schedule"
    article.save()
    assert "ahead of schedule" in page(client, url)[1]
    assert "ahead of schedule" in page(client, "/")[1]


def test_unpublishing_and_deleting_an_article_remove_it_at_once(client, article):
    other = ArticleFactory(title="Tank order signed")
    url = article.get_absolute_url()
    warm(client, url, "Radar network completed")
    warm(client, "/", "Tank order signed")
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(url).status_code == 404
    other.delete()
    assert "Tank order signed" not in page(client, "/")[1]


def test_a_correction_shows_at_once(client, article):
    url = article.get_absolute_url()
    warm(client, url, "Radar network completed")
    Correction.objects.create(article=article, text="The network has eleven stations.")
    assert "eleven stations" in page(client, url)[1]
    assert "eleven stations" in page(client, "/corrections/")[1]


def test_author_section_and_tag_changes_show_at_once(client, article):
    url = article.get_absolute_url()
    warm(client, url, "Hana Okafor")
    author = article.authors.get()
    author.name = "Hana Okafor-Lind"
    author.save()
    assert "Hana Okafor-Lind" in page(client, url)[1]
    article.section.name = "Air power"
    article.section.save()
    assert "Air power" in page(client, "/")[1]
    warm(client, "/tag/radar/", "Radar network completed")
    tag = article.tags.get()
    tag.name = "Radars"
    tag.save()
    assert "Radars" in page(client, "/tag/radar/")[1]


def test_support_page_and_site_page_changes_show_at_once(client, article):
    url = article.get_absolute_url()
    warm(client, url, "Radar network completed")
    support = SupportPage.objects.get_or_create(pk=SupportPage.SINGLETON_PK)[0]
    support.cta_sentence = "Keep this desk [reporting]."
    support.save()
    assert "Keep this desk" in page(client, url)[1]
    PageFactory(title="Ethics policy", slug="ethics")
    assert "Ethics policy" in page(client, url)[1]  # the footer lists site pages


def test_a_scheduled_article_appears_when_its_time_comes_with_no_worker(client, article):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ArticleFactory(
            title="Submarine contract announced",
            published_at=timezone.now() + timedelta(minutes=10),
        )
        warm(client, "/", "Radar network completed")
        assert "Submarine contract" not in page(client, "/")[1]
        traveller.shift(timedelta(minutes=10, seconds=1))
        state, html = page(client, "/")
        assert state == "miss" and "Submarine contract announced" in html


def test_a_dated_correction_appears_when_its_time_comes_with_no_worker(client, article):
    url = article.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        Correction.objects.create(
            article=article,
            text="The radar's range was misstated.",
            published_at=timezone.now() + timedelta(minutes=10),
        )
        warm(client, url, "Radar network completed")
        traveller.shift(timedelta(minutes=10, seconds=1))
        state, html = page(client, url)
        assert state == "miss" and "The radar's range was misstated." in html


def test_a_hit_carries_the_same_headers_as_the_miss_that_stored_it(client, article):
    """The cache runs before every other middleware, so a hit must replay the security,
    CSP, permissions-policy and reporting headers those middleware added to the miss."""
    url = article.get_absolute_url()
    miss, hit = client.get(url), client.get(url)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Reporting-Endpoints",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
    ):
        assert miss.has_header(name), name
    headers = {k: without_nonce(miss, v) for k, v in miss.items() if k != "X-Page-Cache"}
    assert {k: without_nonce(hit, v) for k, v in hit.items() if k != "X-Page-Cache"} == headers


def count_cache_reads(monkeypatch):
    reads = []
    for name in ("get", "get_many"):
        original = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, _o=original, _n=name, **k: reads.append(_n) or _o(*a, **k)
        )
    return reads


def test_a_hit_is_served_from_process_memory_without_a_cache_read(client, article, monkeypatch):
    url = article.get_absolute_url()
    client.get(url)
    client.get(url)  # the content version is now in process memory
    reads = count_cache_reads(monkeypatch)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads == []


def test_a_page_stored_by_another_process_is_one_cache_read(client, article, monkeypatch):
    from core import pagecache

    url = article.get_absolute_url()
    client.get(url)
    client.get(url)
    pagecache.local_pages.clear()  # as in a process that has not served this page yet
    reads = count_cache_reads(monkeypatch)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads == ["get"]
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads == ["get"]  # and then it is in this process's memory too


def test_the_process_memory_tier_is_bounded(client, settings, monkeypatch):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    urls = [ArticleFactory(title=f"Bounded story {n}").get_absolute_url() for n in range(3)]
    for url in urls:
        client.get(url)
    reads = count_cache_reads(monkeypatch)
    assert page(client, urls[2])[0] == "hit" and reads == []
    assert page(client, urls[0])[0] == "hit" and reads == ["get"]  # the oldest was dropped


def test_a_page_larger_than_the_memory_tier_stays_in_the_shared_cache(
    client, article, settings, monkeypatch
):
    settings.PAGE_CACHE_LOCAL_BYTES = 10
    url = article.get_absolute_url()
    client.get(url)
    reads = count_cache_reads(monkeypatch)
    assert page(client, url)[0] == "hit" and page(client, url)[0] == "hit"
    assert reads == ["get", "get"]


def test_process_memory_entries_expire(client, article, settings, monkeypatch):
    import time

    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    url = article.get_absolute_url()
    client.get(url)
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + 61)
    reads = count_cache_reads(monkeypatch)
    assert page(client, url)[0] == "hit"
    assert "get" in reads  # from the shared cache again


def test_a_change_made_by_another_process_reaches_readers_within_the_state_time(
    client, article, settings, monkeypatch
):
    """Each process keeps the content version PAGE_CACHE_STATE_SECONDS; a version written
    by another process (here: straight into the cache) is seen once that has passed (the
    process's clock moved on, not waited for)."""
    import time

    from core.content_state import VERSION_KEY

    settings.PAGE_CACHE_STATE_SECONDS = 1
    started = time.monotonic()
    clock = {"now": started}
    monkeypatch.setattr(time, "monotonic", lambda: clock["now"])
    url = article.get_absolute_url()
    assert page(client, url)[0] == "miss"
    assert page(client, url)[0] == "hit"
    cache.set(VERSION_KEY, "written-by-another-process", None)
    clock["now"] = started + 0.9
    assert page(client, url)[0] == "hit"  # this process still has the old version
    clock["now"] = started + 1.1
    assert page(client, url)[0] == "miss"


# --- Bogus cookies (issue 27): served like no cookie -----------------------------------


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=x",
        "sessionid=0123456789abcdefghijklmnopqrstuv",  # a well-formed key of no session
        "messages=forged",
        'messages="W1siX19qc29uX21lc3NhZ2UiXV0:1tZ:badsignature"',
        "read_primary=1",
        "read_primary=1:1tZabc:forgedsignature",
    ],
)
def test_a_bogus_cookie_is_served_from_the_cache_like_no_cookie(client, article, cookie):
    url = article.get_absolute_url()
    assert page(client, url)[0] == "miss"
    response = client.get(url, HTTP_COOKIE=cookie)
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"


def test_a_real_session_flash_message_or_recent_write_still_bypasses(
    staff_client, article, rf, settings
):
    client = Client()
    url = article.get_absolute_url()
    assert page(client, url)[0] == "miss"
    # A signed-in reader or staff member: a session that exists.
    assert "X-Page-Cache" not in staff_client.get(url)
    # A flash message the site set (signed by messages' cookie storage).
    storage = CookieStorage(rf.get("/"))
    response = HttpResponse()
    storage._store([Message(constants.SUCCESS, "Thank you.")], response)
    flash = response.cookies[CookieStorage.cookie_name].value
    assert "X-Page-Cache" not in client.get(url, HTTP_COOKIE=f'messages="{flash}"')
    # A client that has just written: the router's signed cookie.
    response = HttpResponse()
    response.set_signed_cookie(settings.READ_YOUR_WRITES_COOKIE, "1", salt=COOKIE_SALT)
    wrote = response.cookies[settings.READ_YOUR_WRITES_COOKIE].value
    assert "X-Page-Cache" not in client.get(url, HTTP_COOKIE=f"read_primary={wrote}")


def test_a_script_name_header_cannot_store_one_page_under_another_address(client, article):
    """gunicorn takes SCRIPT_NAME from the request: '/ethics' in front of '/' must not
    keep the front page as /ethics/ for every later reader."""
    PageFactory(title="Ethics policy", slug="ethics", body="<p>We correct errors openly.</p>")
    poisoned = client.get("/", SCRIPT_NAME="/ethics")
    assert poisoned.status_code == 200

    state, html = page(client, "/ethics/")
    assert "We correct errors openly." in html
    assert "Radar network completed" not in html


def _nonces(response):
    """(the nonce in the CSP header, the set of nonces on the page's inline scripts)."""
    import re

    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return header, set(re.findall(r'<script[^>]* nonce="([^"]+)"', response.content.decode()))


def test_every_reader_of_a_cached_page_gets_a_nonce_of_their_own(client, article):
    url = article.get_absolute_url()
    first, second, third = client.get(url), client.get(url), client.get(url)
    assert [r["X-Page-Cache"] for r in (first, second, third)] == ["miss", "hit", "hit"]

    seen = set()
    for response in (first, second, third):
        header, on_page = _nonces(response)
        assert on_page == {header}  # the inline scripts carry this response's nonce
        seen.add(header)
    assert len(seen) == 3
    # A conditional request still matches: the ETag names the page, not the nonce.
    assert second["ETag"] == third["ETag"] == first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_a_change_made_while_the_cache_was_unreachable_reaches_other_servers(
    client, article, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Server A (cache up) has the article cached. An editor unpublishes it through server
    B, whose connection to the shared cache fails, so the new version cannot be written
    there. A stops serving the article once it reads the content state again (the version
    kept in PostgreSQL), within PAGE_CACHE_STATE_SECONDS, not at the end of the TTL."""
    import time

    from core.cache import FailSoftRedisCache
    from core.content_state import content_state

    settings.PAGE_CACHE_STATE_SECONDS = 1
    url = article.get_absolute_url()
    assert page(client, url)[0] == "miss"
    assert page(client, url)[0] == "hit"
    server_a = content_state._held  # what A's process holds

    unreachable = FailSoftRedisCache("redis://127.0.0.1:1/0", {"TIMEOUT": 300})
    monkeypatch.setattr(content_state, "cache", unreachable)  # server B
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    monkeypatch.setattr(content_state, "cache", cache)  # server A again, with only its memory
    content_state.forget()
    content_state._held = server_a

    assert page(client, url)[0] == "hit"  # A has not read the content state again yet
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + 1.5)
    assert client.get(url).status_code == 404
