"""A Redis cache that degrades instead of failing when Redis is down.

The site uses its cache for speed (pages, sessions read before the database) and for
counters (rate limits). None of that may turn a Redis outage into an error page, so
`FailSoftRedisCache` answers every read with a miss and drops every write while Redis
cannot be reached, and logs it. After a failure it leaves Redis alone for
`RETRY_SECONDS` (each request would otherwise wait for its own connection timeout),
then tries again: the site recovers by itself when Redis is back.

Counters are the exception: no number is right when the counter cannot be read, so
`incr()` and `decr()` raise `CacheUnavailable`, and the caller decides whether to fail
open (the feedback form's rate limit) or closed.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds to leave Redis alone after a failure before trying again.
RETRY_SECONDS = 5

# Where Redis was last found down, by LOCATION: shared by every thread of the process
# (Django keeps one cache object per thread).
_down_until = {}
_lock = threading.Lock()


class CacheUnavailable(Exception):
    """The cache could not be reached, so a counter could not be counted."""


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool. Django's own builds
    a new one, with its table of a few hundred reply handlers, for every command: that was
    a third of the cost of serving a cached page. A `redis.Redis` is safe to share between
    threads (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache, with reads that miss and writes that are dropped while Redis
    cannot be reached. Give it short socket timeouts in OPTIONS."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    @property
    def _location(self):
        return ",".join(self._servers)

    def _is_down(self):
        return _down_until.get(self._location, 0) > time.monotonic()

    def _failed(self, operation, exc):
        with _lock:
            was_up = _down_until.get(self._location, 0) <= time.monotonic()
            _down_until[self._location] = time.monotonic() + RETRY_SECONDS
        if was_up:
            logger.error(
                "Cache unavailable (%s failed: %s); serving without it for %s s before "
                "trying again.",
                operation,
                exc,
                RETRY_SECONDS,
            )

    def _soft(self, operation, fallback, call, *args, **kwargs):
        if self._is_down():
            return fallback
        try:
            return call(*args, **kwargs)
        except RedisError as exc:
            self._failed(operation, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._soft("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._soft("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._soft("clear", False, super().clear)

    def incr(self, key, delta=1, version=None):
        if self._is_down():
            raise CacheUnavailable(f"Cache at {self._location!r} is unavailable")
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._failed("incr", exc)
            raise CacheUnavailable(str(exc)) from exc


def cache_is_working(cache):
    """True when a value written to the cache can be read back (for /healthz)."""
    token = str(time.monotonic_ns())
    try:
        cache.set("healthz:cache", token, 10)
        return cache.get("healthz:cache") == token
    except Exception:
        logger.exception("Cache check failed")
        return False
