"""Benchmark: readers arriving while the newsroom posts, against the framework's floor, in
one run.

    .venv/bin/python bench/newsday_bench.py               # or: make bench-newsday
    .venv/bin/python bench/newsday_bench.py --articles 1000 --duration 10

1. Builds (or reuses) the archive bench_newsday_<size> beside DATABASE_URL with
   bench/pages_build.py (the page benchmark's builder: 100,000 articles by default), and
   makes its newest article a live blog with a few updates.
2. Readers: wrk (-t2, --connections, default 32) with a Lua list of 20,000 paths drawn from
   this mix: 30% the front page, 10% the section fronts, 10% the live blog, 50% articles
   drawn by a Zipf law (weight 1/rank) from the --tail newest (default 2,000). The Lua
   script counts the statuses and each answer's cache headers (the application's
   X-Page-Cache, and the front's: nginx's X-Cache-Status, or Varnish's X-Cache when the
   cluster runs Varnish, its default).
3. Newsroom: a child process (bench/newsday_newsroom.py) with Django's test client signed in
   as an editor, posting through the admin's own views, so the same forms, saves, revisions
   and invalidation run as when an editor clicks: a live update every 15 s (the live blog's
   "Post update" form) and, every minute, an article saved as a draft and published with the
   article list's "Publish" action (articles.workflow.move). After each commit it polls the
   changed page (the live blog, or the front page for a new article) as an anonymous reader,
   every 0.2 s, until the change shows: the delay from commit to visible.
4. Runs of --duration seconds (30 by default): the floor (bench/floor_wsgi.py, a bare Django
   view), quiet (the mix, no writes) and news day (the mix while the newsroom posts) through
   gunicorn alone (2 sync workers, production settings, the page cache in Redis at
   --redis-url, flushed first); then news day through `make cluster`'s front (nginx,
   Varnish, two application servers, a standby): a cluster already running is used as it is,
   otherwise bin/cluster starts one on free ports (stopped at the end) and the
   --cluster-articles archive is loaded into it with the same builder. If the cluster cannot
   start here, that run is skipped with the reason in the table.
5. Prints a markdown table, with load averages, and writes it to bench/results/newsday-*.md.

Budgets (issue 27): news day through gunicorn >= 50% of the floor, p99 < 100 ms, no
errors, at most 25% below quiet; through the cluster >= 5x the floor with every change
visible within 10 s.
"""

import argparse
import importlib.machinery
import importlib.util
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import urlopen

from newsday_newsroom import (  # the schedule the newsroom keeps (same folder)
    FIRST_LIVE,
    FIRST_PUBLISH,
    LIVE_EVERY,
    POLL_SECONDS,
    PUBLISH_EVERY,
    VISIBLE_TIMEOUT,
)
from serving import (  # bench/serving.py (the script's folder is on sys.path)
    MEDIA_ROOT,
    Server,
    database_url,
    production_env,
    warm,
    wrk,
)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MIX = {"front": 30, "section": 10, "live": 10, "article": 50}
PATHS = 20_000
# The newsroom's child process (bench/newsday_newsroom.py) and its schedule.
NEWSROOM = Path(__file__).with_name("newsday_newsroom.py")
STALE_STATES = {"stale", "updating"}  # X-Page-Cache / nginx's X-Cache-Status, lower case
# The cluster warms once changes settled on the standby (content_state; + 2 s kept).
SETTLING = (("DATABASE_REPLICA_MAX_LAG", 10), ("DATABASE_REPLICA_CHECK_SECONDS", 5))

