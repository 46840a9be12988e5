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

Tags (issue 27): what a cached page or fragment shows is named by tags (`article:123`,
`section:4`, `live:9`, `front`, `nav`...), and a change names the tags it touches. Each
tag has a version in the shared cache (TAG_KEY: a token and the time it was touched); an
entry records the versions of its tags when it was rendered and is fresh while every one
of them is unchanged (`versions()`, held per process like the site-wide state, so a hit
reads no tag it already holds). `touch(tags)` gives the tags new versions; when that
cannot reach the shared cache, it bumps the site-wide state instead (the sequence), so a
change made during an outage still reaches every server. Every touch also touches
EVERYTHING, the tag of what declared no tag of its own (it goes stale on any change, as
before tags), and of `remember()`'d values by default.

Models in settings.PAGE_CACHE_MODELS change the state when saved or deleted, or when their
many-to-many links change (now, and again once the transaction commits, so what was
rendered from the old rows in between is not kept): `connect_signals()`. What a change of
a model touches is said by its app (`register_change(label, tags_of)`, from the app's
ready()); a model no app speaks for bumps the site-wide state.
"""

import bisect
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import edge

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
SCHEDULE_KEY = "pagecache:schedule"
SETTLE_KEY = "pagecache:settle"
CHANGED_KEY = "pagecache:changed"  # time.time() of the last bump
VERSION_SEQUENCE = "core_content_version"  # core/migrations/0001_content_version.py
SCHEDULE_LIMIT = 100  # upcoming publication times kept; read again when all have passed
TAG_KEY = "pagecache:tag:"  # + the tag: (token, time touched, settling until or None)
CLOCK_SKEW_SECONDS = 1  # how far apart the servers' clocks may be
HELD_TAGS_LIMIT = 20_000  # tag versions a process holds before it drops the expired ones
# What is rendered while a change it shows is settling (read replicas may not have replayed
# it yet) is kept this long at most, in the page cache and at the edge: a render that read
# the replica before the change reached it shows the old content, and the change must
# reach readers within seconds, not at the end of the settling (15 s by default).
SETTLING_KEEP_SECONDS = 2
EVERYTHING = "other"  # the tag of what declared none: every change touches it


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
        self._tags = {}  # tag -> (monotonic expiry, time.time() read, stored version)
        self._changes = {}  # model label -> [(tags_of(instance, signal kwargs), schedule)]

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

    def version(self, tags=(EVERYTHING,)):
        """The key part and the versions of `tags` (by default the one every change
        touches), or None when it cannot be told (the cache failed)."""
        try:
            key = self.key().key
            if tags:
                versions = self.versions(tags)
                key += ":" + _digest([versions[tag] for tag in sorted(versions)])
            return key
        except Exception:
            logger.warning("Content state unavailable", exc_info=True)
            return None

    def edition(self):
        """The key part without the schedule's count, for entries no scheduled time can
        change (a teaser shows its own article, in no listing before its time): the
        site-wide version and the settling mark. None when it cannot be told."""
        try:
            key = self.key().key
        except Exception:
            logger.warning("Content state unavailable", exc_info=True)
            return None
        version, *_schedule, last = key.split(".")
        return f"{version}.settling" if last == "settling" else version

    def versions(self, tags, also=()):
        """{tag: its version} (None for a tag never touched), from what this process holds
        (for PAGE_CACHE_STATE_SECONDS after reading it) or the shared cache. `also`: keys
        read in the same round trip (a cached entry); returns (versions, {key: value})."""
        now, held = time.monotonic(), self._tags
        missing = [tag for tag in tags if (one := held.get(tag)) is None or one[0] <= now]
        found = {}
        if missing or also:
            keys = [*also, *(TAG_KEY + tag for tag in missing)]
            if len(keys) == 1:
                value = self.cache.get(keys[0])
                found = {} if value is None else {keys[0]: value}
            else:
                found = self.cache.get_many(keys)
            expires, read = now + settings.PAGE_CACHE_STATE_SECONDS, time.time()
            for tag in missing:
                held[tag] = (expires, read, found.get(TAG_KEY + tag))
        versions = {tag: held[tag][2] for tag in tags}
        if len(held) > HELD_TAGS_LIMIT:  # keep what is still held, drop the rest
            self._tags = {tag: one for tag, one in held.items() if one[0] > now}
        return (versions, found) if also else versions

    def recorded(self, tags, since):
        """The versions of `tags` to record with what was rendered from the database after
        `since` (a time.time()), or None when one may be newer than what it read (read
        after the render began, and touched since then, give or take CLOCK_SKEW_SECONDS
        between servers): then it is not kept."""
        versions = self.versions(tags)
        for tag in tags:
            _expires, read, version = self._tags.get(tag, (0, since + 1, versions[tag]))
            if read > since and version is not None and version[1] > since - CLOCK_SKEW_SECONDS:
                return None
        return versions

    def outdated(self, recorded, stored_at, current=None):
        """Since when (a time.time()) an entry stored at `stored_at` with the tag versions
        `recorded` is stale, or None while it is fresh: a tag of it has changed since, or
        was settling when it was stored (it may show what a read replica had before the
        change) and has been kept SETTLING_KEEP_SECONDS or the settling has ended.
        `current`: versions() of these tags (and maybe more) just read, for many entries."""
        if current is None:
            now = self.versions(recorded)
        else:
            now = {tag: current[tag] for tag in recorded}
        moment = time.time()
        changed = [v[1] for tag, v in now.items() if v != recorded[tag] and v is not None]
        settling = [v[2] for v in recorded.values() if v and v[2] and stored_at < v[2]]
        ends = [min(end, stored_at + SETTLING_KEEP_SECONDS) for end in settling]
        changed += [end for end in ends if end <= moment]
        if changed:
            return max(changed)
        return None if now == recorded else 0.0

    def remember(self, name, compute, tags=(EVERYTHING,)):
        """`compute()`, kept in this process's memory until the content state or one of
        `tags` changes: for small site-wide values every page shows (the navigation's
        sections, the footer's pages). Computed afresh when the state cannot be told."""
        state = self.version(tags)
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

    def touch(self, tags, settle_seconds=0, schedule=False):
        """What shows any of `tags` is stale from now on (and EVERYTHING is). With
        `settle_seconds`, what is rendered showing them in the next that many seconds is
        kept no longer than that. With `schedule`, the change may have moved a publication
        time: the schedule is read again. When the shared cache cannot take the new
        versions, the site-wide state is bumped instead (PostgreSQL), so every server still
        sees it."""
        tags = {*tags, EVERYTHING}
        if schedule and self._held is not None:
            self._held = replace(self._held, schedule=None)
        now = time.time()
        settle = now + settle_seconds if settle_seconds else None
        values = {tag: (uuid.uuid4().hex, now, settle) for tag in tags}
        try:
            failed = self.cache.set_many({TAG_KEY + tag: v for tag, v in values.items()}, None)
            if schedule and not failed:
                self.cache.delete(SCHEDULE_KEY)
        except Exception:
            logger.warning("Cache unavailable: could not store new tag versions", exc_info=True)
            failed = True
        if failed:
            self.bump(settle_seconds)
            return
        expires = time.monotonic() + settings.PAGE_CACHE_STATE_SECONDS
        for tag, value in values.items():
            self._tags[tag] = (expires, now, value)

    def register_change(self, label, tags_of, schedule=False):
        """`tags_of(instance, kwargs)` names the tags a save, deletion or many-to-many
        change of the model `label` (its instance and the signal's kwargs) touches;
        `schedule`: its changes may move a scheduled publication time. An app's own ready()
        registers its models; several may speak for one model."""
        self._changes.setdefault(label, []).append((tags_of, schedule))

    def changed(self, label, instance, kwargs):
        """A change of `instance` (model `label`): touch what it names, now and once the
        transaction commits, and then purge it from Varnish (core.edge); with no app
        speaking for the model, bump the whole site (and purge all of it)."""
        if label not in self._changes:
            self.bump()
            transaction.on_commit(lambda: self.bump(replica_settle_seconds()))
            edge.purge_on_commit({edge.ALL}, replica_settle_seconds())
            return
        tags, schedule = set(), False
        for tags_of, moves in self._changes[label]:
            tags.update(tags_of(instance, kwargs))
            schedule = schedule or moves
        self.touched(tags, schedule)

    def touched(self, tags, schedule=False):
        """A change to what shows `tags`, made in the current transaction (or outside one):
        touch them now and again once it commits, as a model change does."""
        self.touch(tags, schedule=schedule)
        transaction.on_commit(lambda: self.touch(tags, replica_settle_seconds(), schedule))
        # After the touch above (registered first, run first): what Varnish fetches again
        # must not be the page cache's old copy.
        edge.purge_on_commit({*tags, EVERYTHING}, replica_settle_seconds())

    def register_schedule(self, provider):
        """`provider()` returns the upcoming publication times (datetimes, soonest first)
        of work that is scheduled: readers must see it from that moment."""
        self._schedule_provider = provider

    def forget(self):
        """Drop what this process holds: the state and the remembered values (tests)."""
        self._held = self._advanced = self._last_stored = None
        self._remembered.clear()
        self._tags.clear()

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
                # A sequence never advanced reads last_value 1: its first nextval() is 1 too.
                cursor.execute(f"SELECT last_value, is_called FROM {VERSION_SEQUENCE}")  # noqa: S608
                value, called = cursor.fetchone()
                self._last_stored = value if called else 0
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


def _digest(values):
    return hashlib.sha256(repr(values).encode()).hexdigest()[:12]


def content_changed(sender, instance=None, **kwargs):
    if sender._meta.label in settings.PAGE_CACHE_MODELS:
        content_state.changed(sender._meta.label, instance, kwargs)


def connect_signals():
    """Called once from CoreConfig.ready()."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"content_state_{id(signal)}")
