import os
import shutil
import socket
import subprocess
import time

import pytest

from tests.pg_cluster import pgcluster
from tests.project.test_settings import manage


@pytest.fixture
def redis_url(tmp_path):
    """REDIS_URL's server, or (a fresh clone with nothing set) a throwaway redis-server on a
    free port, stopped afterwards."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("No REDIS_URL and no redis-server: apt-get install redis-server")
    port = pgcluster.free_port()
    process = subprocess.Popen(  # noqa: S603 — a fixed program and arguments
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not _answers(port):
            assert process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start in 10 s"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


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
