"""What the benchmarks share. Served ones (pages_bench, liveblog_bench, cluster_bench,
newsday_bench): a gunicorn on a free 127.0.0.1 port with production settings, warming it,
and wrk at c=8 with its numbers read back. All: the bench databases beside `DATABASE_URL`."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MEDIA_ROOT = ROOT / "var" / "bench"


def database_url(base, name):
    """`base` with its database name replaced by `name`."""
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def recreate_database(url):
    """Drop the database `url` names (if it exists) and create it empty."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def production_env(db_url, **extra):
    """The environment of a served bench process: production settings on `db_url`, no
    Redis unless `extra` gives one."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        PUBLISHER_ADDRESS="1 Bench Street, Example Town",
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(MEDIA_ROOT),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        # The admin timing signs in with force_login: it measures the article list, not
        # the two-factor step that production staff go through first.
        STAFF_2FA_REQUIRED="0",
    )
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`app` (a WSGI path) under gunicorn with 2 sync workers, started in its own session
    and ready (its /healthz answers, whatever the status) when the constructor returns."""

    def __init__(self, app, env):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(PYTHON).with_name("gunicorn")),
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        for _ in range(150):
            try:
                urlopen(self.url("/healthz"), timeout=1)  # noqa: S310 (127.0.0.1)
                break
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP error: the server is up
                    break
                time.sleep(0.2)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def pids(self):
        children = subprocess.run(  # noqa: S603
            ["/usr/bin/ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
        ).stdout.split()
        return [self.process.pid, *map(int, children)]

    def cpu_seconds(self):
        """User and system CPU of the master and its workers so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def warm(url, times=4):
    """Let every worker load its templates and open its connections first."""
    for _ in range(times):
        urlopen(url, timeout=60).read()  # noqa: S310 (127.0.0.1)


def latency_ms(match):
    """A wrk latency (`12.3us`, `4.5ms`, `1.2s` as a regex match of value and unit) in ms."""
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url, duration, connections=8, script=None):
    """wrk -t2 -c8 (or `connections`) against `url`, with wrk's Lua `script` file if given:
    requests/s, p50 and p99 ms, errors (non-2xx/3xx responses plus socket errors), and
    with a script, wrk's whole output (what the script printed)."""
    lua = ["-s", str(script)] if script else []
    text = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency"]  # noqa: S607
        + [*lua, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        return latency_ms(re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE))

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
        **({"output": text} if script else {}),
    }


def write_results(prefix, title, table):
    """Print `table` and write it, under `title`, to bench/results/<prefix>-<UTC minute>.md."""
    print("\n" + table)
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    out = folder / f"{prefix}-{datetime.now(UTC):%Y-%m-%d-%H%M}.md"
    out.write_text(f"# {title}\n\n{table}\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")
