"""What readers see of a live blog: the article page's timeline, the poll endpoint, older
updates, one update's page, the JSON-LD, the feed and the news sitemap."""

import json
import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.core.cache import cache
from django.utils import timezone

from liveblog import pages
from liveblog.models import LiveUpdate, UpdateCorrection
from tests.factories import ArticleFactory
from tests.liveblog.conftest import post

pytestmark = pytest.mark.django_db
LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


def poll_url(blog):
    return f"/live/{blog.pk}/updates.json"


def json_ld(html):
    return json.loads(LD.search(html).group(1))["@graph"][0]


def test_updates_show_newest_first_with_key_events_and_pinned_first(client, blog, reporter):
    post(blog, 30, headline="Fog lifts", key_event=True)
    post(blog, 20, body="<p>Helicopters overhead.</p>", author=reporter)
    post(blog, 50, headline="How we cover this", pinned=True)
    corrected = post(blog, 10, headline="First wave ashore", key_event=True)
    UpdateCorrection.objects.create(update=corrected, text="It was eleven minutes late.")

    html = client.get(blog.article.get_absolute_url()).content.decode()

    summary = html[
        html.index('class="key-events"') : html.index("</nav>", html.index("key-events"))
    ]
    assert re.findall(r"\d\d:\d\d</time> ([^<]+)</a>", summary) == [
        "How we cover this",
        "First wave ashore",
        "Fog lifts",
    ]
    stream = html[html.index('class="live-updates"') :]
    assert re.findall(r'class="live-update-headline">([^<]+)<', html) == [
        "How we cover this",  # pinned, above the newest
        "First wave ashore",
        "Fog lifts",
    ]
    assert (
        stream.index("First wave ashore") < stream.index("Helicopters") < stream.index("Fog lifts")
    )
    assert f'id="update-{corrected.pk}"' in html
    assert f'href="{blog.article.get_absolute_url()}#update-{corrected.pk}"' in html
    assert "It was eleven minutes late." in html
    assert 'href="/author/mira-lindqvist/">Mira Lindqvist</a>' in html
    assert f'data-live-poll="{poll_url(blog)}"' in html and "js/liveblog" in html
    assert '<span class="live-badge">Live</span>' in html


def test_an_ordinary_article_has_no_timeline(client):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "live-blog" not in html and "liveblog.js" not in html
    assert json_ld(html)["@type"] == "NewsArticle"


def test_ended_coverage_reads_as_an_article_with_its_updates(client, blog):
    post(blog, 5, headline="Last landing craft ashore")
    blog.coverage_end = timezone.now()
    blog.save()
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert "Last landing craft ashore" in html
    assert "Live coverage ended" in html
    assert "data-live-poll" not in html and "liveblog.js" not in html
    data = json_ld(html)
    assert data["coverageEndTime"] == blog.coverage_end.isoformat()


