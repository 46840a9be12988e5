"""A pinned query count is not a pinned cost. With a few thousand articles, PostgreSQL's
own plan for every query a reader page runs must read articles through indexes: no
sequential scan of the article, tag-link or byline tables, and no GROUP BY over the
article table (what the first related-articles query did: 307 ms at 100,000 articles).

Listings (section, tag, author pages, first and deep) are checked too: they are paged by
key (core/pagination.py) and never COUNT the listing; see bench/README.md. The tag and
author pages read their link table's (tag or author, published_at) index from the key
backwards (`ArticleQuerySet.listed_through`), which the last test pins."""

import json
import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Correction, TaggedArticle
from core.db import table
from core.pagination import encode_key
from core.statements import statements
from tests.factories import AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

ARTICLES = 3000
WATCHED = {model._meta.db_table for model in (Article, TaggedArticle, ArticleAuthor)}


@pytest.fixture
def archive():
    rng = random.Random(11)
    sections = [SectionFactory() for _ in range(4)]
    authors = [AuthorFactory() for _ in range(60)]
    tags = [Tag.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(150)]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Frigate trial {n}",
            slug=f"frigate-trial-{n}",
            standfirst="Sea trials went well.",
            body="<p>The frigate completed its sea trials on schedule.</p>",
            section=sections[n % 4],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n * 7),
        )
        for n in range(ARTICLES)
    )
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag=tag)
        for article in articles
        for tag in rng.sample(tags, 3)
    )
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=rng.choice(authors)) for article in articles
    )
    Correction.objects.create(article=articles[5], text="The trial ended a day later.")
    with connection.cursor() as cursor:
        for model in (Article, TaggedArticle, ArticleAuthor, Correction):
            cursor.execute(f"ANALYZE {table(model)}")
    return articles[1500], authors[0], tags[0]


def problems(plan, found=None):
    """Seq Scans of the watched tables and aggregates grouping article rows, in a JSON plan."""
    found = [] if found is None else found
    relation = plan.get("Relation Name")
    if plan["Node Type"] == "Seq Scan" and relation in WATCHED:
        found.append(f"Seq Scan on {relation}")
    if plan["Node Type"] == "Aggregate" and any(
        f"{Article._meta.db_table}." in key for key in plan.get("Group Key", [])
    ):
        found.append(f"GROUP BY {plan['Group Key']}")
    for child in plan.get("Plans", []):
        problems(child, found)
    return found


PAGES = {
    "front": lambda article, author, tag: "/",
    "article": lambda article, author, tag: article.get_absolute_url(),
    "search": lambda article, author, tag: "/search/?q=frigate",
    "feed": lambda article, author, tag: "/feed/",
    "section feed": lambda article, author, tag: f"{article.section.get_absolute_url()}feed/",
    "tag feed": lambda article, author, tag: f"/tag/{tag.slug}/feed/",
    "author feed": lambda article, author, tag: f"{author.get_absolute_url()}feed/atom/",
    "corrections": lambda article, author, tag: "/corrections/",
    "news sitemap": lambda article, author, tag: "/news-sitemap.xml",
    "section": lambda article, author, tag: article.section.get_absolute_url(),
    "section, deep": lambda article, author, tag: (
        f"{article.section.get_absolute_url()}?before={encode_key(article.published_at, 1)}"
    ),
    "section, old page 3": lambda article, author, tag: (
        f"{article.section.get_absolute_url()}?page=3"
    ),
    "author": lambda article, author, tag: author.get_absolute_url(),
    "author, deep": lambda article, author, tag: (
        f"{author.get_absolute_url()}?before={encode_key(article.published_at, 1)}"
    ),
    "tag": lambda article, author, tag: f"/tag/{tag.slug}/",
    "tag, deep": lambda article, author, tag: (
        f"/tag/{tag.slug}/?before={encode_key(article.published_at, 1)}"
    ),
    "tag, old page 2": lambda article, author, tag: f"/tag/{tag.slug}/?page=2",
}


