"""A real varnishd with deploy/varnish.vcl (and the xkey module) in front of the site, on a
free port; and a small TCP forwarder a test can close and open again to make a server
unreachable for a while without stopping it (its cache intact)."""

import glob
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from core.pgcluster import free_port
from tests.helpers import processes
from tests.helpers.environment import skip_or_fail
from tests.helpers.manage import ROOT

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def require_varnish():
    if not Path(VARNISHD).exists() or not glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so"):
        skip_or_fail("needs varnishd with the xkey module (Debian: varnish varnish-modules)")


class Varnish:
    """varnishd in the foreground, rendered from deploy/varnish.vcl with one backend per
    (host, port) in `backends`, in a folder of its own that its unprivileged user can read
    (varnishd run as root reads its files as that user; pytest's folders are root's only),
    removed by `stop()`."""

    def __init__(self, backends):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.directory = Path(tempfile.mkdtemp(prefix="varnish-"))
        self.directory.chmod(0o755)
        self.process = None
        values = {
            "BACKENDS": "\n".join(
                f'backend app_{n} {{ .host = "{host}"; .port = "{port}"; .probe = healthz; }}'
                for n, (host, port) in enumerate(backends)
            ),
            "DIRECTOR": "\n".join(f"app.add_backend(app_{n});" for n in range(len(backends))),
            "PURGERS": '"127.0.0.1";',
        }
        text = (ROOT / "deploy" / "varnish.vcl").read_text()
        self.vcl = self.directory / "default.vcl"
        self.vcl.write_text(re.sub(r"\$\{([A-Z_0-9]+)\}", lambda m: values[m.group(1)], text))

    def start(self):
        self.log_path = self.directory / "varnish.log"
        log = open(self.log_path, "a")  # noqa: SIM115 - kept open for the server's life
        self.process = subprocess.Popen(  # noqa: S603
            [
                VARNISHD,
                "-F",
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "none",
                "-n",
                str(self.directory / "work"),
                "-f",
                str(self.vcl),
                "-s",
                "malloc,64m",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # 200 once the probe has found the site healthy
        processes.wait_healthy(self.process, self.url + "/healthz", "varnishd", self.log_path)
        return self

    def stop(self):
        processes.stop(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)


class Forwarder:
    """127.0.0.1:port forwarding to `target` (host, port) while open; closed, nothing
    listens there (connection refused)."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.listener = None

    def open(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def close(self):
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=10)
            for one, other in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(one, other), daemon=True).start()


def _pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
