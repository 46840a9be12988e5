"""The newsroom's time zone (settings.TIME_ZONE, NEWSROOM_TIME_ZONE, Europe/London unless
set): addresses, the one-slug-per-day rule, datelines, listings, feeds and sitemaps follow
it, and the times readers see are written so that a cached page never says something
that has stopped being true (static/js/times.js words them for the moment of reading)."""

import importlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from defusedxml import ElementTree
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, ArticleRedirect
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 1 July is 00:30 on 2 July in London (BST, UTC+1).
NEAR_MIDNIGHT = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
_zone_migration = importlib.import_module("articles.migrations.0015_slug_per_day_in_newsroom_zone")


def settings_time_zone(**env):
    """settings.TIME_ZONE as a fresh process reads it from this environment."""
    code = "from django.conf import settings; print(settings.TIME_ZONE)"
    environ = {k: v for k, v in os.environ.items() if k != "NEWSROOM_TIME_ZONE"}
    environ.update(DJANGO_SETTINGS_MODULE="defenceblog.settings_test", **env)
    return subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60
    )


def test_the_newsroom_zone_is_london_unless_the_environment_names_another():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings_time_zone().stdout.strip() == "Europe/London"
    assert settings_time_zone(NEWSROOM_TIME_ZONE="Asia/Tokyo").stdout.strip() == "Asia/Tokyo"
    wrong = settings_time_zone(NEWSROOM_TIME_ZONE="Mars/Olympus")
    assert wrong.returncode != 0
    assert "NEWSROOM_TIME_ZONE='Mars/Olympus' is not a time zone name" in wrong.stderr


def test_an_article_lives_at_its_newsroom_day_and_its_dateline_says_the_zone(client):
    article = ArticleFactory(slug="night-launch", published_at=NEAR_MIDNIGHT)

    assert article.get_absolute_url() == "/2026/07/02/night-launch/"
    html = client.get("/2026/07/02/night-launch/").content.decode()
    assert '<time datetime="2026-07-02T00:30:00+01:00">2 July 2026, 00:30 BST</time>' in html
    assert "UTC" not in html
    assert client.get("/2026/07/01/night-launch/").status_code == 404


def test_one_slug_per_day_is_counted_in_the_newsroom_day():
    ArticleFactory(slug="drill", published_at=NEAR_MIDNIGHT)  # 2 July in London
    ArticleFactory(slug="drill", published_at=NEAR_MIDNIGHT - timedelta(hours=12))  # 1 July

    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="drill", published_at=NEAR_MIDNIGHT + timedelta(hours=12))  # 2 July


def test_listings_say_the_date_with_the_exact_moment_in_datetime_and_title(client):
    ArticleFactory(title="Night launch", published_at=NEAR_MIDNIGHT)
    html = client.get("/").content.decode()
    assert (
        '<time datetime="2026-07-02T00:30:00+01:00" title="2 July 2026, 00:30 BST" data-day>'
        "2 July 2026</time>"
    ) in html


def test_a_story_from_minutes_ago_is_dated_on_the_server_and_timed_by_the_script(client):
    """The server never writes "14:05" for today's story: a page cached until tomorrow
    would still say it. It writes the date; times.js says the time of day."""
    article = ArticleFactory(published_at=timezone.now() - timedelta(minutes=5))
    local = timezone.localtime(article.published_at)
    html = client.get("/").content.decode()
    assert f"data-day>{local.day} {local:%B %Y}</time>" in html
    assert 'data-time-zone="Europe/London"' in html
    assert '<script src="/static/js/times.js" defer></script>' in html


def test_updated_is_exact_on_the_server_and_relative_in_the_browser(client):
    updated = datetime(2026, 7, 2, 9, 15, tzinfo=UTC)
    article = ArticleFactory(published_at=NEAR_MIDNIGHT, content_updated_at=updated)
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        'Updated <time datetime="2026-07-02T10:15:00+01:00" title="2 July 2026, 10:15 BST" '
        "data-relative>2 July 2026, 10:15 BST</time>"
    ) in html


def test_feeds_carry_the_moment_and_the_news_sitemap_the_newsroom_offset(client, time_machine):
    time_machine.move_to(NEAR_MIDNIGHT + timedelta(hours=2), tick=False)
    ArticleFactory(title="Night launch", published_at=NEAR_MIDNIGHT)
    feed = ElementTree.fromstring(client.get("/feed/").content)
    assert parsedate_to_datetime(feed.find("channel/item/pubDate").text) == NEAR_MIDNIGHT
    sitemap = client.get("/news-sitemap.xml").content.decode()
    assert "<news:publication_date>2026-07-02T00:30:00+01:00</news:publication_date>" in sitemap


def test_scheduled_publication_is_a_moment_not_a_local_day(client, time_machine):
    time_machine.move_to(datetime(2026, 7, 1, 22, 0, tzinfo=UTC), tick=False)  # 23:00 BST
    article = ArticleFactory(
        slug="at-midnight", status=Article.Status.PUBLISHED, published_at=NEAR_MIDNIGHT
    )
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get("/2026/07/02/at-midnight/").status_code == 404
    time_machine.move_to(NEAR_MIDNIGHT + timedelta(minutes=1), tick=False)
    assert client.get("/2026/07/02/at-midnight/").status_code == 200


def test_articles_whose_day_moved_from_utc_keep_their_old_address(client):
    moved = ArticleFactory(slug="night-launch", published_at=NEAR_MIDNIGHT)
    ArticleFactory(slug="noon", published_at=NEAR_MIDNIGHT - timedelta(hours=12))

    _zone_migration.keep_utc_addresses(apps, None)
    _zone_migration.keep_utc_addresses(apps, None)  # again: nothing twice

    assert list(ArticleRedirect.objects.values_list("old_path", "article")) == [
        ("/2026/07/01/night-launch/", moved.pk)
    ]
    response = client.get("/2026/07/01/night-launch/")
    assert response.status_code == 301
    assert response["Location"] == "/2026/07/02/night-launch/"
