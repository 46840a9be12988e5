"""A pinned query count is not a pinned cost. With a few thousand articles, PostgreSQL's
own plan for every query a reader page runs must read articles through indexes: no
sequential scan of the article, tag-link or byline tables, and no GROUP BY over the
article table (what the first related-articles query did: 307 ms at 100,000 articles).

Listings (section, tag, author pages) are not checked here: their page count is a COUNT
over the listing, which grows with the archive and which PostgreSQL rightly reads in full;
see bench/README.md."""

import json
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Correction, TaggedArticle
from tests.factories import AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

ARTICLES = 3000
WATCHED = {"articles_article", "articles_taggedarticle", "articles_articleauthor"}


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
        for table in (*sorted(WATCHED), "articles_correction"):
            cursor.execute(f"ANALYZE {table}")
    return articles[100], authors[0], tags[0]


def problems(plan, found=None):
    """Seq Scans of the watched tables and aggregates grouping article rows, in a JSON plan."""
    found = [] if found is None else found
    relation = plan.get("Relation Name")
    if plan["Node Type"] == "Seq Scan" and relation in WATCHED:
        found.append(f"Seq Scan on {relation}")
    if plan["Node Type"] == "Aggregate" and any(
        "articles_article." in key for key in plan.get("Group Key", [])
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
    "corrections": lambda article, author, tag: "/corrections/",
    "news sitemap": lambda article, author, tag: "/news-sitemap.xml",
}


def explain_page(client, url):
    """The problems in the plans of every SELECT the page at `url` runs."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    found = []
    with connection.cursor() as cursor:
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
