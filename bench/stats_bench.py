"""Benchmark: the audience beacon, ingest and rollup, and the Audience screen.

    .venv/bin/python bench/stats_bench.py                       # or: make bench-stats
    .venv/bin/python bench/stats_bench.py --hits 1000000 --articles 10000

1. Builds (or reuses) database bench_stats beside DATABASE_URL with the search
   benchmark's article archive (bench/search_bench.py; --articles, default 100,000).
2. The beacon endpoint: gunicorn (2 sync workers, production settings, Redis at
   --redis-url) and the floor (a bare Django view, bench/floor_wsgi.py), each driven by wrk
   -c8 for --duration s, the floor measured just before the endpoint: req/s as a share of
   the floor's, p50, p99 of both, and the load average then (budget: >= 50% of the
   floor, p99 < 20 ms); then both again at wrk -c2 (one connection per worker: the
   request's own time, without four requests queued in front of each worker).
   --beacon-only stops after this step.
3. History: --hits raw hits (default 10,000,000) over 30 days on the 5,000 newest
   articles (popular ones read more), generated inside PostgreSQL with their hourly
   rollups, then the daily rollup of the 31 days by stats.rollup, timed
   (bench/stats_history.py).
4. Ingest and rollup: --ingest-hits hits over the same 30 days, pushed to the Redis buffer
   as the endpoint does, written by stats.ingest.flush (COPY into a staging table, then
   the day partitions and the hourly rollups by INSERT ... SELECT ... GROUP BY) on top of
   the history, then the daily rollup of the days they marked (stats.rollup.roll_up):
   hits/s for both together (the worst case: almost every hit a different hourly row).
   Then a spike: --spike hits arriving evenly over --spike-seconds (default 600,000 in 10
   minutes), stamped as they arrive, while this process flushes as the task worker does:
   the queue's longest, what waits when the spike ends and how long after that the queue
   is empty (budget: 2,000 hits/s sustained, the queue empty within a minute of the end).
5. The Audience screens (today, 7 and 30 days, Now, a new and an older article) and the
   admin index beside them (the floor: what any admin page costs here): median ms of 5
   requests through Django's test client as a superuser, and their SQL queries (budget
   < 300 ms). "Now" shows the list the worker keeps (stats/live.py), refreshed just before
   as the worker does after a flush; counting that list from the raw hits is timed on its
   own.
6. Prints the results and writes them, dated, to bench/results/.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bench  # noqa: E402
import stats_history  # noqa: E402
from serving import Server, database_url, production_env, warm  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NAME = "bench_stats"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database-url", default=database_url(base, NAME))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--hits", type=int, default=10_000_000)
    parser.add_argument("--ingest-hits", type=int, default=300_000)
    parser.add_argument("--spike", type=int, default=600_000)
    parser.add_argument("--spike-seconds", type=int, default=600, help="the spike's length")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk")
    parser.add_argument("--skip-http", action="store_true", help="no wrk runs")
    parser.add_argument("--beacon-only", action="store_true", help="the wrk runs only")
    parser.add_argument(
        "--screens-only",
        action="store_true",
        help="time the screens on the counts already in the database (no wrk, no new hits)",
    )
    return parser.parse_args()


def wrk_post(url, body, duration, connections=8):
    """wrk -t2 -c8 POSTing `body` as the beacon does: req/s, p50, p99 ms, non-2xx count."""
    script = (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "text/plain"\n'
        f'wrk.headers["User-Agent"] = "{UA}"\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    return run_wrk(["-s", f.name], url, duration, connections)


def run_wrk(extra, url, duration, connections=8):
    import re

    from serving import latency_ms

    text = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        return latency_ms(re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE))

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def push_hits(conn, hits, paths, start, span_seconds, rng, visitors=300_000):
    """`hits` hits between start and start + span into the buffer, as the endpoint writes
    them (one JSON line each), pipelined."""
    from stats import buffer

    kinds = [1] * 60 + [2] * 20 + [3] * 10 + [4] * 5 + [5] * 5
    sources = [
        ("search", "www.google.com"),
        ("social", "t.co"),
        ("direct", ""),
        ("site", "x.example"),
    ]
    pipe = conn.pipeline(transaction=False)
    t0 = start.timestamp()
    for n in range(hits):
        path = paths[min(int(rng.expovariate(1 / 60)), len(paths) - 1)]
        kind = rng.choice(kinds)
        source, host = rng.choice(sources)
        visitor = rng.randrange(visitors) if kind == 1 else None
        line = [
            round(t0 + rng.random() * span_seconds, 3),
            path,
            kind,
            45 if kind == 5 else 0,
            visitor,
            source,
            host,
            "",
            "",
            "",
        ]
        pipe.rpush(buffer.QUEUE_KEY, json.dumps(line, separators=(",", ":")))
        if n % 20_000 == 19_999:
            pipe.execute()
    pipe.execute()


def ingest_all():
    from stats import buffer, ingest

    started, written = time.perf_counter(), 0
    while buffer.waiting():
        written += ingest.flush()
    return written, time.perf_counter() - started


def make_history(args, results, conn, published, paths, now):
    """Steps 3 and 4: a month's history made in PostgreSQL, then ingest on top of it."""
    from django.db import connection

    from core.db import table
    from stats import buffer
    from stats.models import (
        HIT_TABLE,
        ArticleDay,
        ArticleHour,
        SiteSourceDay,
        SiteSourceHour,
        SourceDay,
        SourceHour,
    )

    models = (ArticleHour, SourceHour, SiteSourceHour, ArticleDay, SourceDay, SiteSourceDay)
    rollups = ", ".join(table(model) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {HIT_TABLE}, {rollups}")
    rng = random.Random(26)
    month = now - timedelta(days=30)
    print(f"Generating {args.hits:,} hits over 30 days in PostgreSQL...", flush=True)
    results["generated"] = stats_history.generate(
        args.hits, published, month, now - timedelta(hours=1)
    )
    buffer.take_days()  # what the generator rolled up itself
    started = time.perf_counter()
    push_hits(conn, args.ingest_hits, paths, month, 30 * 86400 - 3600, rng)
    results["push_seconds"] = time.perf_counter() - started
    results["history"] = ingest_and_roll_up()
    results["spike"] = spike(conn, paths, args.spike, args.spike_seconds)


def spike(conn, paths, hits, seconds):
    """`hits` arriving evenly over `seconds`, stamped as they arrive, while this process
    works as the task worker does (stats/tasks.py: a flush, the next one FLUSH_DELAY s
    later, the daily rollup at most every ROLLUP_DELAY s): the queue's longest, its length
    when the spike ends and how long after that it is empty."""
    from stats import buffer, ingest, rollup, tasks

    sent = [0]

    def produce():
        rng, started = random.Random(600), time.monotonic()
        while sent[0] < hits:
            due = min(hits, int((time.monotonic() - started) * hits / seconds))
            if due > sent[0]:
                push_hits(conn, due - sent[0], paths, datetime.now(UTC), 0, rng)
                sent[0] = due
            time.sleep(0.05)

    producer = threading.Thread(target=produce)
    started = time.monotonic()
    producer.start()
    longest = busy = rolled = written = 0
    last_rollup = started
    ended = at_end = None
    while True:
        waiting = buffer.waiting()
        longest = max(longest, waiting)
        if ended is None and not producer.is_alive():
            ended, at_end = time.monotonic(), waiting
        if ended is not None and waiting == 0:
            drained = time.monotonic() - ended
            break
        flush_started = time.monotonic()
        written += ingest.flush()
        if time.monotonic() - last_rollup >= tasks.ROLLUP_DELAY:
            rollup.roll_up()
            last_rollup = time.monotonic()
        busy += time.monotonic() - flush_started
        time.sleep(tasks.FLUSH_DELAY)
    flush_started = time.monotonic()
    rollup.roll_up()
    rolled = time.monotonic() - flush_started
    return {
        "hits": written,
        "seconds": ended - started,
        "longest": longest,
        "at_end": at_end,
        "drained": drained,
        "busy": busy + rolled,
        "per_second": written / (busy + rolled),
    }


def ingest_and_roll_up():
    """Write what waits in the buffer, then the daily rollup of the days it marked."""
    from stats import rollup

    written, seconds = ingest_all()
    started = time.perf_counter()
    days = rollup.roll_up()
    rolled = time.perf_counter() - started
    total = seconds + rolled
    return {
        "hits": written,
        "seconds": total,
        "ingest": seconds,
        "rollup": rolled,
        "days": len(days),
        "per_second": written / total,
    }


def time_view(client, url, runs=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(queries.captured_queries)


def time_now_count(runs=5):
    """Median ms of counting "Now" from the raw hits (stats.live.refresh: the worker's, or
    the screen's own when the worker's list is stale), and the page views it read."""
    from stats import reports

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = reports.now()
        timings.append((time.perf_counter() - started) * 1000)
    return {"ms": round(statistics.median(timings), 1), "top_views": sum(r[3] for r in rows)}


def main():
    args = parse_args()
    os.environ.update(SECRET_KEY="bench-stats-" + "x" * 40, STATS_REDIS_URL=args.redis_url)
    search_bench.ensure_database(args.database_url, False)
    search_bench.setup_django(args.database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from articles.models import Article
    from stats import buffer, live
    from stats.models import ArticleDay, ArticleHour

    settings.STATS_REDIS_URL = args.redis_url
    settings.SECURE_SSL_REDIRECT = False
    loaded = Article.objects.filter(import_source=search_bench.IMPORT_SOURCE).count()
    if loaded != args.articles:
        search_bench.load(args.articles, 20261125)
    published = list(Article.objects.published().order_by("-published_at")[:5000])
    paths = [a.get_absolute_url() for a in published]
    conn = buffer._client(args.redis_url)
    conn.flushdb()
    load_before = os.getloadavg()[0]
    results = {"articles": Article.objects.count()}

    if not (args.skip_http or args.screens_only):
        # The child servers see what this process sees (a dependency outside the venv).
        python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = production_env(args.database_url, REDIS_URL=args.redis_url, PYTHONPATH=python_path)
        floor = Server("bench.floor_wsgi:application", env)
        site = Server("defenceblog.wsgi:application", env)
        warm(floor.url("/"))
        body = json.dumps({"p": paths[0], "k": 1, "r": "www.google.com"})
        wrk_post(site.url("/stats/hit"), body, 1)
        results["floor"] = run_wrk([], floor.url("/"), args.duration)
        results["beacon"] = wrk_post(site.url("/stats/hit"), body, args.duration)
        results["beacon_load"] = os.getloadavg()[0]
        # One connection per worker: no queue in front of them, the request's own time.
        results["floor_c2"] = run_wrk([], floor.url("/"), args.duration, 2)
        results["beacon_c2"] = wrk_post(site.url("/stats/hit"), body, args.duration, 2)
        site.stop()
        floor.stop()
        results["beacon_share"] = results["beacon"]["rps"] / results["floor"]["rps"]
        print(f"Floor {results['floor']}, beacon {results['beacon']}", flush=True)
        conn.flushdb()
    if args.beacon_only:
        results.update(views={}, load=[load_before, os.getloadavg()[0]])
        return report(args, results)

    now = timezone.now()
    if not args.screens_only:
        make_history(args, results, conn, published, paths, now)
    results["rollup_rows"] = ArticleHour.objects.count()
    results["daily_rows"] = ArticleDay.objects.count()
    older = next(a for a in published if now - a.published_at > timedelta(days=3))

    user = get_user_model().objects.filter(username="bench-stats").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench-stats", "b@example.org", None)
    client = Client()
    client.force_login(user)
    results["views"] = {}
    results["now_counted"] = time_now_count()
    for label, url in [
        ("admin index (the floor)", "/admin/"),
        ("30 days", "/admin/stats/articlehour/?period=30d"),
        ("7 days", "/admin/stats/articlehour/?period=7d"),
        ("today", "/admin/stats/articlehour/?period=today"),
        ("now", "/admin/stats/articlehour/now/"),
        ("article, new (hourly)", f"/admin/stats/articlehour/article/{published[0].pk}/"),
        ("article, older (daily)", f"/admin/stats/articlehour/article/{older.pk}/"),
    ]:
        if label == "now":
            live.refresh()  # what the worker does after a flush (at most every 10 s)
        ms, queries = time_view(client, url)
        results["views"][label] = {"ms": round(ms, 1), "queries": queries}
    results["load"] = [load_before, os.getloadavg()[0]]
    report(args, results)


def history_lines(r):
    g, h, s = r["generated"], r["history"], r["spike"]
    return [
        f"- History generated in PostgreSQL: {g['hits']:,} hits over 30 days in "
        f"{g['raw']:.0f} s, their hourly rollups in {g['hourly']:.0f} s ({r['rollup_rows']:,} "
        f"rows); **daily rollup of {g['days']} days from the hourly rows: {g['daily']:.1f} s** "
        f"({1000 * g['daily'] / g['days']:.0f} ms a day; {r['daily_rows']:,} rows).",
        f"- Ingest + rollup, {h['hits']:,} hits over 30 days on top of it: {h['seconds']:.1f} s "
        f"(ingest {h['ingest']:.1f} s, daily rollup of {h['days']} days {h['rollup']:.1f} s), "
        f"**{h['per_second']:,.0f} hits/s** (pushed to Redis in {r['push_seconds']:.1f} s).",
        f"- Spike, {s['hits']:,} hits arriving over {s['seconds']:.0f} s "
        f"({s['hits'] / s['seconds']:,.0f} hits/s) while flushed as the worker does: the "
        f"queue's longest {s['longest']:,}, {s['at_end']:,} waiting when it ended, **empty "
        f"{s['drained']:.1f} s after its end**; the worker busy {s['busy']:.1f} s of it "
        f"(ingest and daily rollups: **{s['per_second']:,.0f} hits/s** while busy).",
    ]


def report(args, r):
    lines = [
        f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC; {os.cpu_count()} CPUs; load average "
        f"{r['load'][0]:.1f} before, {r['load'][1]:.1f} after; {r['articles']:,} articles.",
        "",
    ]
    if "beacon" in r:
        b, f = r["beacon"], r["floor"]
        lines.append(
            f"- Beacon endpoint: **{b['rps']:.0f} req/s = {100 * r['beacon_share']:.0f}% of the "
            f"floor** ({f['rps']:.0f} req/s), p50 {b['p50']:.1f} ms, **p99 {b['p99']:.1f} ms**, "
            f"{b['errors']} non-2xx; the floor's p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms "
            f"(wrk -t2 -c8 -d{args.duration}s, gunicorn 2 sync workers; load average "
            f"{r['beacon_load']:.1f} right after)."
        )
        b, f = r["beacon_c2"], r["floor_c2"]
        lines.append(
            f"- The same at wrk -c2 (one connection per worker, no queue): beacon "
            f"{b['rps']:.0f} req/s = {100 * b['rps'] / f['rps']:.0f}% of the floor "
            f"({f['rps']:.0f} req/s), p50 {b['p50']:.1f} ms, **p99 {b['p99']:.1f} ms**; the "
            f"floor's p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms."
        )
    if args.beacon_only:
        pass
    elif "generated" not in r:
        lines.append(
            f"- Screens only (--screens-only), on the counts already there: "
            f"{r['rollup_rows']:,} hourly and {r['daily_rows']:,} daily rollup rows."
        )
    else:
        lines += history_lines(r)

    for label, v in r["views"].items():
        lines.append(f"- Audience {label}: {v['ms']} ms median of 5, {v['queries']} queries.")
    n = r["now_counted"]
    lines.append(
        f"- Counting Now from the raw hits (the worker's stats.live.refresh, or the screen's "
        f"when no fresh list is kept): {n['ms']} ms median of 5 (the top 20 pages: "
        f"{n['top_views']:,} views)."
    )
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results" / f"stats-{datetime.now(UTC):%Y%m%d-%H%M}.md"
    out.write_text(text + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
