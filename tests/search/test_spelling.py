"""Spelling corrections ("Showing results for …") drawn from the words published articles
use: the vocabulary (SearchTerm), its rebuild and top-ups, the look-up and its cost."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from search.models import SearchTerm
from search.spelling import NEAREST_WORDS_SQL, correct, edit_distance
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


# --- Spelling corrections ------------------------------------------------------------


def result_titles(html):
    return [a.title for a in Article.objects.all() if a.get_absolute_url() in html]


def test_typo_runs_the_corrected_search_and_says_so(client):
    ArticleFactory(title="Helicopter crash inquiry opens", body="<p>The helicopter fell.</p>")
    ArticleFactory(title="Navy orders more helicopters")
    ArticleFactory(title="Tank order")

    html = client.get("/search/", {"q": "helicoptr"}).content.decode()

    assert 'Showing results for <a href="?q=helicopter"><em>helicopter</em></a>' in html
    assert 'Search instead for <a href="?q=helicoptr&amp;as_typed=1">helicoptr</a>' in html
    assert "2 articles match “helicopter”" in html
    assert "<mark>Helicopter</mark> crash inquiry opens" in html
    assert sorted(result_titles(html)) == [
        "Helicopter crash inquiry opens",
        "Navy orders more helicopters",
    ]
    assert "No articles match" not in html and "Did you mean" not in html


def test_search_instead_link_searches_for_the_words_as_typed(client):
    ArticleFactory(title="Helicopter crash inquiry opens")
    html = client.get("/search/", {"q": "helicoptr", "as_typed": "1"}).content.decode()
    assert "No articles match “helicoptr”" in html
    assert "Showing results for" not in html
    assert 'name="as_typed"' not in html  # a new search from the form may be corrected


def test_correction_keeps_search_syntax_capitals_and_filters(client):
    air = SectionFactory(name="Air", slug="air")
    ArticleFactory(title="Helicopter crash near the coast", section=air)
    ArticleFactory(title="Helicopter crash at sea, navy says", section=air)
    ArticleFactory(title="Helicopter crash abroad", section=SectionFactory(slug="land"))

    html = client.get("/search/", {"q": '"Helicoptr crash" -navy', "section": "air"})
    html = html.content.decode()

    assert "Showing results for" in html
    assert "&quot;<em>Helicopter</em> crash&quot; -navy" in html
    assert "?q=%22Helicopter+crash%22+-navy&amp;section=air" in html
    assert "?q=%22Helicoptr+crash%22+-navy&amp;section=air&amp;as_typed=1" in html
    assert result_titles(html) == ["Helicopter crash near the coast"]


def test_a_rare_typo_that_finds_very_little_is_corrected_too(client):
    ArticleFactory(title="Budget", body="<p>A helicoptr typo in one story.</p>")
    for n in range(10):  # a word ten times as common as the typo
        ArticleFactory(title=f"Helicopter story {n}")

    html = client.get("/search/", {"q": "helicoptr"}).content.decode()

    assert "Showing results for" in html and "10 articles match “helicopter”" in html
    as_typed = client.get("/search/", {"q": "helicoptr", "as_typed": 1}).content.decode()
    assert result_titles(as_typed) == ["Budget"]


def test_words_the_articles_use_are_never_corrected(client):
    for n in range(3):
        ArticleFactory(title=f"Torpedo trial {n}")
    for n in range(15):
        ArticleFactory(title=f"Tornado upgrade {n}")  # two letters from "torpedo"

    html = client.get("/search/", {"q": "torpedo"}).content.decode()

    assert "Showing results for" not in html
    assert "3 articles match “torpedo”" in html


def test_no_correction_when_nothing_close_is_known(client):
    ArticleFactory(title="Tank order")
    html = client.get("/search/", {"q": "xylophone"}).content.decode()
    assert "Showing results for" not in html and "No articles match “xylophone”" in html


def test_words_of_unpublished_work_are_never_offered(client):
    ArticleFactory(title="Zeppelin revival", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(title="Zeppelin tomorrow", published_at=timezone.now() + timedelta(days=1))

    assert not SearchTerm.objects.filter(word="zeppelin").exists()
    call_command("refresh_search_terms", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not SearchTerm.objects.filter(word="zeppelin").exists()
    html = client.get("/search/", {"q": "zepelin"}).content.decode()
    assert "Showing results for" not in html and "Zeppelin" not in html


def test_refresh_counts_each_word_once_per_published_article(capsys):
    ArticleFactory(title="Radar radar", standfirst="", body="<p>New <b>radar</b> mast.</p>")
    ArticleFactory(title="Radar contract", standfirst="", body="", tags=["Sonar"])
    SearchTerm.objects.all().delete()

    call_command("refresh_search_terms")

    counts = dict(SearchTerm.objects.values_list("word", "documents"))
    assert counts["radar"] == 2 and counts["mast"] == 1 and counts["sonar"] == 1
    assert "new" in counts and "b" not in counts  # markup is not a word
    assert f"{len(counts):,} words" in capsys.readouterr().out


def test_saving_a_published_article_adds_its_new_words_at_once():
    article = ArticleFactory(title="Draft", status=Article.Status.DRAFT, published_at=None)
    article.body = "<p>The Kalashnikov factory.</p>"
    article.save()
    assert not SearchTerm.objects.filter(word="kalashnikov").exists()

    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
    article.save()
    assert SearchTerm.objects.get(word="kalashnikov").documents == 1
    article.save()  # an edit: counted again only by the nightly rebuild
    ArticleFactory(title="Kalashnikov exports")
    assert SearchTerm.objects.get(word="kalashnikov").documents == 2


def test_corrections_allow_one_slip_in_short_words_and_two_in_longer_ones():
    assert edit_distance("helicoptr", "helicopter") == 1
    assert edit_distance("hte", "the") == 1  # a transposition is one slip
    assert edit_distance("hovitzers", "howitzers") == 1
    ArticleFactory(title="Tank howitzer radar")
    assert correct("tnak").text == "tank"
    assert correct("hovitzr").text == "howitzer"
    assert correct("raddar").text == "radar"
    assert correct("rdr") is None  # too short to tell
    assert correct("rodor") is None  # two slips in a five-letter word make another word


def test_correction_reads_a_bounded_number_of_rows_through_the_trigram_index():
    ArticleFactory.create_batch(3)
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {NEAREST_WORDS_SQL}", [["helicoptr", "frigat"], 12])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using searchterm_word_trgm_gist" in plan
    assert "Order By: ((word)::text <-> q.word)" in plan
    assert "Limit" in plan


def test_corrected_search_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site
):
    for n in range(5):
        ArticleFactory(title=f"Helicopter story {n}")
    warm_site()
    client.get("/search/")  # the filters' choices, kept per process like the navigation
    # estimate and count for the words typed, the spelling look-up, estimate and count for
    # the corrected words, the page (bylines are its teaser_bylines column); the filter
    # choices, navigation and footer from process memory
    with django_assert_num_queries(6):
        html = client.get("/search/", {"q": "helicoptr"}).content.decode()
    assert "Showing results for" in html
