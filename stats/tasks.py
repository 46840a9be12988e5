"""The Audience's background work: flush the buffer, refresh "Most read", drop old days.

The beacon endpoint asks for a flush with the first hit after the last one
(buffer.push): `schedule_flush` enqueues it FLUSH_DELAY seconds ahead, so the worker
takes a few seconds' hits in each batch. A flush that leaves hits behind asks again.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import buffer, ingest, most_read

FLUSH_DELAY = 2  # seconds: hits gathered per flush when traffic is steady
MOST_READ_SECONDS = 60
RETENTION_SECONDS = 3600


def schedule_flush():
    runner = flush_hits
    if runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + timedelta(seconds=FLUSH_DELAY))
    runner.enqueue()


@task()
def flush_hits():
    buffer.flush_done()  # hits from now on ask for the next flush
    written = ingest.flush()
    if buffer.waiting():
        schedule_flush()
    if buffer.once_per("most-read", MOST_READ_SECONDS):
        most_read.refresh()
    if buffer.once_per("retention", RETENTION_SECONDS):
        ingest.drop_expired()
    return written