READERS_LUA = """
local paths = {%(paths)s}
local threads = {}
function setup(thread)
  thread:set("offset", math.random(#paths))
  table.insert(threads, thread)
end
function init(args)
  n = offset
  counts = {}
end
function request()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n], {["Accept-Encoding"] = "gzip"})
end
function response(status, headers, body)
  local state = headers["X-Page-Cache"] or headers["x-page-cache"] or "-"
  local edge = headers["X-Cache-Status"] or headers["x-cache-status"]
    or headers["X-Cache"] or headers["x-cache"] or "-"
  local key = status .. " " .. state .. " " .. edge
  counts[key] = (counts[key] or 0) + 1
end
function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do all[key] = (all[key] or 0) + count end
  end
  for key, count in pairs(all) do io.write("ANSWER " .. key .. " " .. count .. "\\n") end
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="archive size")
    parser.add_argument("--cluster-articles", type=int, default=2_000)
    parser.add_argument("--tail", type=int, default=2_000, help="articles in the Zipf tail")
    parser.add_argument("--duration", type=int, default=30, help="seconds of each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-cluster", action="store_true", help="skip the cluster run")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="any database on the server to use; the bench database is made beside it",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="flushed before the gunicorn runs",
    )
    return parser.parse_args()


def run_child(env, *argv):
    done = subprocess.run(  # noqa: S603
        [PYTHON, str(NEWSROOM), *argv], env=env, cwd=ROOT, capture_output=True, text=True
    )
    found = re.search(r"^RESULT (.*)$", done.stdout, re.MULTILINE)
    if done.returncode or not found:
        sys.exit(f"{argv[:2]} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(found.group(1))


class Newsroom:
    """The newsroom child, started beside a run and read when it ends."""

    def __init__(self, env, base_url, live_id, live_path, seconds):
        self.process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                str(NEWSROOM),
                *("newsroom", "--base-url", base_url, "--duration", str(seconds)),
                *("--live-id", str(live_id), "--live-path", live_path),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def results(self):
        out, err = self.process.communicate(timeout=VISIBLE_TIMEOUT + 120)
        found = re.search(r"^RESULT (.*)$", out, re.MULTILINE)
        if self.process.returncode or not found:
            sys.exit(f"The newsroom failed (exit {self.process.returncode}):\n{out}\n{err}")
        return json.loads(found.group(1))


# --- Parent --------------------------------------------------------------------------


def readers_script(mix, seed=20261207):
    """A Lua file for wrk: PATHS paths drawn from MIX, the articles by a Zipf law."""
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    zipf = [1 / rank for rank in range(1, len(mix["article"]) + 1)]
    paths = []
    for kind in rng.choices(kinds, weights, k=PATHS):
        if kind == "article":
            paths.append(rng.choices(mix["article"], zipf)[0])
        else:
            paths.append(rng.choice(mix[kind]))
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    with script:
        script.write(READERS_LUA % {"paths": ",".join(json.dumps(p) for p in paths)})
    return Path(script.name), Counter(paths)


def answers(output):
    """wrk's ANSWER lines: {(status, app state, edge state): count}."""
    found = {}
    for status, state, edge, count in re.findall(r"^ANSWER (\d+) (\S+) (\S+) (\d+)$", output, re.M):
        found[status, state.lower(), edge.lower()] = int(count)
    return found


def stale_share(found):
    """The share of answers marked stale, if any header says so; else a sentence."""
    total = sum(found.values())
    marked = [k for k in found if k[1] != "-" or k[2] != "-"]
    if not total or not marked:
        return "not measurable (no cache header)"
    stale = sum(n for k, n in found.items() if k[1] in STALE_STATES or k[2] in STALE_STATES)
    edge = any(k[2] != "-" for k in found)
    if stale == 0 and not edge:
        return "not measurable yet (the app marks hit/miss only)"
    return f"{100 * stale / total:.1f}%"


EDGE_ANSWERED = {"hit", "stale", "updating"}  # the front answered from its own cache


def hit_share(found, index):
    """The share of `hit` in one header (1: the app's, 2: the front's, nginx's or
    Varnish's). For the app's, only among the answers the app gave: the front repeats the
    header it stored with the page."""
    if index == 1:
        found = {k: n for k, n in found.items() if k[2] not in EDGE_ANSWERED}
    total = sum(found.values())
    hits = sum(n for k, n in found.items() if k[index] == "hit")
    return f"{100 * hits / total:.0f}% of {total:,}" if total else "—"


def delays(results, kind):
    shown = [r["visible_s"] for r in results if r["kind"] == kind]
    if not shown:
        return "—"
    seen = sorted(s for s in shown if s is not None)
    late = len(shown) - len(seen)
    text = ", ".join(f"{s:.1f}" for s in seen) + " s" if seen else ""
    if late:
        text += f"{'; ' if text else ''}{late} not visible within {VISIBLE_TIMEOUT} s"
    return text


def build(args, db_url, count, env=None):
    subprocess.run(  # noqa: S603
        [PYTHON, "bench/pages_build.py", "--articles", str(count), "--database-url", db_url],
        env=env or {**os.environ, "MEDIA_ROOT": str(MEDIA_ROOT)},
        cwd=ROOT,
        check=True,
    )


def warm_all(base_url, paths):
    """Every distinct path of the list requested once (four at a time), so the quiet run
    measures a warm site rather than the first renders of the long tail."""
    from concurrent.futures import ThreadPoolExecutor

    def get(path):
        urlopen(base_url + path, timeout=120).read()  # noqa: S310 (127.0.0.1)

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(get, paths))
    print(f"warmed {len(paths):,} paths in {time.monotonic() - started:.0f} s", flush=True)


