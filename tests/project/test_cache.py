import pytest

from tests.helpers.manage import manage
from tests.helpers.redis_server import redis_url as throwaway_redis


@pytest.fixture
def redis_url(tmp_path):
    """REDIS_URL's server, or (a fresh clone with nothing set) a throwaway redis-server."""
    with throwaway_redis(tmp_path) as url:
        yield url


def test_redis_is_the_cache_when_redis_url_is_set(redis_url):
    script = (
        "from django.core.cache import caches; cache = caches['default']; "
        "cache.set('ping', 'pong', 30); "
        "print(type(cache).__name__, cache.get('ping'))"
    )
    result = manage(
        "shell", "--no-imports", "-c", script, env={"DEBUG": "1", "REDIS_URL": redis_url}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FailSoftRedisCache pong"


def test_local_memory_cache_without_redis_url():
    env = {"DEBUG": "1", "REDIS_URL": ""}
    script = "from django.core.cache import caches; print(type(caches['default']).__name__)"
    result = manage("shell", "--no-imports", "-c", script, env=env)
    assert result.stdout.strip() == "LocMemCache", result.stderr
