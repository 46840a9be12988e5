"""Hits on their way to the Redis buffer: a per-process outbox, so the beacon request does
no Redis I/O at all (the round trip was half its cost, and most of its tail on a busy
machine).

The endpoint appends its line here and wakes a sender thread, which waits
settings.STATS_OUTBOX_SECONDS to gather what else arrives and sends everything in one
pipelined round trip (buffer.push_many: one RPUSH for many hits), then asks for a flush if
none is due. The price, written down in docs/privacy-analytics.md: a process killed
outright (SIGKILL, out of memory) loses the hits of its last STATS_OUTBOX_SECONDS; a
process that exits normally sends them first (atexit). The outbox holds at most
OUTBOX_MAX lines: past that, while Redis is slow or down, hits are dropped and counted
like any other drop, so a Redis outage never grows a web process's memory.

STATS_OUTBOX_SECONDS = 0 sends in the request, as before (one round trip per hit).
"""

import atexit
import logging
import os
import threading
import time
from collections import deque
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections

from . import buffer, tasks

logger = logging.getLogger(__name__)

OUTBOX_MAX = 10_000  # lines per process: a few seconds of the busiest spike

_lines = deque()
_wake = threading.Event()
_sender = {"pid": None}
_start_lock = threading.Lock()
_sending = threading.RLock()  # one send at a time: the thread, atexit, tests


def push(line):
    """Keep one hit (never raises, never waits on Redis when the outbox is on)."""
    if not settings.STATS_OUTBOX_SECONDS:
        if buffer.push_many([line]):
            ask_for_flush()
        return
    if len(_lines) >= OUTBOX_MAX:
        buffer.dropped()
        return
    _lines.append(line)
    if _sender["pid"] != os.getpid():
        _start()
    if not _wake.is_set():
        _wake.set()


def send():
    """Send what the outbox holds, in one round trip: the number of lines taken."""
    with _sending:
        lines = []
        while _lines:
            lines.append(_lines.popleft())
        if lines and buffer.push_many(lines):
            ask_for_flush()
        return len(lines)


@contextmanager
def quiet():
    """For tests: the outbox empty and no send under way, on entry and on exit, so a
    sender thread started by an earlier test sends nothing of this one's, nor of its own
    into this one. Held around a test's own pushes and sends, the thread waits."""
    with _sending:
        _lines.clear()
    try:
        yield
    finally:
        with _sending:
            _lines.clear()


def ask_for_flush():
    """Enqueue the flush task. A database that fails costs the reader nothing: the
    flush-due flag expires and a later hit asks again."""
    try:
        tasks.schedule_flush()
    except DatabaseError:
        logger.exception("Audience: the flush task could not be enqueued")
    finally:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()  # the sender thread's own connection


def _start():
    with _start_lock:
        if _sender["pid"] == os.getpid():
            return
        _sender["pid"] = os.getpid()  # after a fork the thread is gone: start another
        threading.Thread(target=_run, name="stats-outbox", daemon=True).start()


def _run():
    while True:
        _wake.wait()
        _wake.clear()
        time.sleep(settings.STATS_OUTBOX_SECONDS)  # gather a few more hits
        try:
            send()
        except Exception:  # the thread must outlive anything a send meets
            logger.exception("Audience: the outbox could not be sent")


atexit.register(send)