def wait_for_tasks(db_url, limit=240):
    """Until the cluster's worker has done what the archive's load enqueued (renditions:
    each makes pages stale; "as soon as possible" is run_after 9999-01-01)."""
    import psycopg

    query = (
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE status IN ('READY', 'RUNNING') "
        "AND (run_after IS NULL OR run_after <= now() OR run_after >= '9999-01-01')"
    )
    started = time.monotonic()
    with psycopg.connect(db_url, autocommit=True) as conn:
        while (left := conn.execute(query).fetchone()[0]) and time.monotonic() - started < limit:
            time.sleep(2)
    print(f"tasks waiting: {left} after {time.monotonic() - started:.0f} s", flush=True)


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def measured(url, args, script, newsroom=None):
    run = wrk(url, args.duration, args.connections, script)
    run["answers"] = answers(run.pop("output"))
    run["newsroom"] = newsroom.results() if newsroom else []
    run["load"] = os.getloadavg()[0]
    return run


def gunicorn_runs(args, results):
    db_url = database_url(args.database_url, f"bench_newsday_{size_label(args.articles)}")
    build(args, db_url, args.articles)
    flush_redis(args.redis_url)
    env = production_env(db_url, PAGE_CACHE="1", REDIS_URL=args.redis_url)
    mix = run_child(env, "prepare", "--tail", str(args.tail))
    script, drawn = readers_script(mix)
    results["mix"] = {k: len(mix[k]) for k in MIX}
    results["distinct"] = len(drawn)
    floor_server = Server("bench.floor_wsgi:application", production_env(db_url))
    warm(floor_server.url("/"))
    results["floor"] = wrk(floor_server.url("/"), args.duration, args.connections)
    results["floor"]["load"] = os.getloadavg()[0]
    floor_server.stop()
    print("floor", results["floor"], flush=True)
    server = Server("defenceblog.wsgi:application", env)
    try:
        warm(server.url("/"))
        warm_all(server.url(""), drawn)
        results["quiet"] = measured(server.url("/"), args, script)
        print("quiet", results["quiet"], flush=True)
        room = Newsroom(env, server.url(""), mix["live_id"], mix["live"][0], args.duration)
        results["news day, gunicorn"] = measured(server.url("/"), args, script, room)
        print("news day, gunicorn", results["news day, gunicorn"], flush=True)
    finally:
        server.stop()
        os.unlink(script)


