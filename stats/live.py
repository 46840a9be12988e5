""" "Now": the pages read in the last half hour, kept in the cache by the worker.

Counting them reads every page view of the last 30 minutes from the raw hits (their
distinct readers per page cannot be summed from a rollup): a few thousand rows on an
ordinary day, but some 70,000 in a spike, which takes 200 ms and more. Hits only reach
the raw table when the worker flushes them (stats/ingest.py), so the worker counts the list
right after a flush, at most once per REFRESH_SECONDS (stats/tasks.py), and keeps it in the
cache with the moment it was counted; the screen shows that list and that moment. A list
older than FRESH_SECONDS (no flush since: a quiet site), or none, is counted by the screen
itself and kept the same way.
"""

import logging

from django.core.cache import cache
from django.utils import timezone

from . import reports

logger = logging.getLogger(__name__)

CACHE_KEY = "stats:now"
REFRESH_SECONDS = 10
FRESH_SECONDS = 20


def refresh(moment=None):
    """Count the last half hour as of `moment` and keep it: {"moment", "rows"}."""
    moment = moment or timezone.now()
    snapshot = {"moment": moment, "rows": reports.now(at=moment)}
    try:
        cache.set(CACHE_KEY, snapshot, FRESH_SECONDS * 3)
    except Exception:  # any cache backend's error: the screen counts for itself
        logger.warning("Now: the cache did not answer", exc_info=True)
    return snapshot


def current():
    """The worker's last list if it is under FRESH_SECONDS old, else one counted now."""
    try:
        snapshot = cache.get(CACHE_KEY)
    except Exception:  # any cache backend's error
        logger.warning("Now: the cache did not answer", exc_info=True)
        snapshot = None
    if snapshot and (timezone.now() - snapshot["moment"]).total_seconds() < FRESH_SECONDS:
        return snapshot
    return refresh()
