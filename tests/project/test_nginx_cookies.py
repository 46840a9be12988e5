"""deploy/nginx.conf under the real nginx: a bogus session, flash-message or read-your-
writes cookie is served from the page cache like no cookie; only well-formed ones reach
the application (which then checks them itself: tests/project/test_page_cache.py)."""

import getpass
import os
import re
import shutil
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.helpers.environment import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Page(BaseHTTPRequestHandler):
    """The application's answer to a reader: a public page the proxy may keep."""

    def do_GET(self):  # noqa: N802 — http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "public, max-age=0, s-maxage=60")
        self.end_headers()
        self.wfile.write(b"<p>A reader page.</p>")

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(tmp_path):
    if not Path(NGINX).exists():
        skip_or_fail("needs nginx (Debian package nginx-light)")
    app = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    with socket_port() as port:
        listen = f"127.0.0.1:{port}"
    for sub in ("tmp", "cache", "logs"):
        (tmp_path / sub).mkdir()
    (tmp_path / "empty.conf").write_text("")
    values = {
        "NGINX_USER": "root" if os.geteuid() == 0 else getpass.getuser(),
        "STATE_DIR": str(tmp_path),
        "LOG_DIR": str(tmp_path / "logs"),
        "APP_SERVERS": f"server 127.0.0.1:{app.server_address[1]};",
        "LISTEN": listen,
        "SERVER_NAME": "localhost",
        "TLS_CONF": str(tmp_path / "empty.conf"),
        "MEDIA_CONF": str(tmp_path / "empty.conf"),
        "PAGE_CACHE_ZONE": "pages",
    }
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    conf = tmp_path / "nginx.conf"
    conf.write_text(re.sub(r"\$\{([A-Z_0-9]+)\}", lambda m: values[m.group(1)], text))
    base = ["-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "logs" / "error.log")]
    subprocess.run([NGINX, *base], check=True, timeout=30)  # noqa: S603
    yield f"http://{listen}"
    subprocess.run([NGINX, *base, "-s", "stop"], check=False, timeout=30)  # noqa: S603
    app.shutdown()


class socket_port:  # noqa: N801 — a context manager
    """A free TCP port on the loopback."""

    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


def cache_status(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — loopback
        return response.headers["X-Cache-Status"]


def test_bogus_cookies_are_served_from_the_cache_and_real_ones_go_past_it(proxy):
    url = f"{proxy}/2026/12/07/a-story/"
    for _ in range(20):  # nginx may take a moment to accept connections
        try:
            assert cache_status(url) == "MISS"
            break
        except OSError:
            threading.Event().wait(0.1)
    for bogus in (
        "sessionid=x",
        "csrftoken=anything",
        "messages=forged",
        "read_primary=1",
    ):
        assert cache_status(url, bogus) == "HIT", bogus
    for shaped in (
        "sessionid=0123456789abcdefghijklmnopqrstuv",
        'messages="W1siX19qc29uX21lc3NhZ2UiXV0:1tZ:signature"',
        "read_primary=1:1tZabc:signature",
    ):
        assert cache_status(url, shaped) == "BYPASS", shaped
