"""Varnish for bin/cluster: deploy/varnish.vcl rendered with one backend per application
server, and varnishd started in the foreground beside the other processes (its pid
recorded like theirs, so `bin/cluster down` stops it)."""

import shutil
from urllib.request import Request, urlopen

from cluster_processes import VAR, http_status, render, start_process, wait_for

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def render_varnish(servers):
    """var/cluster/varnish/default.vcl, for `servers` ({name: port} on 127.0.0.1)."""
    state = VAR / "varnish"
    state.mkdir(parents=True, exist_ok=True)
    values = {
        "BACKENDS": "\n".join(
            f'backend app_{name} {{ .host = "127.0.0.1"; .port = "{port}"; '
            ".probe = healthz; .connect_timeout = 2s; .first_byte_timeout = 30s; }"
            for name, port in servers.items()
        ),
        "DIRECTOR": "\n    ".join(f"app.add_backend(app_{name});" for name in servers),
        "PURGERS": '"127.0.0.1";',
    }
    (state / "default.vcl").write_text(render("varnish.vcl", values))
    return state


def start_varnish(port, servers):
    """varnishd on 127.0.0.1:`port` in front of `servers`, waited for until it answers
    (its health probe has found a server up)."""
    state = render_varnish(servers)
    process = start_process(
        "varnish",
        [
            VARNISHD,
            "-F",  # in the foreground: its pid is the one recorded, `down` stops it
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "none",  # no management port: nothing else to collide with
            "-n",
            str(state / "work"),
            "-f",
            str(state / "default.vcl"),
            "-s",
            "malloc,256m",
        ],
    )
    url = f"http://127.0.0.1:{port}/healthz"
    wait_for(lambda: http_status(url) == 200, "varnish", 30, process)


def purge_all(port):
    """Empty the Varnish on `port` (every object carries the key `all`)."""
    request = Request(f"http://127.0.0.1:{port}/", method="PURGE", headers={"xkey-purge": "all"})
    urlopen(request, timeout=10).read()  # noqa: S310 (127.0.0.1)
