"""The beacon endpoint: 204 with no cookie, bad bodies refused with no trace, bots and
unknown paths ignored, GPC/DNT readers counted without a visitor, Redis down never a 500."""

import json
import logging
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from stats import buffer
from stats.models import ArticleHour, SourceHour
from tests.factories import ArticleFactory
from tests.stats.conftest import raw_hits

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Tank order", published_at=timezone.now() - timedelta(hours=2))


def test_view_answers_204_without_cookie_and_is_counted(beacon, article):
    response = beacon(article.get_absolute_url(), r="www.google.com")
    assert response.status_code == 204
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response["Cache-Control"]
    [hit] = raw_hits()
    assert (hit["article_id"], hit["kind"], hit["source"]) == (article.pk, 1, "search")
    hour = ArticleHour.objects.get(article=article)
    assert (hour.views, hour.visitors) == (1, 1)
    assert SourceHour.objects.get(article=article).host == "www.google.com"


def test_nothing_about_the_reader_is_stored(beacon, article):
    beacon(article.get_absolute_url(), address="198.51.100.77")
    [hit] = raw_hits()
    stored = json.dumps(hit, default=str)
    assert "198.51.100" not in stored
    assert "Mozilla" not in stored and "Chrome" not in stored
    assert isinstance(hit["visitor"], int)


def test_same_reader_counts_once_a_day_and_is_new_the_next_day(beacon, article, stats_redis):
    url = article.get_absolute_url()
    beacon(url)
    beacon(url)
    beacon(url, address="192.0.2.1")
    hits = raw_hits()
    assert hits[0]["visitor"] == hits[1]["visitor"] != hits[2]["visitor"]
    totals = ArticleHour.objects.get(article=article)
    assert (totals.views, totals.visitors) == (3, 2)
    [salt_key] = stats_redis.keys("stats:salt:*")
    ttl = stats_redis.ttl(salt_key)
    assert 0 < ttl <= 25 * 3600  # gone an hour after its day ends


def test_a_new_day_has_a_new_salt(beacon, article, time_machine):
    url = article.get_absolute_url()
    time_machine.move_to(timezone.now().replace(hour=23, minute=50))
    beacon(url)
    time_machine.move_to(timezone.now() + timedelta(minutes=20))
    beacon(url)
    first, second = raw_hits()
    assert first["at"].date() != second["at"].date()
    assert first["visitor"] != second["visitor"]


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_gpc_or_dnt_counts_the_view_but_no_visitor(client, article, header):
    body = json.dumps({"p": article.get_absolute_url(), "k": 1})
    headers = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", **header}
    response = client.post("/stats/hit", body, content_type="text/plain", headers=headers)
    assert response.status_code == 204
    [hit] = raw_hits()
    assert hit["visitor"] is None
    totals = ArticleHour.objects.get(article=article)
    assert (totals.views, totals.visitors) == (1, 0)


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)",
    ],
)
def test_bots_are_not_counted(beacon, article, user_agent):
    assert beacon(article.get_absolute_url(), user_agent=user_agent).status_code == 204
    assert raw_hits() == []
    assert not ArticleHour.objects.exists()


@pytest.mark.parametrize("path", ["/admin/", "/no/such/page/", "/preview/abc/", "/stats/hit"])
def test_unknown_paths_are_ignored(beacon, path):
    assert beacon(path).status_code == 204
    assert raw_hits() == []


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"p": "/", "k": 9}',
        '{"p": "no-slash", "k": 1}',
        '{"p": "/", "k": 1, "r": "bad host/with path"}',
        '{"p": "/", "k": 5, "s": -3}',
        '{"p": "/", "k": 1, "u": {"evil": "x"}}',
        '{"p": "/", "k": 1, "u": {"source": "<script>"}}',
    ],
)
def test_malformed_bodies_are_refused_with_no_trace(client, body, stats_redis):
    response = client.post("/stats/hit", body, content_type="text/plain")
    assert response.status_code == 400
    assert raw_hits() == []
    assert stats_redis.llen(buffer.QUEUE_KEY) == 0


def test_oversized_body_is_refused(client, stats_redis):
    body = json.dumps({"p": "/", "k": 1, "r": "x" * 2000})
    response = client.post("/stats/hit", body, content_type="text/plain")
    assert response.status_code == 413
    assert stats_redis.llen(buffer.QUEUE_KEY) == 0


def test_get_is_not_allowed(client):
    assert client.get("/stats/hit").status_code == 405


def test_front_page_hits_are_kept_raw_without_a_rollup(beacon):
    assert beacon("/").status_code == 204
    [hit] = raw_hits()
    assert (hit["path"], hit["article_id"]) == ("/", None)
    assert not ArticleHour.objects.exists()


def test_redis_down_answers_204_drops_and_logs(beacon, article, settings, caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.STATS_REDIS_URL = f"redis://127.0.0.1:{port}/0"
    with caplog.at_level(logging.WARNING, logger="stats.buffer"):
        first = beacon(article.get_absolute_url())
        second = beacon(article.get_absolute_url())
    assert (first.status_code, second.status_code) == (204, 204)
    assert raw_hits() == []
    assert "hits dropped" in caplog.text


def test_the_beacon_is_answered_before_any_other_middleware(beacon, article):
    response = beacon(article.get_absolute_url())
    assert response.status_code == 204
    assert "Content-Security-Policy" not in response  # the CSP middleware never ran
    assert "X-Page-Cache" not in response  # nor the page cache
    [hit] = raw_hits()
    assert hit["article_id"] == article.pk