def explain_page(client, url):
    """The problems in the plans of every SELECT the page at `url` runs."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    found = []
    with connection.cursor() as cursor:
        # A Seq Scan is then the planner's last resort: it stays in a plan only where no
        # index can serve the query. At 3,000 rows (not 100,000) the planner may otherwise
        # prefer a Seq Scan it would never pick at size, depending on the table's history
        # in the test database (seen under random test order).
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found += [f"{problem} in: {sql}" for problem in problems(plan[0]["Plan"])]
    return found


@pytest.mark.parametrize("name", PAGES)
def test_reader_page_reads_articles_through_indexes(client, archive, name):
    url = PAGES[name](*archive)
    assert explain_page(client, url) == []


def listing_plans(client, url, table):
    """The JSON plans, run with ANALYZE, of the two queries at `url` that read its articles:
    a listing reads its articles' ids (through `table`), then (teasers to write) their
    rows by id (articles.querysets.read_teasers)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    [ids] = [
        query["sql"]
        for query in captured.captured_queries
        if f'JOIN "{table}" listed' in query["sql"] and "LIMIT" in query["sql"]
    ]
    [rows] = [query["sql"] for query in captured.captured_queries if "= ANY(" in query["sql"]]
    plans = []
    with connection.cursor() as cursor:
        for sql in (ids, rows):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plans.append((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return plans


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


LISTINGS = {
    "author": (ArticleAuthor, "author", "byline_author_pub_idx"),
    "tag": (TaggedArticle, "tag", "tagged_article_pub_idx"),
}


@pytest.mark.parametrize("page", ["author", "author, deep", "tag", "tag, deep"])
def test_author_and_tag_listings_read_only_the_rows_they_show(client, archive, page):
    """A page of 20 reads 21 links and their 21 articles, however many the archive holds,
    then those articles' rows by id:
    the links' own index is already in the listing's order, so no article is probed for an
    author or a tag it does not have. A deep page reads no link newer than its key (here
    PostgreSQL may sort the few that are older, fewer than a page's worth or so)."""
    article, author, tag = archive
    model, name, index = LISTINGS[page.split(",")[0]]
    links = model.objects.filter(**{name: author if name == "author" else tag})
    bound = 21
    if page.endswith("deep"):
        bound = max(bound, links.filter(published_at__lte=article.published_at).count())
    table = model._meta.db_table
    listed, by_id = listing_plans(client, PAGES[page](*archive), table)
    used = {node.get("Index Name") for node in nodes(listed) if node.get("Index Name")}
    assert index in used
    reads = [node for node in nodes(listed) if node.get("Relation Name") == table]
    assert [node["Node Type"] for node in reads] != ["Seq Scan"]
    assert sum(node["Actual Rows"] * node["Actual Loops"] for node in reads) <= bound
    articles = [n for n in nodes(listed) if n.get("Relation Name") == Article._meta.db_table]
    assert sum(n["Actual Rows"] * n["Actual Loops"] for n in articles) <= bound
    # Then the rows of those articles (no teaser is kept yet), through the primary key,
    # and no link.
    assert "articles_article_pkey" in {node.get("Index Name") for node in nodes(by_id)}
    articles = [n for n in nodes(by_id) if n.get("Relation Name") == Article._meta.db_table]
    assert 0 < sum(n["Actual Rows"] * n["Actual Loops"] for n in articles) <= 21
    assert not [n for n in nodes(by_id) if n.get("Relation Name") == table]


@pytest.mark.parametrize("feed", ["author feed", "tag feed"])
def test_author_and_tag_feeds_list_only_the_rows_they_show(client, archive, feed):
    """A feed's list of its 30 articles (its first query; the items' rows follow by id)
    reads 30 links through their own index and those 30 articles, however many the
    author or tag has."""
    model, _name, index = LISTINGS[feed.split()[0]]
    table = model._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGES[feed](*archive)).status_code == 200
    [sql] = [
        query["sql"]
        for query in captured.captured_queries
        if f'JOIN "{table}" listed' in query["sql"] and "ARRAY(" not in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    assert index in {node.get("Index Name") for node in nodes(plan)}
    for relation in (table, Article._meta.db_table):
        reads = [node for node in nodes(plan) if node.get("Relation Name") == relation]
        assert sum(node["Actual Rows"] * node["Actual Loops"] for node in reads) <= 30


# --- Generic plans -----------------------------------------------------------------------
# The reader statements prepared on the server (core.statements) run on one generic plan
# per connection (`plan_cache_mode=force_generic_plan`), made without the values of their
# parameters. That plan, not the one the tests above check for the query with its values
# written in, is what readers get: it must read articles through indexes too. (At 3,000
# articles the generic plan of a tag or author page reads all of that tag's few dozen
# links through a bitmap, which the planner finds cheaper at that size; at 100,000 it
# reads the 21 it shows through the links' ordered index: bench/README.md.)

PREPARED = [name for name in PAGES if name not in ("article", "search", "corrections")]


def numbered(sql):
    """Django's SQL (`%s` a parameter, `%%` a percent sign) with $1, $2… as PREPARE takes."""
    count = 0

    def one(match):
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%%|%s", one, sql)


def generic_plan(sql, params):
    """The JSON plan PostgreSQL keeps for `sql` prepared with a generic plan."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as test_query_plans.explain_page
        connection.connection.execute(f"PREPARE generic_check AS {numbered(sql)}")
        try:
            marks = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE generic_check({marks})", params)
            plan = cursor.fetchone()[0]
        finally:
            connection.connection.execute("DEALLOCATE generic_check")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def test_every_prepared_reader_statement_has_a_generic_plan_through_indexes(client, archive):
    for name in PREPARED:
        assert client.get(PAGES[name](*archive)).status_code == 200, name
    compiled = list(statements._found.values())
    assert len(compiled) >= 10  # every listing and feed above compiled its statements
    found = []
    for sql, params, _replaced, _model in compiled:
        found += [f"{problem} in: {sql}" for problem in problems(generic_plan(sql, params))]
    assert found == []
