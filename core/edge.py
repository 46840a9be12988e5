"""Purging pages by tag from the shared cache in front of the application servers
(Varnish with the xkey module, deploy/varnish.vcl; issue 27).

Each reader page carries its tags (core.pagecache.tag_headers: Surrogate-Key, which the
VCL turns into xkey keys), and a change names the tags it touched (core.content_state).
Once the change commits, `purge_on_commit(tags)` asks every Varnish in
settings.VARNISH_PURGE_URLS to drop the pages carrying any of them:

- at once, in the committing process (a PURGE request with an `xkey-purge` header, each
  bounded by VARNISH_PURGE_TIMEOUT seconds): the change is gone from Varnish within a
  second of the commit, with no wait for the task worker's next poll;
- a Varnish that did not answer is purged again by a task (`purge_task`), retried with
  backoff (core.tasks.retrying_task) until it answers, so a Varnish that was down or
  restarting at commit time serves nothing older than the change once it is back;
- and once more `repurge_seconds()` later, by a thread of the committing process
  (`repurger`): another application process may hold the tags' old versions for up to
  PAGE_CACHE_STATE_SECONDS and hand Varnish its old copy (with the long lifetime) just
  after the first purge; the second purge drops it. (A thread, not the task worker: it
  polls once a second and may be busy with renditions.) A task deferred by
  `repurge_seconds(settle)` purges a third time, durably (the process may be gone), once
  read replicas must have replayed the change (`settle` seconds).

`ALL` purges everything (a change no app names tags for: core.pagecache.bump).
With VARNISH_PURGE_URLS empty (no Varnish: nginx's short s-maxage bounds staleness) it
does nothing. The purge URLs are the operator's own servers on a private network, so the
request does not go through core.fetch (which refuses private addresses).
"""

import http.client
import logging
import threading
import time
import urllib.parse
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from .tasks import retrying_task

logger = logging.getLogger(__name__)

ALL = "all"  # the key deploy/varnish.vcl gives every object it keeps
PURGE_HEADER = "xkey-purge"


class PurgeFailed(Exception):
    pass


def purge_url(url, tags, timeout=None):
    """Ask the Varnish at `url` to drop every object carrying one of `tags`; returns how
    many it dropped. Raises PurgeFailed when it cannot be reached or refuses."""
    timeout = settings.VARNISH_PURGE_TIMEOUT if timeout is None else timeout
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request("PURGE", parts.path or "/", headers={PURGE_HEADER: " ".join(tags)})
        response = connection.getresponse()
        response.read()
    except OSError as exc:
        raise PurgeFailed(f"{url}: {exc}") from exc
    finally:
        connection.close()
    if response.status != 200:
        raise PurgeFailed(f"{url}: {response.status} {response.reason}")
    return int(response.headers.get("X-Purged", 0) or 0)


@retrying_task(attempts=10, backoff=2)
def purge_task(url, tags):
    """Purge `tags` from the Varnish at `url` (None: every one), in the task worker; a
    failure is retried after 2, 4, 8 … seconds (about 34 minutes in all)."""
    for one in [url] if url else settings.VARNISH_PURGE_URLS:
        purge_url(one, tags)


def repurge_seconds(settle=0):
    """When the second purge runs: once every process has read the new tag versions and
    read replicas have replayed the change (`settle` seconds), plus a second's margin."""
    return settings.PAGE_CACHE_STATE_SECONDS + settle + 1


def purge(tags, settle=0):
    """Purge `tags` from every Varnish now (each one that fails is left to `purge_task`),
    again `repurge_seconds()` later in this process, and by a task after the replicas'
    `settle` seconds too."""
    urls = settings.VARNISH_PURGE_URLS
    if not urls or not tags:
        return
    tags = sorted(set(tags))
    started = time.monotonic()
    _purge_each(tags)
    logger.debug("Purged %s in %.3f s", tags, time.monotonic() - started)
    repurger.add(tags, repurge_seconds())
    again = purge_task
    if purge_task.get_backend().supports_defer:
        later = timezone.now() + timedelta(seconds=repurge_seconds(settle))
        again = purge_task.using(run_after=later)
    _enqueue(again, None, tags)


class Repurger:
    """The second purges of this process: one thread that purges each tag once its time
    has come (the tags of several changes due by then in one request), and ends when
    nothing is left to do."""

    def __init__(self):
        self._due = {}  # tag -> time.monotonic() when it is purged again
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = None

    def add(self, tags, delay):
        due = time.monotonic() + delay
        with self._lock:
            for tag in tags:
                self._due[tag] = max(self._due.get(tag, 0), due)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="varnish-repurge")
                self._thread.daemon = True
                self._thread.start()
        self._wake.set()

    def _run(self):
        try:
            while (ready := self._next()) is not None:
                if ready:
                    _purge_each(ready)
        finally:
            connections.close_all()  # this thread's, if a failure enqueued a task

    def _next(self):
        """The tags due now ([] after waiting for the next one), or None: nothing left."""
        with self._lock:
            if not self._due:
                self._thread = None
                return None
            now = time.monotonic()
            ready = sorted(tag for tag, due in self._due.items() if due <= now)
            for tag in ready:
                del self._due[tag]
            wait = min(self._due.values(), default=now) - now
            self._wake.clear()
        if not ready:
            self._wake.wait(max(0.01, wait))
        return ready


repurger = Repurger()


def _purge_each(tags):
    for url in settings.VARNISH_PURGE_URLS:
        try:
            purge_url(url, tags)
        except PurgeFailed:
            logger.warning("Varnish purge failed; retrying in the task worker", exc_info=True)
            _enqueue(purge_task, url, tags)


def _enqueue(task, url, tags):
    try:
        task.enqueue(url, tags)
    except Exception:  # the database is away: nothing better to do than say so
        logger.exception("Could not enqueue a Varnish purge of %s", tags)


class _PurgeOnCommit:
    """The purge of a transaction's changes, run once it commits: the changes made in the
    same transaction and savepoints (which commit or roll back together) send one purge,
    so an edit that saves an article, its bylines and its tags sends one, not one per
    row."""

    def __init__(self, tags, settle):
        self.tags, self.settle = set(tags), settle

    def __call__(self):
        purge(self.tags, self.settle)


def purge_on_commit(tags, settle=0):
    """Purge `tags` once the current transaction commits (at once outside one); `settle`:
    the seconds read replicas may take to replay it."""
    if not settings.VARNISH_PURGE_URLS:
        return
    purge = _PurgeOnCommit(tags, settle)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # An earlier change's purge that commits or rolls back with this one hands its
        # tags to this one, registered last: it runs after the on-commit touches of both
        # changes (content_state.touched), as each change's own did. The earlier one
        # stays in the list, empty (nothing is removed from a list others count on, such
        # as the test client's on-commit capture).
        current = set(connection.savepoint_ids)
        for sids, earlier, _robust in reversed(connection.run_on_commit):
            if isinstance(earlier, _PurgeOnCommit) and sids == current and earlier.tags:
                purge.tags |= earlier.tags
                purge.settle = max(purge.settle, earlier.settle)
                earlier.tags = set()
                break
    transaction.on_commit(purge)
