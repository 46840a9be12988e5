"""What the content is now: the one object every cache derived from the content asks
(whole pages, core.pagecache; fragments, core.fragments; values kept per process,
`remember()`; the sitemap index).

The state is a key part, `content_state.key()`, made of:

- a site-wide version, replaced by `bump()`. It is kept in two places: the shared cache
  (VERSION_KEY, a random token) and PostgreSQL (VERSION_SEQUENCE, a sequence `bump()`
  advances at once, whatever the transaction does later; reading it takes no lock). The key
  carries both, so a change made while the shared cache was unreachable (its new token
  could not be written there) still reaches every process through the sequence;
- how many of the upcoming publication times (from the provider an app registers with
  `register_schedule`) have passed, so the first request after such a time sees a new
  state with no worker;
- while read replicas may not have replayed the last change yet (`bump(settle_seconds)`),
  a "settling" mark, so what is rendered in that window is not kept past it.

Guarantees:

- The process that made a change sees the new state at once (`bump()` drops what it held).
- Any other process sees it within settings.PAGE_CACHE_STATE_SECONDS: each process reads
  the shared state (one cache round trip and one sequence read) at most once per that
  period, and holds it in memory in between. That holds when the change was made while
  the shared cache was unreachable too (the sequence).
- `key()` also tells since when the current state holds (the last bump, as the shared
  cache recorded it, or the scheduled time or end of settling that made it), so a cache
  may bound how long it serves what it kept before (core.pagecache's stale copies).
- The schedule's part of the key is named by the schedule's content, so the threads and
  processes that read it at once after a change agree on it.
- `version()` never raises: None when the state cannot be told (callers compute afresh).
- `remember(name, compute)` keeps a value in process memory until the state changes.

Models in settings.PAGE_CACHE_MODELS bump the state when saved or deleted, or when their
many-to-many links change (now, and again once the transaction commits, so what was
rendered from the old rows in between is not kept): `connect_signals()`.
"""

import bisect
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
SCHEDULE_KEY = "pagecache:schedule"
SETTLE_KEY = "pagecache:settle"
CHANGED_KEY = "pagecache:changed"  # time.time() of the last bump
VERSION_SEQUENCE = "core_content_version"  # core/migrations/0001_content_version.py
SCHEDULE_LIMIT = 100  # upcoming publication times kept; read again when all have passed


@dataclass(frozen=True)
class Held:
    """The shared state as this process last read it."""

    expires: float  # time.monotonic()
    version: str
    schedule: tuple | None  # (token, publication timestamps), as stored in the cache
    settle: float | None  # time.time() until which replicas may lag the last change
    changed: float | None  # time.time() of the last bump, as the shared cache has it


class Current(NamedTuple):
    """The content state now: its key part, the seconds until it changes by itself (the
    next scheduled publication, the end of settling) or None, and since when it has held
    (a time.time(); 0 when not known: a change made while the cache was unreachable)."""

    key: str
    upcoming: float | None
    since: float


