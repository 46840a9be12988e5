"""Ingest: batches from Redis to the partitioned raw table and the hourly rollups, the
engagement marks, bounded work per flush, a failed batch kept, and retention by partition."""

import json
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import task_backends

from stats import beacon, buffer, ingest, tasks
from stats.models import HIT_TABLE, ArticleHour, Source
from tests.factories import ArticleFactory
from tests.stats.conftest import queue, raw_hits

pytestmark = pytest.mark.django_db


def test_engagement_marks_roll_up(stats_redis):
    article = ArticleFactory()
    url = article.get_absolute_url()
    queue(stats_redis, url, visitor=7)
    for kind in (2, 3, 4):
        queue(stats_redis, url, kind=kind)
    queue(stats_redis, url, kind=5, seconds=40)
    assert ingest.flush() == 5
    hour = ArticleHour.objects.get(article=article)
    assert (hour.views, hour.visitors, hour.engaged) == (1, 1, 1)
    assert (hour.read_half, hour.read_most, hour.timed, hour.engaged_seconds) == (1, 1, 1, 40)


def test_rollups_add_up_across_batches(stats_redis):
    article = ArticleFactory()
    for visitor in (1, 2):
        queue(stats_redis, article.get_absolute_url(), visitor=visitor)
        ingest.flush()
    hour = ArticleHour.objects.get(article=article)
    assert (hour.views, hour.visitors) == (2, 2)


def test_a_flush_does_bounded_work(stats_redis, monkeypatch):
    monkeypatch.setattr(ingest, "BATCH", 10)
    for _ in range(35):
        queue(stats_redis, "/")
    assert ingest.flush(max_batches=2) == 20
    assert buffer.waiting() == 15


def test_a_failed_batch_goes_back_to_the_buffer(stats_redis, monkeypatch):
    queue(stats_redis, "/")
    queue(stats_redis, "/section/news/")

    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr(ingest, "_to_hours", broken)  # after the raw rows went in
    with pytest.raises(RuntimeError):
        ingest.flush()
    assert [json.loads(x)[1] for x in stats_redis.lrange(buffer.QUEUE_KEY, 0, -1)] == [
        "/",
        "/section/news/",
    ]
    assert raw_hits() == []


def test_raw_table_is_partitioned_by_day_and_expired_days_are_dropped(stats_redis, settings):
    settings.STATS_RETENTION_DAYS = 30
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=40))
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    queue(stats_redis, article.get_absolute_url(), at=old, visitor=1)
    queue(stats_redis, article.get_absolute_url(), at=recent, visitor=1)
    ingest.flush()
    days = ingest.partitions()
    assert old.astimezone(UTC).date() in days and recent.astimezone(UTC).date() in days
    assert ingest.drop_expired() == [ingest.partition_name(old.astimezone(UTC).date())]
    assert [h["at"].date() for h in raw_hits()] == [recent.astimezone(UTC).date()]
    assert ArticleHour.objects.filter(article=article).count() == 2  # counts are kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [HIT_TABLE])
        assert cursor.fetchone()[0] == "p"  # a partitioned table


def test_only_published_articles_get_rollups(stats_redis):
    draft = ArticleFactory(status="draft", published_at=None)
    queue(stats_redis, f"/2020/01/01/{draft.slug}/", visitor=1)
    ingest.flush()
    assert not ArticleHour.objects.exists()


@pytest.mark.parametrize(
    ("host", "utm", "expected"),
    [
        ("", {}, Source.DIRECT),
        ("www.google.co.uk", {}, Source.SEARCH),
        ("duckduckgo.com", {}, Source.SEARCH),
        ("t.co", {}, Source.SOCIAL),
        ("old.reddit.com", {}, Source.SOCIAL),
        ("mastodon.social", {}, Source.SOCIAL),
        ("mail.google.com", {}, Source.NEWSLETTER),
        ("", {"medium": "email"}, Source.NEWSLETTER),
        ("www.janes.com", {}, Source.SITE),
        ("notgoogle.example", {}, Source.SITE),
    ],
)
def test_referrer_classes(host, utm, expected):
    assert beacon.classify(host, utm.get("source", ""), utm.get("medium", "")) == expected


def test_the_worker_keeps_flushing_while_hits_come_and_a_hit_asks_after_a_lull(
    stats_redis, beacon, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    worker = task_backends["default"]

    def enqueued():
        names = [result.task.name for result in worker.results]
        worker.clear()
        return names

    url = ArticleFactory().get_absolute_url()
    assert beacon(url).status_code == 204
    assert enqueued() == ["flush_hits"]  # the first hit asks for a flush
    beacon(url)
    assert enqueued() == []  # one is on its way
    tasks.flush_hits.call()  # wrote two: it enqueues the next flush itself
    assert enqueued() == ["flush_hits", "roll_up_days"]
    beacon(url)
    assert enqueued() == []  # so hits in steady traffic never write a task
    assert tasks.flush_hits.call() == 1
    assert enqueued() == ["flush_hits"]  # the rollup is already asked for
    assert tasks.flush_hits.call() == 0  # a lull: the chain stops
    assert enqueued() == []
    beacon(url)
    assert enqueued() == ["flush_hits"]  # and the next hit asks again
