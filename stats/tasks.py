"""The Audience's background work: flush the buffer, roll days up, refresh "Now" (stats/
live.py) and "Most read", drop old days.

The beacon endpoint asks for a flush with the first hit after a quiet spell
(outbox.push): `schedule_flush` enqueues it FLUSH_DELAY seconds ahead, so the worker
takes a few seconds' hits in each batch. A flush that wrote hits enqueues the next one
itself, so while hits keep coming no beacon request writes a task; a flush that found
none lets the next hit ask again.
A flush that wrote hits asks for the daily rollup the same way, ROLLUP_DELAY seconds
ahead: while hits arrive, the 7- and 30-day screens are at most that much behind.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import buffer, ingest, live, most_read, rollup

FLUSH_DELAY = 2  # seconds: hits gathered per flush when traffic is steady
ROLLUP_DELAY = 30  # seconds: how far the daily rollup trails the hourly one
MOST_READ_SECONDS = 60
RETENTION_SECONDS = 3600


def _enqueue(runner, delay):
    if runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + timedelta(seconds=delay))
    runner.enqueue()


def schedule_flush():
    _enqueue(flush_hits, FLUSH_DELAY)


@task()
def flush_hits():
    written = ingest.flush()
    if written:  # traffic: the worker keeps flushing without the beacon asking
        buffer.flush_asked()
        schedule_flush()
    else:
        buffer.flush_done()  # quiet: hits from now on ask for the next flush
        if buffer.waiting() and buffer.flush_asked(claim=True):  # one came in before that
            schedule_flush()
    if written and buffer.rollup_due():
        _enqueue(roll_up_days, ROLLUP_DELAY)
    if written and buffer.once_per("now", live.REFRESH_SECONDS):
        live.refresh()
    if buffer.once_per("most-read", MOST_READ_SECONDS):
        most_read.refresh()
    if buffer.once_per("retention", RETENTION_SECONDS):
        ingest.drop_expired()
    return written


@task()
def roll_up_days():
    buffer.rollup_started()  # batches written from now on ask for the next rollup
    return [day.isoformat() for day in rollup.roll_up()]
