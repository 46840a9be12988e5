"""PostgreSQL down or restarting, against a throwaway cluster and a real server
(gunicorn, production settings): readers get a short branded 503 with Retry-After, and
the site recovers by itself when the database is back."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from core.pgcluster import DEFAULT_BINDIR, PgCluster, binaries_available, free_port
from tests.helpers.environment import skip_or_fail
from tests.helpers.manage import PRODUCTION, ROOT


@pytest.fixture
def cluster():
    """A throwaway PostgreSQL (core/pgcluster.py, a primary alone) with a database
    "outage", on a free loopback port."""
    if not binaries_available():
        skip_or_fail(f"needs the PostgreSQL server binaries in {DEFAULT_BINDIR} (PG_BIN_DIR)")
    cluster = PgCluster(
        Path(tempfile.mkdtemp(prefix="defenceblog-outage-")),
        free_port(),
        database="outage",
        standby=False,
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop(mode="immediate", remove=True)


@pytest.fixture
def site(cluster):
    """The site under gunicorn with production settings, on the throwaway cluster."""
    env = {
        **os.environ,
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": cluster.primary_url(),
        "DJANGO_SETTINGS_MODULE": "tests.project.settings_outage",
        "REDIS_URL": "",
        # The content state is read again on almost every request: a cached page must be
        # served with the database down even when this process's hold on the state ran out.
        "PAGE_CACHE_STATE_SECONDS": "0.05",
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
    log = open(cluster.directory / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
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
        assert time.monotonic() < deadline, (cluster.directory / "gunicorn.log").read_text()
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

    cluster.stop_primary()
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

    cluster.start_primary()
    status, _, body = fetch(site + "/corrections/")
    assert status == 200, body
    status, _, body = fetch(site + "/healthz")
    assert (status, '"database": "ok"' in body) == (200, True)
