"""The beacon's outbox: a web process sends its hits to Redis from a thread, many in one
round trip, so the request waits on no Redis; full or Redis down, hits are dropped and
counted, never an error for the reader."""

import logging
import socket
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from stats import buffer, outbox, tasks
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flushes(monkeypatch):
    """The flush tasks asked for (not run: the sender thread has its own connection)."""
    asked = []
    monkeypatch.setattr(tasks, "schedule_flush", lambda: asked.append(1))
    return asked


@pytest.fixture
def article():
    return ArticleFactory(title="Radar order", published_at=timezone.now() - timedelta(hours=2))


def test_hits_reach_redis_from_the_sender_thread_in_one_round_trip(
    beacon, article, settings, stats_redis, flushes
):
    settings.STATS_OUTBOX_SECONDS = 0.05
    for _ in range(3):
        assert beacon(article.get_absolute_url()).status_code == 204
    deadline = time.monotonic() + 10
    while stats_redis.llen(buffer.QUEUE_KEY) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert stats_redis.llen(buffer.QUEUE_KEY) == 3
    assert flushes == [1]  # one flush asked for, whichever round trip carried the hits


def test_a_full_outbox_drops_and_counts(settings, stats_redis, monkeypatch, flushes, caplog):
    settings.STATS_OUTBOX_SECONDS = 0.05
    monkeypatch.setattr(outbox, "_start", lambda: None)  # no thread: sent by hand below
    monkeypatch.setattr(outbox, "OUTBOX_MAX", 2)
    with caplog.at_level(logging.WARNING, logger="stats.buffer"), outbox.quiet():
        for n in range(3):  # a sender thread an earlier test started waits meanwhile
            outbox.push(f'[{n}, "/"]')
        assert "1 hits dropped" in caplog.text
        assert outbox.send() == 2
    assert stats_redis.llen(buffer.QUEUE_KEY) == 2
    assert flushes == [1]


def test_redis_down_drops_the_outbox_and_logs(settings, monkeypatch, flushes, caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.STATS_REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.STATS_OUTBOX_SECONDS = 0.05
    monkeypatch.setattr(outbox, "_start", lambda: None)
    with caplog.at_level(logging.WARNING, logger="stats.buffer"), outbox.quiet():
        outbox.push('[1, "/"]')
        outbox.push('[2, "/"]')
        assert outbox.send() == 2  # taken off the outbox, dropped, never raised
    assert "2 hits dropped" in caplog.text
    assert flushes == []


def test_a_failing_task_queue_never_fails_the_beacon(beacon, article, stats_redis, monkeypatch):
    def broken():
        raise DatabaseError("the task table is gone")

    monkeypatch.setattr(tasks, "schedule_flush", broken)
    assert beacon(article.get_absolute_url()).status_code == 204
    assert stats_redis.llen(buffer.QUEUE_KEY) == 1  # kept: a later hit asks for the flush
