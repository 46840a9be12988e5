import json
from datetime import UTC, timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from stats import buffer, ingest, outbox, privacy
from stats.models import HIT_TABLE
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.helpers.redis_server import redis_url

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def stats_redis(settings, tmp_path):
    """The buffer in a real Redis of this test's own (a throwaway redis-server), emptied
    before and after, and the outbox left empty and idle (outbox.quiet). Not REDIS_URL's:
    the test processes of one run (pytest -n) would share its keys, and one test's flush
    flag or emptying would reach another's."""
    with redis_url(tmp_path, own=True) as url:
        with outbox.quiet():
            yield from _stats_redis(settings, url)


def _stats_redis(settings, url):
    settings.STATS_REDIS_URL = url
    settings.STATS_OUTBOX_SECONDS = 0  # each hit sent in its request (tests/stats/test_outbox.py)
    conn = redis.Redis.from_url(url)

    def empty():
        keys = list(conn.scan_iter("stats:*"))
        if keys:
            conn.delete(*keys)

    empty()
    buffer.reset()
    privacy.forget_salts()
    yield conn
    empty()
    buffer.reset()
    privacy.forget_salts()


@pytest.fixture
def beacon(client):
    """POST a beacon as a browser would; extra headers as keyword arguments."""

    def send(path, kind=1, user_agent=BROWSER, address="203.0.113.9", **fields):
        body = json.dumps({"p": path, "k": kind, **fields})
        return client.post(
            "/stats/hit",
            body,
            content_type="text/plain",
            headers={"User-Agent": user_agent},
            REMOTE_ADDR=address,
        )

    return send


def raw_hits():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(ingest.COLUMNS)} FROM {HIT_TABLE} ORDER BY at")  # noqa: S608
        return [dict(zip(ingest.COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def queue(stats_redis, path, kind=1, seconds=0, visitor=None, at=None, source="direct", host=""):
    at = (at or timezone.now()).timestamp()
    line = [at, path, kind, seconds, visitor, source, host, "", "", ""]
    stats_redis.rpush(buffer.QUEUE_KEY, json.dumps(line))


def days_ago(days, hour=10):
    now = timezone.now().astimezone(UTC)
    moment = now.replace(hour=hour, minute=0, second=0, microsecond=0) - timedelta(days=days)
    return min(moment, now - timedelta(minutes=1))


@pytest.fixture
def month(stats_redis):
    """A month of hits on three articles, from three referrers, in several hours a day,
    ingested as the worker does (which marks their days for the daily rollup)."""
    naval, air = SectionFactory(name="Naval"), SectionFactory(name="Air")
    ada, bo = AuthorFactory(name="Ada Reporter"), AuthorFactory(name="Bo Writer")
    tank = ArticleFactory(title="Tank order signed", section=naval, authors=[ada])
    jet = ArticleFactory(title="Jet deliveries slip", section=air, authors=[ada, bo])
    sub = ArticleFactory(title="Submarine sea trials", section=naval, authors=[bo])
    referrers = [("search", "www.google.com"), ("social", "t.co"), ("direct", "")]
    visitor = 0
    for days in (0, 1, 3, 6, 7, 12, 29, 31):
        for n, article in enumerate((tank, jet, sub)):
            for hour in (1, 9, 17)[: n + 1 + days % 2]:
                at = days_ago(days, hour)
                source, host = referrers[(days + hour) % 3]
                for _ in range(days % 4 + n + 1):
                    visitor += 1
                    url = article.get_absolute_url()
                    queue(stats_redis, url, visitor=visitor, at=at, source=source, host=host)
                queue(stats_redis, url, kind=2, at=at)
                queue(stats_redis, url, kind=5, seconds=20 + days, at=at)
    ingest.flush()
    return {"tank": tank, "jet": jet, "sub": sub}
