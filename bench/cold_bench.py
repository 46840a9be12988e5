"""Benchmark: reader listings rendered with nothing cached (issue 27, "cheaper cold pages"),
against the framework's floor, in one run.

    .venv/bin/python bench/cold_bench.py                    # or: make bench-cold
    .venv/bin/python bench/cold_bench.py --duration 5 --database bench_pages_100k

"Cold" means: the page cache off (PAGE_CACHE=0), no cached fragments (FRAGMENT_CACHE=0:
core.fragments renders every part afresh and stores nothing), and no shared cache (no
REDIS_URL: each process's local memory, which these pages read only for the content
state and the values `remember()` keeps per state, such as the navigation's sections).
Every request renders the whole page from PostgreSQL.

What it does:

1. Builds (or reuses) the 100,000-article database (--database, default bench_pages_100k,
   beside DATABASE_URL) with bench/pages_build.py.
2. Times each page in-process with Django's test client (median of --inprocess runs) and
   counts its SQL queries.
3. Serves the floor (bench/floor_wsgi.py) and the site cold, each under gunicorn with 2 sync
   workers and production settings (bench/serving.py), and drives wrk at c=8 for
   --duration seconds against each page, the floor just before it: requests/s, share of
   the floor, p50, p99.
4. Prints a markdown table and writes it, dated, to bench/results/cold-YYYY-MM-DD-HHMM.md.

Two modes, each timed and served:

- "cold": the above, nothing cached at all (the budget's mode);
- "stale page": what a news-day re-render of a stale listing costs: the page cache off
  (every request renders the page) but the parts kept per article (teasers,
  articles.teasers) and the header and footer (core.fragments.chrome) kept, as a running
  site has them (FRAGMENT_CACHE on, no Redis: each process's memory). In process, before
  each timed request the newest published story is changed (what its save touches:
  articles.invalidation.article_tags), so its teaser is written again; served, nothing
  changes during the run.

--no-serve times in process only (no wrk, no gunicorn).

Budget (issue 27 item 4): each cold page >= 10% of the floor's requests/s.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from serving import (
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
ARTICLES = 100_000
BUDGET = 10.0  # % of the floor
COLD = {"PAGE_CACHE": "0", "FRAGMENT_CACHE": "0"}
MODES = {"cold": COLD, "stale page": {"PAGE_CACHE": "0", "FRAGMENT_CACHE": "1"}}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page")
    parser.add_argument("--inprocess", type=int, default=15, help="test-client runs per page")
    parser.add_argument("--database", default="bench_pages_100k")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="any database on the server to use; the bench database is made beside it",
    )
    parser.add_argument("--no-serve", action="store_true", help="in-process timings only")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    return parser.parse_args()


def child(runs, mode):
    """In-process (this process has the `mode`'s settings): the pages' addresses, then
    each page's median ms and query count, as one JSON line."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from taggit.models import Tag

    from articles.invalidation import article_tags
    from articles.models import Article, Section
    from authors.models import Author
    from core.content_state import content_state

    def change():  # "stale page": the newest story changed before each request
        if mode != "cold":
            newest = Article.objects.published().order_by("-published_at").first()
            content_state.touch(article_tags(newest.pk, newest.section_id))

    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    tag = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).order_by("-n").first()
    author = Author.objects.filter(slug__startswith="bench-").order_by("slug").first()
    urls = {
        "front": "/",
        "section": section.get_absolute_url(),
        "tag": f"/tag/{tag.slug}/",
        "author": author.get_absolute_url(),
        "search": "/search/?q=frigate",
        "feed (RSS)": "/feed/",
        "feed (Atom)": "/feed/atom/",
        "section feed": f"{section.get_absolute_url()}feed/",
    }
    client = Client()
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(runs):
            change()
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        change()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        pages[name] = {"url": url, "ms": statistics.median(timings), "queries": len(queries)}
    print("RESULT " + json.dumps(pages), flush=True)


