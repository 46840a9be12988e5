"""Benchmark: full-text search over 100,000 articles in PostgreSQL.

    .venv/bin/python bench/search_bench.py              # or: make bench
    .venv/bin/python bench/search_bench.py --articles 20000 --repeat 10
    .venv/bin/python bench/search_bench.py --rebuild    # drop and regenerate the data

What it does:

1. Creates the benchmark database if needed (default
   postgres://postgres@127.0.0.1:5432/bench_search, or --database-url /
   BENCH_SEARCH_DATABASE_URL) and migrates it.
2. Unless the database already holds exactly that many generated articles, loads them
   with COPY: 100,000 articles (2% drafts, 1% scheduled) at about 27 a day (ten years at
   100,000; the same rate at any size), each with a
   headline, a standfirst and a plain-text body of 3-6 paragraphs drawn from a Zipf-weighted
   vocabulary (so some words are in most articles and most words in few), 1-2 bylines
   from 40 authors and 2-4 of 150 tags. PostgreSQL computes the stored search vector on
   insert. `search_names` is written by the generator; a sample is then checked against
   articles.search_names.refresh_search_names, which must find nothing to change. So is
   `teaser_bylines` (articles.teasers.refresh_teaser_bylines writes the same).
3. Requests /search/?q=... through Django's test client, so each timing is the whole
   page: the form, the count, the ranked page with highlighted snippets, bylines, the
   template. Every query runs --warmup times, then --repeat times; p50 and p95 are
   reported per query and over all requests.
4. Prints EXPLAIN (ANALYZE, BUFFERS) of the ranked page query and of the title
   suggestions, and checks the plans use article_search_gin and article_title_trgm_gin.

Target: p95 under 100 ms. Exit status 1 when it is missed or an index is not used.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_search"
TARGET_MS = 100
IMPORT_SOURCE = "bench-search"
# Ten years (315,360,000 s) over 100,000 articles: about 27 articles a day.
SECONDS_PER_ARTICLE = 3_153.6

DEFENCE = (
    "army navy air force frigate corvette destroyer submarine carrier brigade battalion "
    "regiment artillery howitzer drone radar sonar missile interceptor logistics procurement "
    "contract shipyard hangar airbase squadron helicopter transport tanker convoy exercise "
    "deployment readiness budget ministry parliament supplier engine turbine hull propeller "
    "armour turret sensor satellite cyber command training reserve recruitment maintenance "
    "upgrade programme trial delivery milestone prototype export partner alliance coastline "
    "harbour border airspace icebreaker minehunter hypersonic ballistic cruise jamming "
    "electronic warfare infantry vehicle tracked wheeled rifle ammunition shell factory "
    "fighter bomber trainer tanker patrol coastguard marine commando special forces"
).split()
COMMON = (
    "the of and to in a is that for on with as was by it at from be this are have has "
    "new year said will its which more first two after been than would about also over "
    "their last other could into three under while were plans government officials week "
    "system systems service services defence national early late next second major "
    "million billion cost costs team teams test tests order orders"
).split()
PHRASES = [
    "main battle tank",
    "air defence",
    "sea trials",
    "long-range fires",
    "electronic warfare",
    "unmanned surface vessel",
]
VERBS = (
    "confirmed announced delivered ordered tested launched approved delayed expanded "
    "completed reviewed deployed upgraded retired received signed"
).split()
FIRST = "Ingrid Tomas Hana Mira Jonas Amara Pieter Lucia Omar Sofia".split()
LAST = "Halvorsen Reyes Okafor Lindqvist Novak Brennan Castell Ferreira Dahl Moreau".split()

QUERIES = [
    ("one common word", "army", {}),
    ("one defence word", "frigate", {}),
    ("three words", "hypersonic missile test", {}),
    ("quoted phrase", '"main battle tank"', {}),
    ("exclusion", "drone -navy", {}),
    ("or", "submarine or icebreaker", {}),
    ("author name", "Halvorsen", {}),
    ("tag name", "electronic warfare", {}),
    ("rare word", "minehunter sonar", {}),
    ("with filters", "radar", {"section": "naval", "start": "2022-01-01"}),
    ("ranked, about 1,000 matches", "corvette", {"section": "naval"}),
    ("ranked, near the limit", "tanker", {"section": "air", "start": "2019-01-01"}),
    ("typo, no match", "hovitzer", {}),
    ("page 10", "frigate", {"page": "10"}),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_DB),
    )
    parser.add_argument("--seed", type=int, default=20261125)
    return parser.parse_args()


def ensure_database(url, rebuild):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def setup_django(url):
    warnings.filterwarnings("ignore", message="No directory at", module="django")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defenceblog.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log: measure what production does
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Text:
    """A Zipf-weighted vocabulary of 20,000 words, like a newsroom's: common words in
    almost every article, a defence word such as "frigate" in a few per cent of them, and
    a long tail of rare words (made-up names of places, firms and systems)."""

    SIZE = 20_000

    def __init__(self, rng):
        self.rng = rng
        syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["ra", "lo", "sen"]
        tail = set()
        while len(tail) < self.SIZE:
            tail.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
        words = COMMON + sorted(tail - set(COMMON) - set(DEFENCE) - set(VERBS))
        words = words[: self.SIZE - len(DEFENCE) - len(VERBS)]
        # Defence words and verbs at ranks 20 to 8,000: "army" may be very common,
        # "minehunter" rare, as in real coverage.
        for word in DEFENCE + VERBS:
            words.insert(rng.randint(20, 8000), word)
        self.words = words
        weights = [1 / (rank + 1) for rank in range(len(words))]
        total, running, self.cum = sum(weights), 0.0, []
        for weight in weights:
            running += weight / total
            self.cum.append(running)

    def words_(self, n):
        return self.rng.choices(self.words, cum_weights=self.cum, k=n)

    def sentence(self, low=8, high=20):
        words = self.words_(self.rng.randint(low, high))
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(PHRASES))
        return " ".join(words).capitalize() + "."

    def title(self):
        words = [self.rng.choice(DEFENCE)] + self.words_(self.rng.randint(4, 8))
        words.insert(2, self.rng.choice(VERBS))
        return " ".join(words).capitalize()[:190]

    def body(self):
        paragraphs = []
        for _ in range(self.rng.randint(3, 6)):
            sentences = " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))
            paragraphs.append(f"<p>{sentences}</p>")
        return "".join(paragraphs)


def copy_rows(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load(count, seed):
    from django.db import connection
    from taggit.models import Tag

    from articles.models import Article, ArticleAuthor, Section, TaggedArticle
    from authors.models import Author
    from core.db import table

    rng = random.Random(seed)
    text = Text(rng)
    print(f"Generating {count:,} articles...", flush=True)
    started = time.perf_counter()
    Article.objects.all().delete()
    sections = [
        Section.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "order": n})[0]
        for n, slug in enumerate(["land", "air", "naval", "industry", "cyber", "space"])
    ]
    authors = [
        Author.objects.get_or_create(
            slug=f"bench-{n}",
            defaults={"name": f"{FIRST[n % 10]} {LAST[(n * 7 + n // 10) % 10]}"},
        )[0]
        for n in range(40)
    ]
    tag_names = sorted({p.capitalize() for p in PHRASES} | {w.capitalize() for w in DEFENCE[:144]})[
        :150
    ]
    tags = [Tag.objects.get_or_create(name=name)[0] for name in tag_names]

    # A newsroom publishes at the same rate whatever the size of its archive: a bigger
    # archive is a longer history, not more stories a day. 100,000 articles span ten
    # years, 1,000 the last 36 days, so pages of recent work (the front page, the news
    # sitemap's last 48 hours) show as much at either size.
    now = datetime.now(UTC)
    span = round(count * SECONDS_PER_ARTICLE)
    start = now - timedelta(seconds=span)
    columns = [
        "title",
        "slug",
        "standfirst",
        "body",
        "section_id",
        "status",
        "published_at",
        "featured",
        "seo_title",
        "seo_description",
        "canonical_url",
        "exclude_from_news",
        "search_names",
        "teaser_bylines",
        "version",
        "import_source",
        "import_id",
        "import_fingerprint",
        "created",
        "modified",
    ]
    plans = []

    def articles():
        for n in range(count):
            byline = rng.sample(authors, rng.choice((1, 1, 1, 2)))
            labels = rng.sample(tags, rng.randint(2, 4))
            plans.append((byline, labels))
            names = (
                " ".join(sorted(t.name for t in labels)) + " " + " ".join(a.name for a in byline)
            )
            roll = rng.random()
            status, published = "published", start + timedelta(seconds=rng.randrange(span))
            if roll < 0.02:
                status = "draft"
            elif roll < 0.03:
                published = now + timedelta(days=rng.randint(1, 30))
            yield (
                text.title(),
                f"bench-{n}",
                text.sentence(12, 24),
                text.body(),
                rng.choice(sections).pk,
                status,
                published,
                False,
                "",
                "",
                "",
                False,
                names,
                json.dumps([[a.slug, a.name] for a in byline]),  # teasers' byline
                1,
                IMPORT_SOURCE,
                str(n),
                "",
                published,
                published,
            )

    with connection.cursor() as cursor:
        copy_rows(cursor.cursor, table(Article), columns, articles())
        cursor.execute(
            f"SELECT import_id::int, id FROM {table(Article)} WHERE import_source = %s",  # noqa: S608
            [IMPORT_SOURCE],
        )
        ids = dict(cursor.fetchall())
        copy_rows(
            cursor.cursor,
            table(ArticleAuthor),
            ["article_id", "author_id", "position"],
            (
                (ids[n], author.pk, position)
                for n, (byline, _) in enumerate(plans)
                for position, author in enumerate(byline)
            ),
        )
        copy_rows(
            cursor.cursor,
            table(TaggedArticle),
            ["content_object_id", "tag_id"],
            ((ids[n], tag.pk) for n, (_, labels) in enumerate(plans) for tag in labels),
        )
        for model in (Article, ArticleAuthor, TaggedArticle):
            cursor.execute(f"VACUUM ANALYZE {table(model)}")
    print(f"Loaded in {time.perf_counter() - started:.0f} s.", flush=True)


def check_names():
    """The generator wrote search_names itself; the one function that maintains it must
    agree (nothing to rewrite)."""
    from articles.models import Article
    from articles.search_names import refresh_search_names

    sample = list(Article.objects.order_by("?").values_list("pk", flat=True)[:1000])
    changed = refresh_search_names(sample)
    print(f"refresh_search_names on 1,000 random articles: {changed} rows to change.")
    return changed == 0


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_queries(repeat, warmup):
    from django.test import Client

    client = Client()
    rows, everything = [], []
    for label, query, filters in QUERIES:
        params = {"q": query, **filters}
        for _ in range(warmup):
            client.get("/search/", params)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get("/search/", params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        html = response.content.decode()
        found = re.search(r"(About )?([\d,]+) articles? match", html)
        count = (found.group(1) or "") + found.group(2) if found else 0
        suggestions = html.split('id="suggestions-heading"')[-1].count("<li>") if not count else 0
        assert count or "No articles match" in html
        everything += timings
        rows.append((label, query, filters, count, suggestions, timings))
    return rows, everything


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plans():
    from django.db import transaction

    from articles.models import Article
    from search.results import Search
    from search.suggestions import set_suggestion_threshold, similar_titles

    def page(query, ranked):
        """The first page's query as the search page runs it, with its own values."""
        search = Search(query)
        assert search.broad != ranked, (query, search.broad)
        return explain(*search.pages(20).queryset().query.sql_with_params())

    ranked_plan = page("minehunter sonar", ranked=True)
    broad_plan = page("frigate", ranked=False)
    with transaction.atomic():
        set_suggestion_threshold()
        suggest = similar_titles(Article.objects.published(), "hovitzer").values("pk")[:5]
        suggest_plan = explain(*suggest.query.sql_with_params())
    return ranked_plan, broad_plan, suggest_plan


