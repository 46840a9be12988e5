"""Servers a test starts beside the test database: PgBouncer in front of a PostgreSQL, and
the site under gunicorn in a subprocess against any database URLs (`SiteServer`), with a
browser-like HTTP `Client`. The throwaway PostgreSQL itself is core/pgcluster.py (the
`pg_cluster` fixture in tests/project/conftest.py)."""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

from core.pgcluster import OS_USER, free_port
from tests.helpers import processes
from tests.helpers.manage import ROOT

PGBOUNCER = "/usr/sbin/pgbouncer"

PGBOUNCER_INI = """[databases]
* = host=127.0.0.1 port={target_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory}/userlist.txt
admin_users = postgres
pool_mode = transaction
; One server connection per database and user: every client shares it, so state one of
; them left on the session would show up in the next one's queries.
default_pool_size = 1
max_client_conn = 100
logfile = {directory}/pgbouncer.log
pidfile = {directory}/pgbouncer.pid
"""


class PgBouncer:
    """/usr/sbin/pgbouncer in transaction mode on a free port, in front of the PostgreSQL
    at 127.0.0.1:target_port (run as the postgres OS user when root: it refuses root)."""

    def __init__(self, target_port=5432):
        self.directory = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.port = free_port()
        (self.directory / "pgbouncer.ini").write_text(
            PGBOUNCER_INI.format(port=self.port, target_port=target_port, directory=self.directory)
        )
        (self.directory / "userlist.txt").write_text('"postgres" ""\n')
        command = [PGBOUNCER, str(self.directory / "pgbouncer.ini")]
        if os.geteuid() == 0:
            for path in (self.directory, *self.directory.iterdir()):
                shutil.chown(path, OS_USER, OS_USER)
            command = ["runuser", "-u", OS_USER, "--", *command]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.admin("SHOW VERSION")
                return
            except Exception:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"pgbouncer did not start: {self.log()[-2000:]}")

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, command):
        """A command on PgBouncer's admin console (simple query protocol): rows as dicts."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname="pgbouncer",
            autocommit=True,
            cursor_factory=psycopg.ClientCursor,
            row_factory=dict_row,
            connect_timeout=3,
        ) as conn:
            return conn.execute(command).fetchall()

    def log(self):
        try:
            return (self.directory / "pgbouncer.log").read_text()
        except OSError:
            return ""

    def stop(self):
        processes.stop(self.process, timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


class Client:
    """A browser's share of HTTP: cookies, and no following of redirects."""

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirects()
        )

    def request(self, path, data=None, timeout=30):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310
        if body is not None:
            request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def forget_cookie(self, name):
        for cookie in list(self.cookies):
            if cookie.name == name:
                self.cookies.clear(cookie.domain, cookie.path, cookie.name)

    def csrf_token(self, path):
        status, _, html = self.get(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class SiteServer:
    """The site under gunicorn (one worker), with the environment given; its log (the
    warnings the tests look for) in `log_path`."""

    def __init__(self, env, directory):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(directory) / f"site-{self.port}.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "PYTEST", "DJANGO_SETTINGS")) and key != "REDIS_URL"
        }
        self.env.update(
            {
                "DEBUG": "1",
                "SECRET_KEY": settings.SECRET_KEY,
                "ALLOWED_HOSTS": "127.0.0.1",
                "STAFF_2FA_REQUIRED": "0",
                "LOG_LEVEL": "INFO",
                "DJANGO_SETTINGS_MODULE": "defenceblog.settings",
                **env,
            }
        )
        self.process = None

    def manage(self, *args, check=True, **env):
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115 - kept open for the server's life
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "defenceblog.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.wait_healthy(
            self.process, self.base_url + "/healthz", "gunicorn", self.log_path, interval=0.3
        )
        return self

    def stop(self):
        processes.stop(self.process)

    def log(self):
        return self.log_path.read_text()

    def client(self):
        return Client(self.base_url)
