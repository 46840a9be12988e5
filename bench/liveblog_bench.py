"""Benchmark: what a live blog's readers polling for new updates cost the server.

    .venv/bin/python bench/liveblog_bench.py                # or: make bench-liveblog
    .venv/bin/python bench/liveblog_bench.py --duration 10

1. Recreates the PostgreSQL database bench_liveblog (server of DATABASE_URL), migrates it
   and loads the demo content, whose live blog has a dozen updates.
2. Serves it with gunicorn (2 sync workers, production settings: DEBUG=0, a SECRET_KEY,
   SECURE_SSL_REDIRECT=0), Redis at REDIS_URL (default redis://127.0.0.1:6379/12, flushed
   first), with the page cache on and then off.
3. Against the poll endpoint (/live/<id>/updates.json) drives wrk:
   - capacity: c=8 as fast as it goes, with the ETag in If-None-Match (what a page that
     already has the updates sends: 304) and without (200 with the JSON);
   - the target load: 1,000 readers polling every 15 s is ~67 requests/s; wrk's Lua
     `delay()` paces 10 connections at one request per 150 ms each, with If-None-Match, and
     the gunicorn processes' CPU time (utime + stime from /proc, master and workers) is
     read before and after: CPU seconds per wall second is the fraction of one core.
4. Prints a markdown table and writes it, dated, to bench/results/.

The machine may be shared: the load average before and after is recorded.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import Request, urlopen

from serving import (  # bench/serving.py (the script's folder is on sys.path)
    Server,
    database_url,
    latency_ms,
    production_env,
)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
NAME = "bench_liveblog"
PACED_CONNECTIONS, PACED_DELAY_MS = 10, 150  # ~67 requests/s

COUNT_LUA = """
local counts = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  statuses = {}
  local etag = os.getenv("ETAG")
  if etag and etag ~= "" then wrk.headers["If-None-Match"] = etag end
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do all[code] = (all[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(all) do table.insert(parts, code .. "=" .. n) end
  io.write("STATUSES " .. table.concat(parts, ",") .. "\\n")
end
"""
PACED_LUA = COUNT_LUA + f"\nfunction delay() return {PACED_DELAY_MS} end\n"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of each capacity run")
    parser.add_argument("--paced", type=int, default=20, help="seconds of the ~67 req/s run")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    )
    return parser.parse_args()


def build(admin_url):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{NAME}"')
    env = production_env(database_url(admin_url, NAME))
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run([PYTHON, "manage.py", *command], env=env, cwd=ROOT, check=True)  # noqa: S603
    found = subprocess.run(  # noqa: S603
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from liveblog.models import LiveBlog; print('LIVE', LiveBlog.objects.get().pk)",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(re.search(r"LIVE (\d+)", found.stdout).group(1))


def wrk(url, lua, seconds, connections, threads, etag=""):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        done = subprocess.run(  # noqa: S603
            [
                "/usr/bin/wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "ETAG": etag},
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", done)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", done)
    statuses = re.search(r"STATUSES (\S*)", done).group(1)
    return rate, latency_ms(p50), latency_ms(p99), statuses


def measure(server, path, args):
    url = server.url(path)
    for _ in range(6):  # both workers load templates and connect
        urlopen(url, timeout=60).read()  # noqa: S310 (127.0.0.1)
    etag = urlopen(Request(url), timeout=60).headers["ETag"]  # noqa: S310
    rows = {}
    rows["capacity, If-None-Match (304)"] = wrk(url, COUNT_LUA, args.duration, 8, 2, etag)
    rows["capacity, no ETag (200)"] = wrk(url, COUNT_LUA, args.duration, 8, 2)
    before, start = server.cpu_seconds(), time.monotonic()
    paced = wrk(url, PACED_LUA, args.paced, PACED_CONNECTIONS, 2, etag)
    cpu = (server.cpu_seconds() - before) / (time.monotonic() - start)
    rows[f"paced {PACED_CONNECTIONS}×1/{PACED_DELAY_MS} ms, If-None-Match"] = paced
    return rows, cpu


def main():
    args = parse_args()
    load_before = os.getloadavg()[0]
    blog = build(args.database_url)
    path = f"/live/{blog}/updates.json"
    lines = []
    for cache in ("1", "0"):
        subprocess.run(  # noqa: S603
            ["/usr/bin/redis-cli", "-u", args.redis_url, "flushdb"], check=True, capture_output=True
        )
        env = production_env(
            database_url(args.database_url, NAME), PAGE_CACHE=cache, REDIS_URL=args.redis_url
        )
        server = Server("defenceblog.wsgi", env)
        try:
            rows, cpu = measure(server, path, args)
        finally:
            server.stop()
        label = "page cache on" if cache == "1" else "page cache off"
        for name, (rate, p50, p99, statuses) in rows.items():
            cpu_text = f"{cpu * 100:.1f}% of one core" if name.startswith("paced") else ""
            cells = [label, name, f"{rate:,.0f}", f"{p50:.2f}", f"{p99:.2f}", statuses, cpu_text]
            lines.append("| " + " | ".join(cells) + " |")
    load_after = os.getloadavg()[0]
    stamp = datetime.now(UTC)
    table = "\n".join(
        [
            f"Live blog poll endpoint `{path}`, {stamp:%d %B %Y %H:%M} UTC; gunicorn 2 sync "
            f"workers, production settings; load average {load_before:.1f} before, "
            f"{load_after:.1f} after ({os.cpu_count()} CPUs).",
            "",
            "| cache | run | req/s | p50 ms | p99 ms | statuses | gunicorn CPU |",
            "| --- | --- | ---: | ---: | ---: | --- | --- |",
            *lines,
        ]
    )
    print(table)
    out = ROOT / "bench" / "results" / f"liveblog-{stamp:%Y-%m-%d-%H%M}.md"
    out.write_text(table + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}", file=sys.stderr)
    print("RESULT " + json.dumps({"path": path}), file=sys.stderr)


if __name__ == "__main__":
    main()