def main():
    args = parse_args()
    ensure_database(args.database_url, args.rebuild)
    setup_django(args.database_url)
    from articles.models import Article

    loaded = Article.objects.filter(import_source=IMPORT_SOURCE).count()
    if loaded != args.articles:
        load(args.articles, args.seed)
    else:
        print(f"Reusing {loaded:,} generated articles (--rebuild to regenerate).")
    names_ok = check_names()

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('article_search_gin'))")
        gin_size = cursor.fetchone()[0]
    published = Article.objects.published().count()
    print(
        f"\n{version}; {published:,} published of {Article.objects.count():,} articles; "
        f"GIN index {gin_size}.\n"
    )

    load_before = os.getloadavg()[0]
    rows, everything = run_queries(args.repeat, args.warmup)
    load_after = os.getloadavg()[0]
    print(f"Whole /search/ requests, {args.repeat} runs each after {args.warmup} warm-up runs:\n")
    print("| query | matches | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, query, filters, count, suggestions, timings in rows:
        shown = query + "".join(f" {k}={v}" for k, v in filters.items())
        matches = count if count else f"0 ({suggestions} suggestions)"
        print(
            f"| {label}: `{shown}` | {matches} | {statistics.median(timings):.1f} | "
            f"{percentile(timings, 0.95):.1f} | {max(timings):.1f} |"
        )
    p50, p95 = statistics.median(everything), percentile(everything, 0.95)
    cores = os.cpu_count()
    print(
        f"| **all {len(everything)} requests** | | **{p50:.1f}** | **{p95:.1f}** | "
        f"{max(everything):.1f} |"
    )

    print(
        f"\nMachine: {cores} CPU cores; load average {load_before:.1f} before the runs, "
        f"{load_after:.1f} after (above {cores} means other processes competed for the CPU)."
    )
    ranked_plan, broad_plan, suggest_plan = plans()
    print("\nEXPLAIN ANALYZE, a ranked page: `minehunter sonar`:\n")
    print(ranked_plan)
    print("\nEXPLAIN ANALYZE, a broad search, newest first: `frigate`:\n")
    print(broad_plan)
    print("\nEXPLAIN ANALYZE, title suggestions for `hovitzer`:\n")
    print(suggest_plan)

    uses_gin = "Bitmap Index Scan on article_search_gin" in ranked_plan
    uses_trgm = "article_title_trgm_gin" in suggest_plan
    print(f"\np95 {p95:.1f} ms (target < {TARGET_MS} ms): {'met' if p95 < TARGET_MS else 'MISSED'}")
    print(
        f"GIN index used: {uses_gin}; trigram index used: {uses_trgm}; "
        f"search_names consistent: {names_ok}"
    )
    return 0 if (p95 < TARGET_MS and uses_gin and uses_trgm and names_ok) else 1


if __name__ == "__main__":
    sys.exit(main())
