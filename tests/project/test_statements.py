"""The reader listings' and feeds' queries (core.statements) are prepared on the server and
planned once per connection: a page rendered again only runs them. Through a pooler in
transaction mode nothing is prepared (the pooler would hand the statement to another
client's connection)."""

import re
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from core.statements import prepared_cursor, statements
from search.results import ResultPages
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

PAGES = ("/", "/feed/", "/section/{section}/")


def page(client, url):
    """The page at `url`, less its per-response CSP nonces."""
    return re.sub(rb'nonce="[^"]*"', b"", client.get(url).content)


def prepared():
    """{statement: (generic plans, custom plans)} on this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return {statement: plans for statement, *plans in cursor.fetchall()}


@pytest.fixture
def stories():
    section = SectionFactory(slug="sea", name="Sea")
    ArticleFactory.create_batch(3, section=section, status=Article.Status.PUBLISHED)
    return section


def test_a_listing_rendered_again_runs_its_prepared_statement_and_plans_nothing(client, stories):
    for address in PAGES:
        url = address.format(section=stories.slug)
        first = page(client, url)
        before = prepared()
        assert page(client, url) == first
        after = prepared()
        runs = [s for s in after if s in before and after[s] != before[s]]
        assert runs, f"{url} ran no prepared statement"
        for statement in runs:
            generic, custom = after[statement]
            # Planned once, generically, when first run; never again.
            assert (generic - before[statement][0], custom) == (1, 0), statement


def test_pages_are_the_same_prepared_or_bound_on_the_client(client, stories):
    for address in PAGES:
        url = address.format(section=stories.slug)
        prepared_page = page(client, url)
        with CaptureQueriesContext(connection):  # queries logged: bound on the client
            client_page = page(client, url)
        assert prepared_page == client_page


def test_nothing_is_prepared_through_a_pooler_in_transaction_mode(client, stories):
    connection.ensure_connection()
    raw = connection.connection
    saved, raw.prepare_threshold = raw.prepare_threshold, None  # DATABASE_POOLER=pgbouncer
    try:
        # Django's own cursor, bound on the client (psycopg would prepare nothing with
        # prepare_threshold None in any case; this is what the pooler needs).
        with prepared_cursor(connection) as cursor:
            assert isinstance(cursor.cursor, psycopg.ClientCursor)
        known = set(prepared())
        assert client.get("/").status_code == 200
        assert set(prepared()) == known
    finally:
        raw.prepare_threshold = saved


def test_one_prepared_statement_serves_every_section_tag_and_author(client, stories):
    """Listings and feeds: the id is a parameter, not part of what is compiled."""
    other = SectionFactory(slug="air", name="Air")
    story = ArticleFactory(section=other, status=Article.Status.PUBLISHED, tags=["Drones"])
    ArticleFactory(section=stories, status=Article.Status.PUBLISHED, tags=["Frigates"])
    author = story.authors.first() or AuthorFactory()
    pairs = [
        ("/section/sea/", "/section/air/"),
        ("/tag/frigates/", "/tag/drones/"),
        (f"/author/{AuthorFactory().slug}/", author.get_absolute_url()),
        ("/section/sea/feed/", "/section/air/feed/"),
        ("/tag/frigates/feed/atom/", "/tag/drones/feed/atom/"),
        (f"/author/{AuthorFactory().slug}/feed/", f"{author.get_absolute_url()}feed/"),
    ]
    for first, second in pairs:
        assert client.get(first).status_code == 200, first
        known, compiled = set(prepared()), set(statements._found)
        assert client.get(second).status_code == 200, second
        # The second page's look-up and listing run the first one's statements, compiled
        # and prepared once.
        assert set(prepared()) == known, second
        # Kept apart from the prepared statements, whose generic plans test_query_plans checks.
        assert not any(key[0] == "search" for key in statements._found)
        assert set(statements._found) == compiled, second


def test_a_search_is_compiled_once_per_kind_and_planned_for_its_words(client):
    """Search: the words and filters are parameters of a statement compiled once, bound on
    the client and never prepared (its best plan depends on how common the words are)."""
    sea, air = SectionFactory(slug="sea", name="Sea"), SectionFactory(slug="air", name="Air")
    now = timezone.now()
    titles = ("Radar on the frigate", "Radar on the airship", "Sonar on the submarine")
    for title, section, ago in zip(titles, (sea, air, sea), (3, 1, 3), strict=True):
        ArticleFactory(title=title, section=section, published_at=now - timedelta(days=ago))
    day = lambda ago: (now - timedelta(days=ago)).date().isoformat()  # noqa: E731
    pairs = [
        ({"q": "radar"}, {"q": "sonar"}, ["Sonar on the submarine"]),
        (
            {"q": "radar", "section": "air"},
            {"q": "radar", "section": "sea"},
            ["Radar on the frigate"],
        ),
        (
            {"q": "radar", "start": day(2), "end": day(0)},
            {"q": "radar", "start": day(4), "end": day(2)},
            ["Radar on the frigate"],
        ),
    ]
    for first, second, found in pairs:
        assert client.get("/search/", first).status_code == 200
        known, compiled = set(prepared()), set(ResultPages.statements._found)
        assert any(key[0] == "search" for key in compiled)
        html = client.get("/search/", second).content.decode()
        shown = [title for title in titles if title.split(" ", 1)[1] in html]
        assert shown == found, second
        assert set(ResultPages.statements._found) == compiled, second
        assert set(prepared()) == known, second
        # Kept apart from the prepared statements, whose generic plans test_query_plans checks.
        assert not any(key[0] == "search" for key in statements._found)