def main():
    args = parse_args()
    if args.child:
        child(args.inprocess, args.child)
        return 0
    if not args.no_serve and subprocess.run(["which", "wrk"], capture_output=True).returncode:  # noqa: S607
        sys.exit("wrk is missing: sudo apt-get install wrk")
    db_url = database_url(args.database_url, args.database)
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=production_env(args.database_url),
        cwd=ROOT,
        check=True,
    )
    subprocess.run(  # noqa: S603
        [PYTHON, "bench/pages_build.py", "--articles", str(ARTICLES), "--database-url", db_url],
        env={**os.environ, "MEDIA_ROOT": str(MEDIA_ROOT)},
        cwd=ROOT,
        check=True,
    )
    load_before = os.getloadavg()
    pages = {mode: in_process(db_url, mode, args.inprocess) for mode in MODES}
    if args.no_serve:
        print(in_process_table(args, pages))
        return 0
    floor_server = Server("bench.floor_wsgi:application", production_env(args.database_url))
    warm(floor_server.url("/"))
    floors, served = {}, {}
    for mode, settings in MODES.items():
        server = Server("defenceblog.wsgi:application", production_env(db_url, **settings))
        for name, page in pages[mode].items():
            warm(server.url(page["url"]))
            floors[mode, name] = wrk(floor_server.url("/"), args.duration)
            served[mode, name] = wrk(server.url(page["url"]), args.duration)
            print(mode, name, served[mode, name], flush=True)
        server.stop()
    floor_server.stop()
    load_after = os.getloadavg()

    floor_rps = sorted(run["rps"] for run in floors.values())
    lines = [
        f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC on `{args.database}` "
        f"({ARTICLES:,} articles); {os.cpu_count()} CPUs; load average {load_before[0]:.1f} "
        f"before, {load_after[0]:.1f} after. wrk -t2 -c8 -d{args.duration}s; gunicorn 2 sync "
        f"workers; no Redis. Modes: cold = {settings_text(COLD)} (nothing cached: the "
        f"budget's mode); stale page = {settings_text(MODES['stale page'])} (the page "
        f"rendered on every request from the teasers and header/footer each process "
        f"keeps; in process, the newest story changed before each request). Floor "
        f"(bare Django view), measured just before each page: median "
        f"**{statistics.median(floor_rps):.0f} req/s** (range {floor_rps[0]:.0f}–"
        f"{floor_rps[-1]:.0f}). Each page's % of floor is against its own floor sample; "
        f"budget ≥ {BUDGET:.0f}% (cold).",
        "",
        "| page | mode | address | req/s | % of floor | budget | p50 ms | p99 ms "
        "| in-process ms | queries |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name in pages["cold"]:
        for mode in MODES:
            page, run = pages[mode][name], served[mode, name]
            share = 100 * run["rps"] / floors[mode, name]["rps"]
            errors = f" ({run['errors']} errors)" if run["errors"] else ""
            budget = ("met" if share >= BUDGET else "MISSED") if mode == "cold" else ""
            lines.append(
                f"| {name} | {mode} | `{page['url']}` | {run['rps']:.0f}{errors} | "
                f"{share:.1f}% | {budget} | {run['p50']:.1f} | {run['p99']:.1f} | "
                f"{page['ms']:.1f} | {page['queries']} |"
            )
    write_results("cold", "Cold pages (nothing cached) and stale pages", "\n".join(lines))
    return 0


def settings_text(settings):
    return ", ".join(f"{key}={value}" for key, value in settings.items())


def in_process(db_url, mode, runs):
    """Each page's in-process median ms and query count in `mode` (a child process)."""
    env = production_env(db_url, DJANGO_SETTINGS_MODULE="defenceblog.settings", **MODES[mode])
    out = subprocess.run(  # noqa: S603
        [PYTHON, __file__, "--child", mode, "--inprocess", str(runs)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.split("RESULT ", 1)[1])


def in_process_table(args, pages):
    lines = [
        f"In process on `{args.database}`: median of {args.inprocess} test-client runs "
        f"(ms) and queries per page; load average {os.getloadavg()[0]:.1f}.",
        "",
        "| page | address | " + " | ".join(f"{mode} ms | queries" for mode in MODES) + " |",
        "| --- | --- | " + " | ".join("---: | ---:" for _mode in MODES) + " |",
    ]
    for name, page in pages["cold"].items():
        cells = " | ".join(
            f"{pages[mode][name]['ms']:.1f} | {pages[mode][name]['queries']}" for mode in MODES
        )
        lines.append(f"| {name} | `{page['url']}` | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
