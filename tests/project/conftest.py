"""Fixtures the project's tests share: PostgreSQL set up differently from the test database,
and the page cache on a Redis of its own."""

import tempfile
import uuid
from pathlib import Path

import pytest

from core.pgcluster import DEFAULT_BINDIR, PgCluster, binaries_available, free_port
from tests.helpers.database import admin_connection
from tests.helpers.environment import skip_or_fail


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway primary and a streaming standby (core/pgcluster.py) on free loopback
    ports, with a database "site" on both; removed at the end of the session."""
    if not binaries_available():
        skip_or_fail(f"needs the PostgreSQL server binaries in {DEFAULT_BINDIR} (PG_BIN_DIR)")
    directory = Path(tempfile.mkdtemp(prefix="pgcluster-"))
    cluster = PgCluster(directory, free_port(), free_port(), database="site")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop(remove=True)


@pytest.fixture
def fresh_database():
    """An empty database on the test database's server, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def page_cache_on_redis(settings, tmp_path):
    """The page cache on, in a throwaway redis-server of this test's own (empty), with
    the content state and the per-process pages forgotten before and after."""
    from django.core.cache import cache

    from core import pagecache
    from core.content_state import content_state
    from tests.helpers.redis_server import redis_url

    with redis_url(tmp_path, own=True) as url:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.FailSoftRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "test-page-cache",
            }
        }
        settings.PAGE_CACHE = True
        cache.clear()
        content_state.forget()
        pagecache.local_pages.clear()
        yield
        cache.clear()
        content_state.forget()
        pagecache.local_pages.clear()


@pytest.fixture
def page_cache_on(settings):
    """The page cache on, in the test settings' cache, emptied before and after."""
    from django.core.cache import cache

    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()