def load_cluster_module():
    loader = importlib.machinery.SourceFileLoader("cluster", str(ROOT / "bin" / "cluster"))
    spec = importlib.util.spec_from_loader("cluster", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cluster_run(args, results):
    """News day through the cluster's front; the reason in results if it cannot run."""
    env_file = ROOT / "var" / "cluster" / "env"
    started_here = False
    if env_file.exists() and running(env_file):
        ports = {}
    else:
        ports = {
            f"CLUSTER_{name}_PORT": str(free_port())
            for name in (
                "HTTP",
                "APP_A",
                "APP_B",
                "PG_PRIMARY",
                "PG_REPLICA",
                "REDIS",
                "S3",
                "VARNISH",
            )
        }
        up = subprocess.run(  # noqa: S603
            [PYTHON, str(ROOT / "bin" / "cluster"), "up"],
            env={**os.environ, **ports},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if up.returncode:
            tail = (up.stdout + up.stderr).strip().splitlines()[-3:]
            results["cluster skipped"] = "`bin/cluster up` failed here: " + " / ".join(tail)
            print(results["cluster skipped"], flush=True)
            return
        started_here = True
    saved = {name: os.environ.get(name) for name in ports}
    os.environ.update(ports)  # the module reads its ports from the environment
    try:
        cluster = load_cluster_module()
        env = cluster.app_env()
        env.update(STAFF_2FA_REQUIRED="0", ALLOWED_HOSTS=env["ALLOWED_HOSTS"] + ",testserver")
        front = cluster.urls()["CLUSTER_URL"]
        build(args, env["DATABASE_URL"], args.cluster_articles, env)
        wait_for_tasks(env["DATABASE_URL"])
        mix = run_child(env, "prepare", "--tail", str(args.tail))
        script, drawn = readers_script(mix)
        time.sleep(sum(float(env.get(name, default)) for name, default in SETTLING) + 2)
        try:
            warm(front + "/")
            warm_all(front, drawn)
            saving = {**env, **cluster.app_env("a")}  # as an app server saves: purging Varnish
            saving.update(STAFF_2FA_REQUIRED="0", ALLOWED_HOSTS=env["ALLOWED_HOSTS"])
            room = Newsroom(saving, front, mix["live_id"], mix["live"][0], args.duration)
            results["news day, cluster"] = measured(front + "/", args, script, room)
            results["cluster mix"] = {k: len(mix[k]) for k in MIX}
            print("news day, cluster", results["news day, cluster"], flush=True)
        finally:
            os.unlink(script)
    finally:
        if started_here:
            subprocess.run([PYTHON, str(ROOT / "bin" / "cluster"), "down"], check=False)  # noqa: S603
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def running(env_file):
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    try:
        urlopen(values["CLUSTER_URL"] + "/healthz", timeout=5)  # noqa: S310 (127.0.0.1)
        return True
    except (OSError, KeyError):
        return False


def size_label(count):
    return f"{count // 1000}k" if count % 1000 == 0 else str(count)


def table(args, results, loads):
    floor = results["floor"]["rps"]
    lines = [
        f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC; {os.cpu_count()} CPUs, shared; "
        f"load average {loads[0]:.1f} before, {loads[-1]:.1f} after (at the end of each run in "
        f"its row). wrk -t2 -c{args.connections} -d{args.duration}s; gunicorn 2 sync workers, "
        "production settings, page cache in Redis. Floor (bare Django view): "
        f"**{floor:,.0f} req/s**.",
        "",
        f"Readers' mix: {', '.join(f'{v}% {k}' for k, v in MIX.items())}; articles by a "
        f"Zipf law (1/rank) over the {results['mix']['article']:,} newest of the "
        f"{args.articles:,}-article archive; {results['mix']['section']} section fronts; "
        f"{results['distinct']:,} distinct paths among the {PATHS:,} of the list. "
        f"Newsroom: a live update every {LIVE_EVERY} s and an article published every "
        f"{PUBLISH_EVERY} s (first at {FIRST_LIVE} s and {FIRST_PUBLISH} s into the run), "
        "through the admin's views; visible = seconds from the commit until an anonymous "
        f"reader's copy of the page shows the change (polled every {POLL_SECONDS} s).",
        "",
        "| run | req/s | % of floor | p50 ms | p99 ms | errors | app page-cache hits (of "
        "the answers the app gave) | front cache hits (nginx or Varnish) | stale "
        "| live updates visible after | articles visible after | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |",
        f"| floor | {floor:,.0f} | 100% | {results['floor']['p50']:.1f} | "
        f"{results['floor']['p99']:.1f} | {results['floor']['errors']} | | | | | | "
        f"{results['floor']['load']:.1f} |",
    ]
    for name in ("quiet", "news day, gunicorn", "news day, cluster"):
        run = results.get(name)
        if run is None:
            continue
        found = run["answers"]
        edge = hit_share(found, 2) if any(k[2] != "-" for k in found) else "—"
        lines.append(
            f"| {name} | {run['rps']:,.0f} | {100 * run['rps'] / floor:.0f}% | "
            f"{run['p50']:.1f} | {run['p99']:.1f} | {run['errors']} | "
            f"{hit_share(found, 1)} | {edge} | {stale_share(found)} | "
            f"{delays(run['newsroom'], 'live update')} | {delays(run['newsroom'], 'article')} "
            f"| {run['load']:.1f} |"
        )
    if "cluster skipped" in results:
        lines.append(f"\nNews day through the cluster: **skipped**. {results['cluster skipped']}")
    elif "cluster mix" in results:
        lines.append(
            "\nThe cluster run reads the cluster's own database (nginx in front of two "
            "application servers, reads on the standby), loaded with the same builder at "
            f"{args.cluster_articles:,} articles; Zipf over its "
            f"{results['cluster mix']['article']:,} newest."
        )
    for name in ("quiet", "news day, gunicorn", "news day, cluster"):
        if name in results:
            shown = ", ".join(
                f"{status} {state}/{edge}: {n:,}"
                for (status, state, edge), n in sorted(results[name]["answers"].items())
            )
            lines.append(f"\nAnswers, {name} (status app/edge cache header: count): {shown}.")
    return "\n".join(lines)


def main():
    args = parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:  # noqa: S607
        sys.exit("wrk is missing: sudo apt-get install wrk")
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=production_env(args.database_url),
        cwd=ROOT,
        check=True,
    )
    loads = [os.getloadavg()[0]]
    results = {}
    gunicorn_runs(args, results)
    if args.no_cluster:
        results["cluster skipped"] = "--no-cluster was given."
    else:
        cluster_run(args, results)
    loads.append(os.getloadavg()[0])
    text = table(args, results, loads)
    print("\n" + text)
    out = ROOT / "bench" / "results" / f"newsday-{datetime.now(UTC):%Y-%m-%d-%H%M}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(f"# News day benchmark\n\n{text}\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
