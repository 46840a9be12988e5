"""Full-text search: what readers find, how it is ranked and shown, and that no query
string can break it."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from articles.fulltext import MAX_QUERY_LENGTH, clean_query
from articles.models import Article, ArticleAuthor, SearchTerm
from articles.search import refresh_search_names
from articles.spelling import NEAREST_WORDS_SQL, correct, edit_distance
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    image_bytes,
)

pytestmark = pytest.mark.django_db


def found(text):
    return list(Article.objects.published().search(text).values_list("title", flat=True))


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
    plan = explain(Article.objects.search("frigate milestone"))  # the admin's search
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


# --- The search page -----------------------------------------------------------------


def test_search_page_lists_ranked_results_with_highlighted_snippets(client):
    ArticleFactory(
        title="Frigate sea trials begin",
        body="<p>The new frigate left harbour on Monday for two weeks of trials.</p>",
    )
    html = client.get("/search/", {"q": "frigates"}).content.decode()

    assert "1 article matches “frigates”" in html
    assert "<mark>Frigate</mark> sea trials begin" in html
    assert "The new <mark>frigate</mark> left harbour" in html


def test_search_page_escapes_what_the_reader_typed_and_the_snippet(client):
    ArticleFactory(title="Harmless", body="<p>Script kiddies &amp; drones.</p>")
    html = client.get("/search/", {"q": "<script>alert(1)</script> drones"}).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; drones" in html


def test_snippets_show_text_not_markup(client):
    ArticleFactory(
        title="Radar", body='<p>Cost: <a href="/x">£5&nbsp;million</a> &amp; more radar.</p>'
    )
    html = client.get("/search/", {"q": "radar cost"}).content.decode()
    snippet = html.split('class="search-snippet">')[1].split("</p>")[0]
    assert "href" not in snippet and "&amp;lt;" not in snippet
    assert "£5\xa0million &amp; more <mark>radar</mark>" in snippet  # no-break space kept


def test_search_page_filters_by_section_author_and_dates(client):
    air, land = SectionFactory(name="Air", slug="air"), SectionFactory(name="Land", slug="land")
    author = AuthorFactory(slug="hana")
    now = timezone.now()
    ArticleFactory(title="Drone air one", section=air, authors=[author], published_at=now)
    ArticleFactory(title="Drone land two", section=land, published_at=now - timedelta(days=40))
    ArticleFactory(title="Drone air three", section=air, published_at=now - timedelta(days=40))

    def titles(**params):
        html = client.get("/search/", {"q": "drone", **params}).content.decode()
        return {a.title.split()[-1] for a in Article.objects.all() if a.get_absolute_url() in html}

    assert titles() == {"one", "two", "three"}
    assert titles(section="air") == {"one", "three"}
    assert titles(author="hana") == {"one"}
    assert titles(start=(now - timedelta(days=5)).date().isoformat()) == {"one"}
    assert titles(end=(now - timedelta(days=5)).date().isoformat()) == {"two", "three"}


def test_invalid_filters_are_reported_and_ignored(client):
    ArticleFactory(title="Drone news")
    response = client.get("/search/", {"q": "drone", "section": "nope", "start": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Drone</mark> news" in html
    assert "Select a valid choice" in html and "Enter a valid date" in html


def test_filters_are_folded_until_one_is_in_use_or_refused(client):
    SectionFactory(name="Air", slug="air")
    folded = client.get("/search/", {"q": "drone", "section": ""}).content.decode()
    in_use = client.get("/search/", {"q": "drone", "section": "air"}).content.decode()
    refused = client.get("/search/", {"q": "drone", "start": "yesterday"}).content.decode()

    assert '<details class="search-filters">' in folded
    assert "<summary>Narrow the results</summary>" in folded
    assert '<details class="search-filters" open>' in in_use
    assert "(1 in use)</span></summary>" in in_use
    assert '<details class="search-filters" open>' in refused
    assert '<legend class="visually-hidden">Narrow the results</legend>' in folded


def test_search_pages_keep_the_query_in_pagination_links(client):
    for n in range(23):
        ArticleFactory(title=f"Radar story {n}")
    first = client.get("/search/", {"q": "radar", "section": ""}).content.decode()
    second = client.get("/search/", {"q": "radar", "page": 2}).content.decode()

    assert "23 articles match" in first
    assert 'href="?q=radar&amp;section=&amp;page=2" rel="next"' in first
    assert (
        '<link rel="next" href="http://127.0.0.1:8000/search/?q=radar&amp;section=&amp;page=2">'
        in first
    )
    assert 'rel="prev"' in second and "<mark>Radar</mark> story 22<" in second


def test_search_page_is_never_indexed(client):
    response = client.get("/search/", {"q": "anything"})
    assert '<meta name="robots" content="noindex, follow">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_empty_search_shows_the_form_and_a_hint(client):
    html = client.get("/search/").content.decode()
    assert "Type a word or two above" in html
    assert 'name="q"' in html


def test_typo_with_no_match_suggests_the_closest_titles(client):
    ArticleFactory(title="Army orders 120 new tracked howitzers")
    ArticleFactory(title="Navy budget approved")
    ArticleFactory(title="Howitzer draft", status=Article.Status.DRAFT, published_at=None)

    # As typed (the "Search instead for" link), so no spelling correction steps in.
    html = client.get("/search/", {"q": "hovitzers", "as_typed": "1"}).content.decode()

    assert "No articles match “hovitzers”" in html
    assert "Did you mean" in html
    suggestions = html.split("Did you mean")[1]
    assert "Army orders 120 new tracked howitzers" in suggestions
    assert "Navy budget" not in suggestions and "Howitzer draft" not in suggestions


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
    # estimate and count for the words typed, the spelling look-up, estimate and count for
    # the corrected words, the page, bylines, the filter choices (navigation and footer
    # from process memory)
    with django_assert_num_queries(9):
        html = client.get("/search/", {"q": "helicoptr"}).content.decode()
    assert "Showing results for" in html


# --- Thumbnails and snippets ---------------------------------------------------------


def test_results_show_the_lead_images_small_rendition_lazily(client):
    image = ImageFactory(
        file=ContentFile(image_bytes(800, 600), name="ship.jpg"), alt_text="A frigate at sea"
    )
    ArticleFactory(title="Frigate trials", lead_image=image)
    ArticleFactory(title="Frigate budget")

    html = client.get("/search/", {"q": "frigate"}).content.decode()

    (width, small), (_, sharp) = image.renditions()[:2]
    thumbnail = html.split('class="search-thumb"')[1].split("</a>")[0]
    assert width == 320 and f'src="{small}"' in thumbnail
    assert f"{sharp} 640w" in thumbnail
    assert 'alt="A frigate at sea" width="320" height="240" loading="lazy"' in thumbnail
    assert html.count('class="search-thumb"') == 1  # the other result has no picture


def test_snippet_is_body_text_without_figures_captions_or_credits(client):
    ArticleFactory(
        title="Mast upgrade",
        standfirst="",
        body=(
            '<figure class="image"><img src="/media/mast.jpg" alt="The radar mast">'
            '<figcaption>The radar mast <span class="credit">(Photo: Royal Navy)</span>'
            "</figcaption></figure>"
            "<p>Engineers fitted the new radar in May, a month early.</p>"
            '<p class="credit">Radar pictures: Navy Imagery</p>'
            "<p>Photo: Radar Press Agency</p>"
        ),
    )
    html = client.get("/search/", {"q": "radar"}).content.decode()
    snippet = html.split('class="search-snippet">')[1].split("</p>")[0]
    assert "Engineers fitted the new <mark>radar</mark> in May, a month early." in snippet
    assert "Royal Navy" not in snippet and "mast" not in snippet
    assert "Navy Imagery" not in snippet and "Press Agency" not in snippet


def test_snippet_never_repeats_the_standfirst(client):
    ArticleFactory(
        title="Radar enters service",
        standfirst="The long-range radar enters service this week.",
        body="<p>The long-range radar enters service this week.</p><p>Crews trained.</p>",
    )
    ArticleFactory(
        title="Sonar contract",
        standfirst="A new sonar for the frigates.",
        body="<p>The yard will fit it next year.</p>",
    )
    ArticleFactory(
        title="Sonar budget", standfirst="Money for the fleet.", body="<p>Spending rises.</p>"
    )

    radar = client.get("/search/", {"q": "radar"}).content.decode()
    assert radar.count("enters service this week") == 1

    sonar = client.get("/search/", {"q": "sonar"}).content.decode()
    snippets = [s.split("</p>")[0] for s in sonar.split('class="search-snippet">')[1:]]
    # the body does not match: the standfirst, highlighted, once; and no body text after it
    assert "A new <mark>sonar</mark> for the frigates." in snippets
    assert sonar.count("for the frigates") == 1 and "fit it next year" not in sonar
    # nothing but the title matches: the standfirst as written
    assert "Money for the fleet." in snippets


def test_header_search_box_sends_readers_to_the_search_page(client):
    html = client.get("/").content.decode()
    assert 'action="/search/" method="get" role="search"' in html
    assert 'type="search" id="site-search-q" name="q"' in html


def build_articles(size):
    authors = [AuthorFactory() for _ in range(2)]
    section = SectionFactory(slug="sea")
    image = ImageFactory()  # thumbnails come with the page's query: no query of their own
    for n in range(size):
        ArticleFactory(
            section=section,
            authors=authors[: 1 + n % 2],
            tags=["Radar", f"t{n}"],
            lead_image=image if n % 2 else None,
        )


@pytest.mark.parametrize("size", [5, 25])
def test_search_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site, size
):
    build_articles(size)
    warm_site()
    # the planner's estimate, the count, the page, bylines; the filter choices (sections,
    # authors); the navigation and footer come from process memory (warm_site). A filter
    # adds its look-up; no match adds the spelling look-up and the suggestions (2) instead
    # of the page and bylines.
    with django_assert_num_queries(6):
        assert client.get("/search/", {"q": "frigate"}).status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/search/", {"q": "frigate", "section": "sea"}).status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/search/", {"q": "hovercraft"}).status_code == 200


@pytest.mark.parametrize("size", [5, 25])
def test_broad_search_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings, warm_site, size
):
    settings.SEARCH_RANK_LIMIT = 0  # every search is "broad"
    build_articles(size)
    warm_site()
    # no COUNT: the estimate stands in for it
    with django_assert_num_queries(5):
        assert client.get("/search/", {"q": "frigate"}).status_code == 200


def test_too_broad_a_search_comes_newest_first_with_an_estimate(client, settings):
    settings.SEARCH_RANK_LIMIT = 0  # every search is "broad"
    now = timezone.now()
    for n in range(25):
        ArticleFactory(
            title=f"Radar story {n}",
            body="<p>radar radar radar</p>" if n == 24 else "",
            published_at=now - timedelta(hours=n + 1),
        )

    html = client.get("/search/", {"q": "radar"}).content.decode()

    assert "too many to rank, so the newest come first" in html
    assert "About " in html
    assert html.index("story 0<") < html.index("story 1<") < html.index("story 19<")
    assert "story 24<" not in html  # the best match is not promoted: newest first
    last = client.get("/search/", {"q": "radar", "page": 2}).content.decode()
    assert "story 24<" in last


def test_search_within_the_limit_is_ranked(client, settings):
    settings.SEARCH_RANK_LIMIT = 1000
    ArticleFactory(title="Old radar story", published_at=timezone.now() - timedelta(days=30))
    ArticleFactory(title="New story", body="<p>It mentions radar.</p>")
    html = client.get("/search/", {"q": "radar"}).content.decode()
    assert "too many to rank" not in html
    assert html.index("Old <mark>radar</mark> story") < html.index("New story")


# --- The admin -----------------------------------------------------------------------


def test_admin_search_box_uses_full_text_search_and_finds_drafts(staff_client):
    ArticleFactory(title="Drones for the navy", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(title="Tank order")

    html = staff_client.get("/admin/articles/article/", {"q": "drone"}).content.decode()

    assert "Drones for the navy" in html and "Tank order" not in html


# --- No query string can break it ----------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00",
    "drone\x00s",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    '"unclosed phrase',
    "-",
    "--",
    "!!! ((( ))) :* & | <-> <2>",
    "or or or -or",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&amp; &#0; %00 %s %(x)s {} \\",
    "\U0001f680 ракета 火箭 صاروخ",
    "\u202e\u200b\ufeff",
    "a" * 5000,
    "word " * 2000,
    "\ue000marked\ue001",
    # Stacked exclusions: PostgreSQL's "tsquery stack too small" (issue 23).
    "-" * 33,
    "- " * 60,
    "-(" * 40,
    "-!" * 40 + "drone",
    "drone -" + "-" * 40 + "trial",
    '-"' * 60,
]


# Control characters (NUL included) are refused with a 400 before any view sees them
# (core.middleware.RejectControlCharactersMiddleware); tabs and line breaks are text.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def expected_status(text):
    return 400 if CONTROL_CHARACTER.search(text) else 200


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_answer_normally(client, text):
    ArticleFactory(title="Drone trial")
    response = client.get("/search/", {"q": text, "page": "1"})
    assert response.status_code == expected_status(text)
    assert "<script>alert" not in response.content.decode()


query_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.lists(st.sampled_from(HOSTILE + ["drone", '"', "-", "or", ":*", "&"]), max_size=8).map(
        " ".join
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=query_text)
def test_any_query_string_gets_the_search_page_with_the_cleaned_query(client, text):
    # The test client re-raises any exception in the view, so a server error fails too.
    response = client.get("/search/", {"q": text})
    if expected_status(text) == 400:  # a control character: refused before the view
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert response.context["query"] == clean_query(text)
    assert f'name="q" id="id_q" value="{escape(clean_query(text))}"' in response.content.decode()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=1000))
def test_any_text_is_searchable_and_the_cleaned_query_is_safe(text):
    cleaned = clean_query(text)
    assert len(cleaned) <= MAX_QUERY_LENGTH
    assert "\x00" not in cleaned and cleaned == cleaned.strip()
    list(Article.objects.published().search(text)[:1])  # never raises


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
    found = Article.objects.published().search("drone " + "- " * 50 + "-(-(sea")
    assert [a.title for a in found] == ["Drone trial on land"]
    assert [a.title for a in Article.objects.published().search("F-35 drone")] == []
