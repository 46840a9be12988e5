"""Benchmark: requests/s through nginx (deploy/nginx.conf, as `make cluster` runs it), with
nginx's page cache on and off, with one application server and with two, next to the
framework's floor.

    make cluster && make bench-cluster         # or: .venv/bin/python bench/cluster_bench.py
    .venv/bin/python bench/cluster_bench.py --duration 5

For each of four nginx configurations (cache on or off; upstream of A, or of A and B),
bin/cluster renders deploy/nginx.conf again and reloads nginx, then wrk drives c=8 (-t2)
for --duration seconds against the front page and an article: requests/s, p50, p99 and
errors. The floor is bench/floor_wsgi.py (a bare Django view) under gunicorn with the same
two sync workers as one application server, requested directly. With nginx's cache off
the application servers' own page cache (Redis) still answers: that is the path every
request took before nginx cached, and the path a request takes when nginx's copy is stale.
At the end nginx is put back as `make cluster` left it (both servers, cache on).

The machine may be shared: the load average before and after is printed with the table,
which is also written, dated, to bench/results/cluster-YYYY-MM-DD-HHMM.md.
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import urlopen

from serving import (  # bench/serving.py (the script's folder is on sys.path)
    Server,
    warm,
    write_results,
    wrk,
)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CLUSTER = [PYTHON, str(ROOT / "bin" / "cluster")]


def read_env():
    path = ROOT / "var" / "cluster" / "env"
    if not path.exists():
        sys.exit("No cluster running: start it with `make cluster`.")
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def floor(duration):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PYTHONPATH": str(ROOT),
    }
    server = Server("bench.floor_wsgi:application", env)
    try:
        warm(server.url("/"), times=6)
        return wrk(server.url("/"), duration)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds of wrk per run")
    args = parser.parse_args()
    env = read_env()
    base = env["CLUSTER_URL"]
    front = urlopen(f"{base}/", timeout=60).read().decode()  # noqa: S310
    article = re.search(r'href="(/\d{4}/\d{2}/\d{2}/[^"/]+/)"', front).group(1)
    pages = {"front": "/", "article": article}

    load_before = os.getloadavg()
    results = {"floor": floor(args.duration)}
    print(f"floor: {results['floor']}", flush=True)
    try:
        for servers in ("a", "a,b"):
            for cache in ("off", "on"):
                subprocess.run(  # noqa: S603
                    [*CLUSTER, "nginx", "--servers", servers, "--cache", cache], check=True
                )
                for name, path in pages.items():
                    warm(f"{base}{path}", times=6)
                    run = wrk(f"{base}{path}", args.duration)
                    results[servers, cache, name] = run
                    print(servers, cache, name, run, flush=True)
    finally:
        subprocess.run([*CLUSTER, "nginx"], check=True)  # noqa: S603
    load_after = os.getloadavg()

    floor_rps = results["floor"]["rps"]
    lines = [
        f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC; {os.cpu_count()} CPUs; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after. wrk -t2 -c8 "
        f"-d{args.duration}s through nginx; each application server is gunicorn with 2 sync "
        f"workers. Floor (bare Django view, one gunicorn, direct): **{floor_rps:.0f} req/s**, "
        f"p50 {results['floor']['p50']:.1f} ms, p99 {results['floor']['p99']:.1f} ms.",
        "",
        "| page | app servers | nginx cache | req/s | % of floor | p50 ms | p99 ms | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in pages:
        for servers in ("a", "a,b"):
            for cache in ("off", "on"):
                run = results[servers, cache, name]
                lines.append(
                    f"| {name} | {len(servers.split(','))} | {cache} | {run['rps']:.0f} | "
                    f"{100 * run['rps'] / floor_rps:.0f}% | {run['p50']:.1f} | "
                    f"{run['p99']:.1f} | {run['errors']} |"
                )
    write_results("cluster", "Cluster benchmark", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
