"""Article.objects.matching(), the one full-text match (the search page and the admin's
search box both use it): what it finds, how it ranks, the names column that feeds it, the
indexes that answer it, and that no text can break it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from articles.models import Article, ArticleAuthor
from articles.search_names import refresh_search_names
from core.fulltext import MAX_QUERY_LENGTH, clean_query
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def found(text):
    return list(Article.objects.published().matching(text).values_list("title", flat=True))


# --- What matches --------------------------------------------------------------------


def test_search_reads_title_standfirst_body_tags_and_author_names():
    author = AuthorFactory(name="Ingrid Halvorsen")
    ArticleFactory(title="Minehunter enters service", standfirst="", body="<p>Routine.</p>")
    ArticleFactory(title="One", standfirst="The corvette sails in spring.", body="")
    ArticleFactory(title="Two", standfirst="", body="<p>A <b>howitzer</b> battery fired.</p>")
    ArticleFactory(title="Three", standfirst="", body="", tags=["Hypersonic"])
    ArticleFactory(title="Four", standfirst="", body="", authors=[author])

    assert found("minehunter") == ["Minehunter enters service"]
    assert found("corvette") == ["One"]
    assert found("howitzer") == ["Two"]
    assert found("hypersonic") == ["Three"]
    assert found("Halvorsen") == ["Four"]


def test_search_uses_english_stemming():
    ArticleFactory(title="Navy orders new drones", body="")
    assert found("drone") == ["Navy orders new drones"]
    assert found("ordering") == ["Navy orders new drones"]


def test_title_matches_rank_above_standfirst_above_body():
    ArticleFactory(title="Budget news", standfirst="", body="<p>Then the submarine sailed.</p>")
    ArticleFactory(title="Submarine launched", standfirst="", body="<p>Nothing else.</p>")
    ArticleFactory(title="Yard news", standfirst="The submarine yard expands.", body="")

    assert found("submarine") == ["Submarine launched", "Yard news", "Budget news"]


def test_web_search_syntax_phrases_exclusions_and_or():
    ArticleFactory(title="Coastal radar network completed", body="")
    ArticleFactory(title="Radar for the coastal patrol ships", body="")
    ArticleFactory(title="Frigate radar upgrade", body="")
    ArticleFactory(title="Tank engine contract", body="")

    assert found('"coastal radar"') == ["Coastal radar network completed"]
    assert set(found("radar -frigate")) == {
        "Coastal radar network completed",
        "Radar for the coastal patrol ships",
    }
    assert set(found("frigate or tank")) == {"Frigate radar upgrade", "Tank engine contract"}


def test_search_never_finds_drafts_scheduled_or_archived_work():
    ArticleFactory(title="Secret torpedo draft", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(title="Torpedo archived", status=Article.Status.ARCHIVED)
    ArticleFactory(title="Torpedo tomorrow", published_at=timezone.now() + timedelta(days=1))
    ArticleFactory(title="Torpedo trial succeeds")

    assert found("torpedo") == ["Torpedo trial succeeds"]


def test_an_article_is_searchable_as_soon_as_it_is_saved():
    article = ArticleFactory(title="Old headline", body="")
    article.title = "Icebreaker contract signed"
    article.save()
    assert found("icebreaker") == ["Icebreaker contract signed"]


# --- The names column: tags and authors ---------------------------------------------


def test_renamed_author_is_searchable_at_once():
    author = AuthorFactory(name="Hana Okafor")
    ArticleFactory(title="Tank order", body="", authors=[author])

    author.name = "Hana Lindqvist"
    author.save()

    assert found("Lindqvist") == ["Tank order"]
    assert found("Okafor") == []


def test_adding_and_removing_tags_and_bylines_updates_search_at_once():
    article = ArticleFactory(title="Tank order", body="")
    author = AuthorFactory(name="Tomas Reyes")

    article.tags.add("Armour")
    ArticleAuthor.objects.create(article=article, author=author)
    assert found("armour") == found("reyes") == ["Tank order"]

    article.tags.remove("Armour")
    article.bylines.all().delete()
    assert found("armour") == found("reyes") == []

    article.tags.set(["Logistics"])
    assert found("logistics") == ["Tank order"]
    article.tags.clear()
    assert found("logistics") == []


def test_renamed_or_deleted_tag_is_reflected_at_once():
    ArticleFactory(title="Tank order", body="", tags=["Armor"])
    tag = Tag.objects.get(name="Armor")

    tag.name = "Armoured vehicles"
    tag.save()
    assert found("armoured") == ["Tank order"]

    tag.delete()
    assert found("armoured") == []


def test_refresh_rewrites_names_in_one_query_and_skips_current_rows(
    django_assert_num_queries,
):
    authors = [AuthorFactory(name="Ada Byline"), AuthorFactory(name="Ben Byline")]
    articles = [ArticleFactory(authors=authors, tags=["Radar", "Sonar"]) for _ in range(5)]
    Article.objects.update(search_names="")

    with django_assert_num_queries(1):
        changed = refresh_search_names([a.pk for a in articles])

    assert changed == 5
    assert set(Article.objects.values_list("search_names", flat=True)) == {
        "Radar Sonar Ada Byline Ben Byline"
    }
    assert refresh_search_names([a.pk for a in articles]) == 0  # nothing left to rewrite


# --- Indexes -------------------------------------------------------------------------


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is tiny, so PostgreSQL would rightly scan the table; switch that
        # off to show the index answers the query (bench/search_bench.py shows it at scale).
        cursor.execute("ANALYZE articles_article")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_is_an_index_lookup_on_the_gin_index():
    ArticleFactory.create_batch(30, title="Tank order", standfirst="", body="")
    ArticleFactory(title="Frigate milestone")
    plan = explain(Article.objects.matching("frigate milestone"))  # the admin's search
    assert "Bitmap Index Scan on article_search_gin" in plan


def test_title_suggestions_use_the_trigram_index():
    from django.contrib.postgres.search import TrigramWordSimilarity  # noqa: F401
    from django.db.models.functions import Lower

    ArticleFactory.create_batch(3)
    queryset = (
        Article.objects.alias(lower_title=Lower("title"))
        .filter(lower_title__trigram_word_similar="frigat")
        .order_by()
        .values("pk")
    )
    assert "article_title_trgm_gin" in explain(queryset)


# --- The admin -----------------------------------------------------------------------


def test_admin_search_box_uses_full_text_search_and_finds_drafts(staff_client):
    ArticleFactory(title="Drones for the navy", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(title="Tank order")

    html = staff_client.get("/admin/articles/article/", {"q": "drone"}).content.decode()

    assert "Drones for the navy" in html and "Tank order" not in html


# --- No text can break it ------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=1000))
def test_any_text_is_searchable_and_the_cleaned_query_is_safe(text):
    cleaned = clean_query(text)
    assert len(cleaned) <= MAX_QUERY_LENGTH
    assert "\x00" not in cleaned and cleaned == cleaned.strip()
    list(Article.objects.published().matching(text)[:1])  # never raises


STACKED = ["-" * 33, "- " * 60, "-(" * 40, "a" + "-(" * 40, "x -" + "-" * 40 + "y", "-!" * 40]


@pytest.mark.parametrize("text", STACKED)
def test_stacked_exclusions_answer_with_a_normal_admin_list(staff_client, text):
    """The admin's article search uses the same query: many hyphens give a list, not a
    server error (issue 23)."""
    ArticleFactory(title="Drone trial")
    response = staff_client.get("/admin/articles/article/", {"q": text})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []  # nothing but exclusions


def test_runs_of_hyphens_exclude_the_next_word_once():
    """A run of hyphens, spaces and punctuation before a word reads as one "-": the query
    still means what it did, and PostgreSQL's operator stack stays small."""
    ArticleFactory(title="Drone trial at sea")
    ArticleFactory(title="Drone trial on land")
    found = Article.objects.published().matching("drone " + "- " * 50 + "-(-(sea")
    assert [a.title for a in found] == ["Drone trial on land"]
    assert [a.title for a in Article.objects.published().matching("F-35 drone")] == []