class ContentState:
    """The content state of the site, as seen by this process (see the module docstring).
    `cache` is the shared cache (settings' default unless given)."""

    def __init__(self, cache=None):
        self.cache = default_cache if cache is None else cache
        self._schedule_provider = None
        self._held = None  # Held, or None: read again
        self._advanced = None  # (monotonic expiry, sequence value this process advanced)
        self._last_stored = None  # the sequence value last read, kept while the database is away
        self._remembered = {}  # name -> (state key, value)

    # --- Asking ------------------------------------------------------------------------
    def key(self, now=None):
        """The Current state: its key part is the version, the schedule's count of passed
        times and the settling mark. Raises when the shared cache fails in a way it does
        not absorb (callers serve uncached)."""
        now = time.time() if now is None else now
        held = self._read()
        token, passed, upcoming, schedule = self._schedule(now, held.schedule)
        if schedule is not held.schedule and self._held is held:  # read again: keep it
            self._held = Held(held.expires, held.version, schedule, held.settle, held.changed)
        key = f"{held.version}.{token}.{passed}"
        since = held.changed or 0.0
        if passed:
            since = max(since, schedule[1][passed - 1])
        if held.settle is not None:
            if now < held.settle:
                # Read replicas may not have replayed the last change yet: what is rendered
                # now is kept only until they must have (the key changes then).
                key += ".settling"
                upcoming = held.settle if upcoming is None else min(upcoming, held.settle)
            else:
                since = max(since, held.settle)
        return Current(key, None if upcoming is None else upcoming - now, since)

    def version(self):
        """The key part alone, or None when it cannot be told (the cache failed)."""
        try:
            return self.key().key
        except Exception:
            logger.warning("Content state unavailable", exc_info=True)
            return None

    def remember(self, name, compute):
        """`compute()`, kept in this process's memory until the content state changes: for
        small site-wide values every page shows (the navigation's sections, the footer's
        pages). Computed afresh when the state cannot be told."""
        state = self.version()
        if state is None:
            return compute()
        found = self._remembered.get(name)
        if found is not None and found[0] == state:
            return found[1]
        value = compute()
        self._remembered[name] = (state, value)
        return value

    # --- Changing ----------------------------------------------------------------------
    def bump(self, settle_seconds=0):
        """A new content state: everything keyed on the old one is stale from now on. With
        `settle_seconds`, what is rendered in the next that many seconds is stale too
        once they have passed (see `replica_settle_seconds`)."""
        self._held = None
        self._advance_sequence()
        try:
            self.cache.set_many({VERSION_KEY: uuid.uuid4().hex, CHANGED_KEY: time.time()}, None)
            self.cache.delete(SCHEDULE_KEY)
            if settle_seconds:
                self.cache.set(SETTLE_KEY, time.time() + settle_seconds, None)
        except Exception:
            logger.warning(
                "Cache unavailable: could not store the new content state", exc_info=True
            )
        self._held = None

    def register_schedule(self, provider):
        """`provider()` returns the upcoming publication times (datetimes, soonest first)
        of work that is scheduled: readers must see it from that moment."""
        self._schedule_provider = provider

    def forget(self):
        """Drop what this process holds: the state and the remembered values (tests)."""
        self._held = self._advanced = self._last_stored = None
        self._remembered.clear()

    # --- Reading the shared state --------------------------------------------------------
    def _read(self):
        held = self._held
        if held is not None and held.expires > time.monotonic():
            return held
        stored = self._sequence_value()
        found = self.cache.get_many([VERSION_KEY, SCHEDULE_KEY, SETTLE_KEY, CHANGED_KEY])
        token = found.get(VERSION_KEY)
        if token is None:
            self.cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            token = self.cache.get(VERSION_KEY)
        held = Held(
            expires=time.monotonic() + settings.PAGE_CACHE_STATE_SECONDS,
            version=f"{token}-{stored}",
            schedule=found.get(SCHEDULE_KEY),
            settle=found.get(SETTLE_KEY),
            changed=found.get(CHANGED_KEY),
        )
        self._held = held
        return held

    def _advance_sequence(self):
        """Advance the version kept in PostgreSQL: at once, whatever the transaction does
        later (a sequence), and never an error (nothing, before core's migration has made
        it)."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT nextval(to_regclass(%s))", [VERSION_SEQUENCE])
            value = cursor.fetchone()[0]
        if value is not None:
            self._advanced = (time.monotonic() + settings.PAGE_CACHE_STATE_SECONDS, value)

    def _sequence_value(self):
        """The version kept in PostgreSQL, from the primary (one cheap read, no lock), or
        the one this process has just made."""
        advanced = self._advanced
        if advanced is not None and advanced[0] > time.monotonic():
            return advanced[1]
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(f"SELECT last_value FROM {VERSION_SEQUENCE}")  # noqa: S608 - a constant
                self._last_stored = cursor.fetchone()[0]
        except DatabaseError:
            # The database is away: nothing can change while it is, so the value last read
            # still holds, and pages already cached keep being served (a branded 503 only
            # for what needs the database).
            if self._last_stored is None:
                raise
            logger.warning("Database unavailable: content state kept from its last read")
        return self._last_stored

    def _schedule(self, now, stored):
        """(schedule token, number of scheduled times passed, next upcoming time or None,
        the schedule used), from the `stored` one or, when there is none or it has run
        out, the provider."""
        if stored is not None:
            token, times = stored
            passed = bisect.bisect_right(times, now)
            if not (passed == len(times) == SCHEDULE_LIMIT):
                return token, passed, times[passed] if passed < len(times) else None, stored
        provider = self._schedule_provider
        upcoming = list(provider()[:SCHEDULE_LIMIT]) if provider else []
        times = [moment.timestamp() for moment in upcoming]
        # Named by its content: the threads and processes that read it at once after a
        # change (each finds none) all make the same key.
        token = hashlib.sha256(repr(times).encode()).hexdigest()[:8]
        stored = (token, times)
        self.cache.set(SCHEDULE_KEY, stored, None)
        return stored[0], 0, times[0] if times else None, stored


content_state = ContentState()


def replica_settle_seconds():
    """With a read replica (core/db_router.py), the longest a change takes to reach it
    before readers are sent to the primary instead: DATABASE_REPLICA_MAX_LAG, plus the
    period in which a process may not have noticed the lag yet."""
    from .db_router import replica_configured

    if not replica_configured():
        return 0
    return settings.DATABASE_REPLICA_MAX_LAG + settings.DATABASE_REPLICA_CHECK_SECONDS


def content_changed(sender, **kwargs):
    if sender._meta.label in settings.PAGE_CACHE_MODELS:
        content_state.bump()
        transaction.on_commit(lambda: content_state.bump(replica_settle_seconds()))


def connect_signals():
    """Called once from CoreConfig.ready()."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"content_state_{id(signal)}")
