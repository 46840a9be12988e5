"""Anonymous readers' queries go to a read replica, everything else to the primary.

Active when settings.DATABASES has a "replica" alias (DATABASE_REPLICA_URL). The rule:

- A request is routed by `ReplicaRoutingMiddleware`, which marks it in a context variable
  that the router reads. Without that mark (management commands, the task worker, tests,
  the shell) every query uses the primary.
- Reads go to the replica only for anonymous reads (core.anonymous.is_anonymous_read, the
  rule the page cache uses too): GET and HEAD requests with no real session (staff and
  anyone signed in use the primary), read-your-writes or flash-message cookie, to a path
  outside core.anonymous.PRIVATE_PREFIXES (the admin, previews, drafts...).
- Writes always go to the primary. The first write in a request switches the rest of that
  request's reads to the primary too.
- Read-your-writes: the response to a request that wrote, or that was not a GET or HEAD,
  carries a signed cookie (settings.READ_YOUR_WRITES_COOKIE) for READ_YOUR_WRITES_SECONDS,
  and while it is valid the client reads from the primary. The page cache does not serve
  or store pages for requests with that cookie (core.pagecache), so the reader who just
  submitted something sees pages rendered from the primary.
- Each process asks the replica how far behind it is at most once per
  DATABASE_REPLICA_CHECK_SECONDS. If it does not answer (a short connect timeout), is not
  a standby, or lags more than DATABASE_REPLICA_MAX_LAG seconds, reads use the primary
  and a warning is logged (when that starts, then at most once a minute while it lasts;
  recovery is logged too).

Lag is "seconds since the last replayed transaction" only while the standby has received
WAL it has not replayed yet; a standby that is streaming and has replayed all it has
received is 0 seconds behind however long the primary has been idle (the plain
`now() - pg_last_xact_replay_timestamp()` grows without bound on an idle primary). A role
without pg_read_all_stats (or pg_monitor) sees the WAL receiver but not its status; a
running receiver then counts as streaming.

A replica alias with the primary's host, port and database name is the primary (the test
settings make it so, as the primary's TEST MIRROR): queries are not sent through a second
connection that could not see a test's transaction.
"""

import logging
import math
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .anonymous import COOKIE_SALT, is_anonymous_read

logger = logging.getLogger(__name__)

REPLICA = "replica"
WARNING_INTERVAL = 60  # seconds between repeated warnings while the replica is unusable

LAG_SQL = """SELECT pg_is_in_recovery(),
    pg_last_wal_receive_lsn() IS NOT NULL
        AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (
            SELECT 1 FROM pg_stat_wal_receiver WHERE coalesce(status, 'streaming') = 'streaming'
        ),
    EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"""


@dataclass
class Route:
    """What the current request may do: read from the replica, and whether it wrote."""

    replica: bool
    wrote: bool = False


_route: ContextVar[Route | None] = ContextVar("db_route", default=None)


def replica_configured() -> bool:
    """A replica alias that is a separate server (not the primary, nor its test mirror)."""
    if REPLICA not in settings.DATABASES:
        return False
    replica = connections[REPLICA].settings_dict
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    if replica is primary:
        return False
    return any(replica.get(key) != primary.get(key) for key in ("HOST", "PORT", "NAME"))


# --- Is the replica usable? (checked at most once per period per process) -------------
class ReplicaHealth:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.checked_at = -math.inf
        self.usable = False
        self.problem = None
        self.warned_at = -math.inf

    def usable_now(self) -> bool:
        now = time.monotonic()
        if now - self.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return self.usable
        if not self.lock.acquire(blocking=False):
            return self.usable  # another thread is checking: use what was known
        try:
            problem = measure_problem()
            self.checked_at = time.monotonic()
            self._record(problem)
        finally:
            self.lock.release()
        return self.usable

    def recheck(self):
        self.checked_at = -math.inf

    def _record(self, problem):
        now = time.monotonic()
        if problem is None:
            if self.problem is not None:
                logger.warning("Read replica usable again: anonymous reads use it.")
            self.usable, self.problem = True, None
            return
        if self.problem is None or now - self.warned_at >= WARNING_INTERVAL:
            logger.warning("Read replica not used, reads go to the primary: %s", problem)
            self.warned_at = now
        self.usable, self.problem = False, problem


def measure_problem():
    """None when the replica may be read, else why not (in words, for the log)."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, caught_up, since_replay = cursor.fetchone()
    except Exception as exc:
        try:
            connection.close()  # the next check connects afresh
        except Exception:  # noqa: S110 - the connection is already gone
            pass
        return f"unreachable ({type(exc).__name__}: {str(exc).strip()[:200]})"
    return lag_problem(in_recovery, caught_up, since_replay)


def lag_problem(in_recovery, caught_up, since_replay):
    """What the standby's answer to LAG_SQL says: None when it is fresh enough."""
    if not in_recovery:
        return "it is not a standby (promoted, or DATABASE_REPLICA_URL names a primary)"
    lag = 0.0 if caught_up else (math.inf if since_replay is None else float(since_replay))
    if lag > settings.DATABASE_REPLICA_MAX_LAG:
        shown = "an unknown time" if math.isinf(lag) else f"{lag:.1f}s"
        return f"it lags {shown} behind (limit {settings.DATABASE_REPLICA_MAX_LAG:g}s)"
    return None


health = ReplicaHealth()


# --- The router ------------------------------------------------------------------------
class ReplicaRouter:
    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is not None and route.replica and not route.wrote and health.usable_now():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def read_connection():
    """The connection a raw SQL read in this request should use (replica or primary)."""
    return connections[ReplicaRouter().db_for_read(None)]


# --- Per request -------------------------------------------------------------------------
class ReplicaRoutingMiddleware:
    """Marks the request for the router, and sets the read-your-writes cookie after a
    write. Without a replica configured it does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        route = Route(replica=is_anonymous_read(request))
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if route.wrote or request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response.set_signed_cookie(
                settings.READ_YOUR_WRITES_COOKIE,
                "1",
                salt=COOKIE_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """A database error in a request that read from the replica: check it again on
        the next request instead of waiting for the period to end."""
        route = _route.get()
        if route is not None and route.replica and isinstance(exception, DatabaseError):
            health.recheck()
        return None
