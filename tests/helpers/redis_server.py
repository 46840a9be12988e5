"""A Redis for the tests that need the real one: REDIS_URL's server, or in a fresh clone
with nothing set, a throwaway redis-server on a free port (no test skips for want of it)."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

from tests.helpers.environment import skip_or_fail


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_url(folder, own=False):
    """REDIS_URL, or the address of a redis-server started in `folder` and stopped after;
    `own`: that throwaway server even when REDIS_URL is set (a test that empties its Redis
    must not empty the one another test process is using)."""
    if os.environ.get("REDIS_URL") and not own:
        yield os.environ["REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        skip_or_fail("No REDIS_URL and no redis-server: sudo apt-get install redis-server")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 — a fixed program and arguments
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
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