def test_json_ld_is_a_live_blog_posting_with_its_updates(client, blog, reporter):
    first = post(blog, 20, headline="Fog lifts", author=reporter)
    second = post(blog, 5, body="<p>Causeway <b>open</b>.</p>")
    html = client.get(blog.article.get_absolute_url()).content.decode()
    data = json_ld(html)
    url = data["url"]
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == blog.coverage_start.isoformat()
    assert "coverageEndTime" not in data
    updates = data["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [f"{url}#update-{second.pk}", f"{url}#update-{first.pk}"]
    assert updates[0]["@type"] == "BlogPosting"
    assert updates[0]["articleBody"] == "Causeway open."
    assert updates[0]["datePublished"] == second.published_at.isoformat()
    assert updates[1]["headline"] == "Fog lifts"
    assert updates[1]["author"]["name"] == "Mira Lindqvist"


@pytest.mark.parametrize("count", [3, 45])
def test_article_page_runs_a_fixed_number_of_queries(
    client, blog, django_assert_num_queries, warm_site, count
):
    for n in range(count):
        update = post(blog, n + 1, key_event=n % 4 == 0, pinned=n == 2)
        if n % 5 == 0:
            UpdateCorrection.objects.create(update=update, text=f"Correction {n}.")
    warm_site()
    # The article, its bylines, tags and corrections, whether it is a live blog; its key
    # events and pinned updates, its newest updates and their corrections; the related
    # articles (none here, so no teaser bylines).
    with django_assert_num_queries(9):
        response = client.get(blog.article.get_absolute_url())
    html = response.content.decode()
    shown = html.count("data-update=")
    assert shown == min(count, pages.PAGE_UPDATES + 1)  # one pinned and at most 30 others
    assert ("Older updates" in html) == (count > pages.PAGE_UPDATES + 1)


def test_older_updates_continue_where_the_page_stops(client, blog):
    updates = [post(blog, n + 1, headline=f"Update {n}") for n in range(35)]
    html = client.get(blog.article.get_absolute_url()).content.decode()
    last_shown = updates[pages.PAGE_UPDATES - 1]
    assert f"/live/{blog.pk}/older/?before={last_shown.pk}" in html
    older = client.get(f"/live/{blog.pk}/older/?before={last_shown.pk}")
    assert older.status_code == 200
    assert older["X-Robots-Tag"] == "noindex, follow"
    text = older.content.decode()
    assert re.findall(r'class="live-update-headline">Update (\d+)<', text) == [
        str(n) for n in range(30, 35)
    ]
    assert client.get(f"/live/{blog.pk}/older/?before=x").status_code == 404


def test_an_update_has_a_page_of_its_own(client, blog):
    update = post(blog, headline="Causeway open")
    response = client.get(f"/live/{blog.pk}/updates/{update.pk}/")
    assert response.status_code == 200
    assert "Causeway open" in response.content.decode()


def test_poll_answers_200_then_304_until_an_update_is_posted(
    client, blog, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = True
    first_update = post(blog, 5, headline="Fog lifts")
    response = client.get(poll_url(blog))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=5" in control and "max-age=0" in control
    data = json.loads(response.content)
    assert data["live"] is True
    assert [u["id"] for u in data["updates"]] == [first_update.pk]
    assert f'id="update-{first_update.pk}"' in data["updates"][0]["html"]
    etag = response["ETag"]

    with django_assert_num_queries(0):  # from the page cache, by its stored ETag
        again = client.get(poll_url(blog), headers={"If-None-Match": etag})
    assert again.status_code == 304

    new = post(blog, 0, headline="First wave ashore")
    fresh = client.get(poll_url(blog), headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert [u["id"] for u in json.loads(fresh.content)["updates"]] == [new.pk, first_update.pk]


def test_a_poll_with_a_matching_etag_on_a_miss_is_kept_for_the_next_reader(
    client, blog, settings, django_assert_num_queries
):
    """After a change elsewhere on the site, the first poll (from a reader whose copy is
    still current) gets its 304, and the page cache keeps the whole answer for the rest."""
    settings.PAGE_CACHE = True
    post(blog, headline="Fog lifts")
    etag = client.get(poll_url(blog))["ETag"]
    ArticleFactory(title="Another story")  # a new content state: the poll is a miss
    first = client.get(poll_url(blog), headers={"If-None-Match": etag})
    assert first.status_code == 304
    with django_assert_num_queries(0):
        second = client.get(poll_url(blog))
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert second["ETag"] == etag


def test_poll_answers_304_without_the_page_cache_too(client, blog, settings):
    settings.PAGE_CACHE = False
    post(blog)
    etag = client.get(poll_url(blog))["ETag"]
    assert client.get(poll_url(blog), headers={"If-None-Match": etag}).status_code == 304


def test_poll_is_never_cached_for_signed_in_staff(client, blog, editor):
    client.force_login(editor)
    response = client.get(poll_url(blog))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_poll_of_an_unpublished_article_is_404(client):
    from articles.models import Article
    from liveblog.models import LiveBlog

    blog = LiveBlog.objects.create(article=ArticleFactory(status=Article.Status.DRAFT))
    assert client.get(poll_url(blog)).status_code == 404
    assert client.get("/live/999999/updates.json").status_code == 404


def test_poll_says_when_coverage_ended(client, blog):
    blog.coverage_end = timezone.now()
    blog.save()
    assert json.loads(client.get(poll_url(blog)).content)["live"] is False


def test_a_new_update_reaches_the_cached_article_page(client, blog, settings):
    settings.PAGE_CACHE = True
    url = blog.article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    post(blog, headline="Breaking: causeway open")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Breaking: causeway open" in response.content.decode()


def test_feed_carries_the_updates(client, blog, reporter):
    update = post(
        blog, 5, headline="Causeway open", body="<p>Trucks <b>roll</b>.</p>", author=reporter
    )
    UpdateCorrection.objects.create(update=update, text="Two trucks, not three.")
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert 'type="application/rss+xml" title="Live: Harbour drill: live updates"' in html
    response = client.get(f"/live/{blog.pk}/feed/")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    item = root.find("channel/item")
    assert item.find("title").text == "Causeway open"
    assert item.find("link").text.endswith(f"{blog.article.get_absolute_url()}#update-{update.pk}")
    assert "Trucks <b>roll</b>." in item.find("description").text
    assert "Two trucks, not three." in item.find("description").text


def test_news_sitemap_lists_the_live_blog_while_it_is_live(client, blog):
    cache.clear()
    LiveUpdate.objects.all().delete()
    blog.article.published_at = timezone.now() - timedelta(days=5)
    blog.article.save()
    blog.coverage_start = blog.article.published_at
    blog.save()
    ArticleFactory(slug="old-news", published_at=timezone.now() - timedelta(days=4))
    text = client.get("/news-sitemap.xml").content.decode()
    assert blog.article.get_absolute_url() in text and "old-news" not in text
    blog.coverage_end = timezone.now()
    blog.save()
    assert blog.article.get_absolute_url() not in client.get("/news-sitemap.xml").content.decode()


def test_poll_sends_pinned_updates_and_key_events_at_the_top(client, blog):
    post(blog, 20, headline="Fog lifts", key_event=True)
    post(blog, 5, headline="Safety notice", pinned=True)
    data = client.get(poll_url(blog)).json()
    assert "Safety notice" in data["highlights"]
    assert 'class="key-events"' in data["highlights"] and "Fog lifts" in data["highlights"]
    assert all("Safety notice" not in update["html"] for update in data["updates"])


def test_poll_sends_an_edited_or_corrected_update_anew(client, blog):
    update = post(blog, 10, headline="First wave ashore")
    before = client.get(poll_url(blog)).json()["updates"][0]["html"]
    update.body = "<p>Eleven minutes late.</p>"
    update.save()
    UpdateCorrection.objects.create(update=update, text="The time was wrong.")
    after = client.get(poll_url(blog)).json()["updates"][0]["html"]
    assert after != before
    assert "Eleven minutes late." in after and "The time was wrong." in after


def test_live_blog_shows_live_and_the_last_update_by_the_headline_without_reading_time(
    client, blog
):
    newest = post(blog, 2, headline="Fog lifts")
    html = client.get(blog.article.get_absolute_url()).content.decode()
    start = html.index('<header class="article-header">')
    header = html[start : html.index("</header>", start)]
    assert '<span class="live-badge">Live</span>' in header
    moment = timezone.localtime(newest.published_at).replace(microsecond=0).isoformat()
    assert f'<time datetime="{moment}"' in header
    assert "min read" not in header


def test_ordinary_article_keeps_its_reading_time_and_no_badge(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "min read" in html and "live-status" not in html
