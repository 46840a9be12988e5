"""PostgreSQL down or restarting, against a throwaway cluster and a real server
(gunicorn, production settings): readers get a short branded 503 with Retry-After, and
the site recovers by itself when the database is back."""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.environment import skip_or_fail
from tests.project.test_settings import PRODUCTION, ROOT

PG_BIN_DIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
PG_BIN = Path(os.environ.get("PG_BIN_DIR") or (PG_BIN_DIRS[0] if PG_BIN_DIRS else "/nonexistent"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port. PostgreSQL
    refuses to run as root, so as root it runs as the system's postgres user."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="defenceblog-outage-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, self.user)
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def run(self, program, *args):
        return subprocess.run(
            [PG_BIN / program, *map(str, args)],
            check=True,
            capture_output=True,
            text=True,
            user=self.user,
            timeout=120,
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self):
        subprocess.run(
            [PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
            capture_output=True,
            user=self.user,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    if not (PG_BIN / "pg_ctl").exists():
        skip_or_fail("No PostgreSQL server binaries under /usr/lib/postgresql; set PG_BIN_DIR.")
    cluster = ThrowawayCluster()
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture
def site(cluster):
    """The site under gunicorn with production settings, on the throwaway cluster."""
    cluster.run("createdb", "-h", "127.0.0.1", "-p", cluster.port, "-U", "postgres", "outage")
    env = {
        **os.environ,
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": cluster.url("outage"),
        "DJANGO_SETTINGS_MODULE": "tests.project.settings_outage",
        "REDIS_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    log = open(cluster.dir / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "defenceblog.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while fetch(base + "/healthz")[0] is None:
        assert time.monotonic() < deadline, (cluster.dir / "gunicorn.log").read_text()
        time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)
    log.close()


def fetch(url):
    """(status, headers, body) of a GET, or (None, {}, "") when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None, {}, ""


def test_readers_get_a_branded_503_while_the_database_is_down_and_the_site_recovers(cluster, site):
    status, _, body = fetch(site + "/")
    assert status == 200, body

    cluster.stop()
    # A page already in the page cache keeps being served from it: it needs no database.
    status, headers, _ = fetch(site + "/")
    assert (status, headers.get("X-Page-Cache")) == (200, "hit")
    # Any other page needs the database: a short branded 503 that asks to retry.
    status, headers, body = fetch(site + "/corrections/")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "back in a moment" in body
    assert "Defence Blog" in body
    assert "Traceback" not in body and "OperationalError" not in body
    status, _, body = fetch(site + "/no-such-page/")  # a 404 page also needs the database
    assert status == 503
    status, _, body = fetch(site + "/healthz")
    assert status == 503
    assert '"database": "unavailable"' in body

    cluster.start()
    status, _, body = fetch(site + "/corrections/")
    assert status == 200, body
    status, _, body = fetch(site + "/healthz")
    assert (status, '"database": "ok"' in body) == (200, True)
