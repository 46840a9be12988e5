"""Hits waiting in Redis (settings.STATS_REDIS_URL) for the task worker to write them.

The beacon endpoint appends one short line per hit, sent here by its process's outbox
(stats/outbox.py: one RPUSH for all the hits of a few milliseconds), which asks for a flush
when none is due yet; the worker takes lines off the head in batches. While Redis
cannot be reached, or holds STATS_BUFFER_MAX lines already, hits are dropped: the endpoint
still answers 204, and the drops are counted in a log line at most every DROP_LOG_SECONDS
per process. After a failure Redis is left alone for RETRY_SECONDS, so a Redis outage
costs readers no timeouts.

The daily salt for unique visitors lives here too (stats/privacy.py): Redis deletes it
when its day ends.
"""

import logging
import threading
import time
from datetime import UTC, date, datetime
from datetime import time as dt_time
from functools import cache

import redis
from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

QUEUE_KEY = "stats:hits"
FLUSH_DUE_KEY = "stats:flush-due"
FLUSH_DUE_SECONDS = 60
DAYS_KEY = "stats:rollup-days"  # days (UTC) with hits not in the daily rollup yet
ROLLUP_DUE_KEY = "stats:rollup-due"
RETRY_SECONDS = 5
DROP_LOG_SECONDS = 10

_lock = threading.Lock()
_state = {"down_until": 0.0, "dropped": 0, "logged_at": 0.0}


@cache
def _client(url):
    return redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5)


def client():
    """The Redis client, or None when there is none or it failed moments ago."""
    url = settings.STATS_REDIS_URL
    if not url or _state["down_until"] > time.monotonic():
        return None
    return _client(url)


def failed(exc):
    _state["down_until"] = time.monotonic() + RETRY_SECONDS
    logger.warning(
        "Audience buffer unavailable (%s); hits are dropped for %s s", exc, RETRY_SECONDS
    )


def dropped(count=1):
    """Count hits that could not be kept; log the total now and then."""
    now = time.monotonic()
    with _lock:
        _state["dropped"] += count
        if now - _state["logged_at"] < DROP_LOG_SECONDS:
            return
        total, _state["dropped"], _state["logged_at"] = _state["dropped"], 0, now
    logger.warning("Audience: %s hits dropped (the buffer in Redis was unavailable or full)", total)


def push_many(lines):
    """Keep these hits, in one round trip (one RPUSH); True when a flush should be asked
    for (the first hits since the last request for one). Never raises."""
    conn = client()
    if conn is None:
        dropped(len(lines))
        return False
    try:
        pipe = conn.pipeline(transaction=False)
        pipe.rpush(QUEUE_KEY, *lines)
        pipe.set(FLUSH_DUE_KEY, 1, nx=True, ex=FLUSH_DUE_SECONDS)
        length, first = pipe.execute()
    except RedisError as exc:
        failed(exc)
        dropped(len(lines))
        return False
    excess = min(length - settings.STATS_BUFFER_MAX, len(lines))
    if excess > 0:
        try:
            conn.rpop(QUEUE_KEY, excess)
        except RedisError as exc:
            failed(exc)
        dropped(excess)
    return bool(first)


def take(count):
    """Up to `count` lines off the head of the queue (oldest first)."""
    conn = _client(settings.STATS_REDIS_URL)
    return [line.decode() for line in conn.lpop(QUEUE_KEY, count) or []]


def give_back(lines):
    """Put lines taken by a batch that could not be written back at the head."""
    if lines:
        _client(settings.STATS_REDIS_URL).lpush(QUEUE_KEY, *reversed(lines))


def waiting():
    return _client(settings.STATS_REDIS_URL).llen(QUEUE_KEY)


def flush_done():
    """Let the next hit ask for a flush again."""
    _client(settings.STATS_REDIS_URL).delete(FLUSH_DUE_KEY)


def flush_asked(claim=False):
    """Note that a flush is on its way, for FLUSH_DUE_SECONDS (after which a hit asks again,
    should the worker have died): always, or with `claim` only when none was (True then)."""
    conn = _client(settings.STATS_REDIS_URL)
    return bool(conn.set(FLUSH_DUE_KEY, 1, nx=claim, ex=FLUSH_DUE_SECONDS))


def mark_days(days):
    """Ask for these days' daily rollup (stats/rollup.py)."""
    if days:
        conn = _client(settings.STATS_REDIS_URL)
        conn.sadd(DAYS_KEY, *sorted(day.isoformat() for day in days))


def take_days():
    """The days marked for the daily rollup, oldest first, unmarked: one round trip."""
    conn = _client(settings.STATS_REDIS_URL)
    pipe = conn.pipeline(transaction=True)
    pipe.smembers(DAYS_KEY)
    pipe.delete(DAYS_KEY)
    marked = pipe.execute()[0]
    return sorted(date.fromisoformat(day.decode()) for day in marked)


def rollup_due():
    """True for the first caller since the last rollup began (a Redis SET NX)."""
    return bool(_client(settings.STATS_REDIS_URL).set(ROLLUP_DUE_KEY, 1, nx=True, ex=600))


def rollup_started():
    _client(settings.STATS_REDIS_URL).delete(ROLLUP_DUE_KEY)


def once_per(key, seconds):
    """True at most once per `seconds` across every process (a Redis SET NX)."""
    return bool(_client(settings.STATS_REDIS_URL).set(f"stats:once:{key}", 1, nx=True, ex=seconds))


# SADD of each (day's set, member) pair, the 1s and 0s back in one array: one command for a
# whole batch instead of one per view (parsing 20,000 replies cost more than the sets).
_SEEN = """
local added = {}
for i = 1, #ARGV - 1, 2 do
    added[#added + 1] = redis.call('SADD', KEYS[tonumber(ARGV[i])], ARGV[i + 1])
end
return added
"""


def first_seen_many(views):
    """For each (moment, article id, visitor hash), whether it is that visitor's first view
    of the article on that day (UTC): one set per day in Redis, which deletes it an hour
    after the day ends, as it does the day's salt. One round trip."""
    if not views:
        return []
    conn = _client(settings.STATS_REDIS_URL)
    keys, members = {}, []
    for at, article, visitor in views:
        day = at.date()
        index = keys.setdefault(day, len(keys) + 1)
        members += (index, f"{article}:{visitor}")
    pipe = conn.pipeline(transaction=False)
    names = [f"stats:seen:{day.isoformat()}" for day in keys]
    _seen_script(conn)(keys=names, args=members, client=pipe)
    for day, name in zip(keys, names, strict=True):
        pipe.expireat(name, end_of_day(day))
    return [bool(added) for added in pipe.execute()[0]]


@cache
def _seen_script(conn):
    return conn.register_script(_SEEN)


def end_of_day(day):
    """The Unix time an hour after `day` (UTC) ends: late hits of the day still count."""
    return int(datetime.combine(day, dt_time(), UTC).timestamp()) + 86400 + 3600


def reset():
    """Forget a failure (tests)."""
    _state.update(down_until=0.0, dropped=0, logged_at=0.0)
