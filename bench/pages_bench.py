"""Benchmark: every reader page at 1,000 and 100,000 articles, cache off and on, against
the framework's floor, in one run.

    .venv/bin/python bench/pages_bench.py                 # or: make bench-pages
    .venv/bin/python bench/pages_bench.py --duration 5    # longer wrk runs

What it does:

1. Builds (or reuses) the PostgreSQL databases bench_pages_1k and bench_pages_100k on the
   server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432), with
   bench/pages_build.py: the search benchmark's articles, plus lead images with their
   renditions on every article, and a few corrections.
2. In a child process per database (production settings, page cache off), requests each
   page with Django's test client: median in-process ms over --inprocess runs, the number
   of SQL queries, the same for the first view after a change (every cached fragment and
   remembered value stale), HTML bytes raw and gzipped. The two children take turns in
   five short rounds per page, so a change in the machine's load during the run falls on
   both sizes alike. At 100,000 articles it also times the admin's article list and its
   search box (target under 300 ms).
3. Serves, one at a time on a free 127.0.0.1 port, with gunicorn (2 sync workers,
   production settings: DEBUG=0, a SECRET_KEY, SECURE_SSL_REDIRECT=0): the floor (a bare
   Django view, bench/floor_wsgi.py), then each database with PAGE_CACHE=0 and PAGE_CACHE=1
   (Redis at REDIS_URL, default redis://127.0.0.1:6379/6, flushed before each server),
   and drives wrk at c=8 for --duration seconds against each page: requests/s, p50, p99.
4. Prints a markdown table and writes it, dated, to bench/results/.

Budgets (issue 11): cost at 100k within 15% of 1k; uncached article >= 12% of the floor's
requests/s with <= 8 queries; cached pages >= 70% of the floor with p99 < 50 ms. The
machine may be shared: the load average before and after is recorded.
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from serving import (  # bench/serving.py (the script's folder is on sys.path)
    MEDIA_ROOT,
    Server,
    database_url,
    production_env,
    warm,
    write_results,
    wrk,
)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SIZES = {"1k": 1_000, "100k": 100_000}
ADMIN_TARGET_MS = 300


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds of wrk per page")
    parser.add_argument("--inprocess", type=int, default=15, help="test-client runs per page")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="any database on the server to use; the bench databases are made beside it",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- In-process measurements (child process, one per database) ------------------------


def page_urls():
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article, Section
    from authors.models import Author
    from core.pagination import encode_key

    article = Article.objects.published().order_by("-published_at")[10]
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    in_section = Article.objects.published().filter(section=section).count()
    deep = max(2, min(200, in_section // 20))
    # A deep page is reached by key ("Older stories"): the last story of page deep - 1.
    last = (
        Article.objects.published()
        .filter(section=section)
        .order_by("-published_at", "-pk")
        .values_list("published_at", "pk")[(deep - 1) * 20 - 1]
    )
    tag = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).order_by("-n").first()
    author = Author.objects.filter(slug__startswith="bench-").order_by("slug").first()
    return {
        "front": "/",
        "article": article.get_absolute_url(),
        "section, page 1": section.get_absolute_url(),
        "section, deep page": f"{section.get_absolute_url()}?before={encode_key(*last)}",
        "tag": f"/tag/{tag.slug}/",
        "author": author.get_absolute_url(),
        "search": "/search/?q=frigate",
        "feed": "/feed/",
        "sitemap index": "/sitemap.xml",
        "sitemap, sections": "/sitemap-sections.xml",
        "news sitemap": "/news-sitemap.xml",
        "corrections": "/corrections/",
    }


def child():
    """A measuring child for one database: answers one JSON command per line on stdin
    (`urls`, `page`, `admin`) with one JSON line on stdout, until stdin closes. The parent
    keeps one child per database and alternates between them in short rounds, so a change
    in the machine's load while the benchmark runs falls on both sizes alike."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core import pagecache

    settings.PAGE_CACHE = False
    client = Client()
    urls = page_urls()

    def timed(url, bump=False):
        if bump:
            # The first view after a change: a new content version makes every fragment
            # and remembered value stale (core.pagecache.bump, as any save does).
            pagecache.bump()
        started = time.perf_counter()
        response = client.get(url)
        return (time.perf_counter() - started) * 1000, response

    def page(name, runs, first_runs):
        url = urls[name]
        client.get(url)
        ms = [timed(url)[0] for _ in range(runs)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        first = [timed(url, bump=True)[0] for _ in range(first_runs)]
        pagecache.bump()
        with CaptureQueriesContext(connection) as first_queries:
            client.get(url)
        return {
            "ms": ms,
            "first_ms": first,
            "queries": len(queries),
            "first_queries": len(first_queries),
            "bytes": len(response.content),
            "gzip": len(gzip.compress(response.content)),
        }

    def admin(runs):
        user, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        client.force_login(user)
        out = {}
        for name, url in {
            "admin article list": "/admin/articles/article/",
            "admin search box": "/admin/articles/article/?q=frigate",
        }.items():
            client.get(url)
            timings = []
            for _ in range(runs):
                ms, response = timed(url)
                assert response.status_code == 200, url
                timings.append(ms)
            out[name] = {"ms": statistics.median(timings)}
        client.logout()
        return out

    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "urls":
            answer = urls
        elif command["cmd"] == "page":
            answer = page(command["name"], command["runs"], command["first_runs"])
        else:
            answer = admin(command["runs"])
        print("RESULT " + json.dumps(answer), flush=True)


class Child:
    """One measuring child process (see child()) on the database at `db_url`."""

    def __init__(self, db_url):
        env = production_env(db_url, PAGE_CACHE="0", DJANGO_SETTINGS_MODULE="defenceblog.settings")
        self.process = subprocess.Popen(  # noqa: S603
            [PYTHON, __file__, "--child", "1"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ask(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT ") :])
        sys.exit(f"In-process measurement failed (exit {self.process.wait()}); see above.")

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def measure_in_process(db_urls, runs, rounds=5):
    """Median in-process ms of every page on each database, measured in `rounds` rounds
    that alternate between the databases (and swap which goes first), so the sizes are
    compared under the same load."""
    children = {label: Child(url) for label, url in db_urls.items()}
    urls = {label: c.ask(cmd="urls") for label, c in children.items()}
    pages = {label: {} for label in children}
    per_round = max(1, runs // rounds)
    first_per_round = max(1, per_round // 3)
    order = list(children)
    for name in urls[order[0]]:
        samples = {label: [] for label in children}
        for _ in range(rounds):
            for label in order:
                samples[label].append(
                    children[label].ask(
                        cmd="page", name=name, runs=per_round, first_runs=first_per_round
                    )
                )
            order.reverse()
        for label, got in samples.items():
            pages[label][name] = {
                **got[-1],
                "ms": statistics.median(ms for sample in got for ms in sample["ms"]),
                "first_ms": statistics.median(ms for sample in got for ms in sample["first_ms"]),
            }
    for label, c in children.items():
        pages[label].update(c.ask(cmd="admin", runs=max(3, runs // 3)))
        c.close()
    return urls, pages


# --- Served measurements ---------------------------------------------------------------


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def main():
    args = parse_args()
    if args.child:
        child()
        return 0
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:  # noqa: S607
        sys.exit("wrk is missing: sudo apt-get install wrk")
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=production_env(args.database_url),
        cwd=ROOT,
        check=True,
    )
    load_before = os.getloadavg()
    db_urls = {label: database_url(args.database_url, f"bench_pages_{label}") for label in SIZES}
    for label, count in SIZES.items():
        subprocess.run(  # noqa: S603
            [
                PYTHON,
                "bench/pages_build.py",
                "--articles",
                str(count),
                "--database-url",
                db_urls[label],
            ],
            env={**os.environ, "MEDIA_ROOT": str(MEDIA_ROOT)},
            cwd=ROOT,
            check=True,
        )
    urls, inproc = measure_in_process(db_urls, args.inprocess)
    for label in SIZES:
        print(f"In-process, {label}: " + json.dumps(inproc[label]), flush=True)

    # The floor runs beside every page and is measured just before it: each page's share
    # of the floor compares two samples a few seconds apart, so a change in the machine's
    # load during the run falls on both (a single floor sample at the start let a noisy
    # minute move one page's share by a fifth).
    floor_server = Server("bench.floor_wsgi:application", production_env(args.database_url))
    warm(floor_server.url("/"))
    floors, served = {}, {}
    for label in SIZES:
        db_url = database_url(args.database_url, f"bench_pages_{label}")
        for cache in ("0", "1"):
            flush_redis(args.redis_url)
            server = Server(
                "defenceblog.wsgi:application",
                production_env(db_url, PAGE_CACHE=cache, REDIS_URL=args.redis_url),
            )
            for name, path in urls[label].items():
                warm(server.url(path))
                floors[label, cache, name] = wrk(floor_server.url("/"), args.duration)
                served[label, cache, name] = wrk(server.url(path), args.duration)
                print(label, cache, name, served[label, cache, name], flush=True)
            server.stop()
    floor_server.stop()
    load_after = os.getloadavg()
    floor_rps = sorted(run["rps"] for run in floors.values())
    floor = {
        "rps": statistics.median(floor_rps),
        "p50": statistics.median(run["p50"] for run in floors.values()),
        "p99": statistics.median(run["p99"] for run in floors.values()),
    }

    lines = [
        f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC; {os.cpu_count()} CPUs; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after. wrk -t2 -c8 "
        f"-d{args.duration}s; gunicorn 2 sync workers; floor (bare Django view), measured "
        f"just before each page: median **{floor['rps']:.0f} req/s** (range "
        f"{floor_rps[0]:.0f}–{floor_rps[-1]:.0f}), p50 {floor['p50']:.1f} ms, p99 "
        f"{floor['p99']:.1f} ms. Each page's % of floor is against its own floor sample.",
        "",
        "| page | articles | cache | req/s | % of floor | p50 ms | p99 ms | in-process ms | "
        "100k/1k | queries | first view ms | 100k/1k | first-view queries | HTML bytes | "
        "gzip bytes |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for label in SIZES:
        for cache in ("0", "1"):
            for name in urls[label]:
                run, own = served[label, cache, name], inproc[label][name]
                base = inproc["1k"][name]
                growth = f"{own['ms'] / base['ms']:.2f}×" if label == "100k" else ""
                first_growth = (
                    f"{own['first_ms'] / base['first_ms']:.2f}×" if label == "100k" else ""
                )
                errors = f" ({run['errors']} errors)" if run["errors"] else ""
                shown = f"{name} (`{urls[label][name]}`)" if "deep" in name else name
                lines.append(
                    f"| {shown} | {label} | {'on' if cache == '1' else 'off'} | "
                    f"{run['rps']:.0f}{errors} | "
                    f"{100 * run['rps'] / floors[label, cache, name]['rps']:.1f}% | "
                    f"{run['p50']:.1f} | {run['p99']:.1f} | {own['ms']:.1f} | {growth} | "
                    f"{own['queries']} | {own['first_ms']:.1f} | {first_growth} | "
                    f"{own['first_queries']} | {own['bytes']:,} | {own['gzip']:,} |"
                )
    for name in ("admin article list", "admin search box"):
        ms = inproc["100k"][name]["ms"]
        met = "met" if ms < ADMIN_TARGET_MS else "MISSED"
        lines.append(f"\n{name} at 100k: {ms:.0f} ms in-process (target < 300 ms: {met}).")
    write_results("pages", "Page benchmark", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
