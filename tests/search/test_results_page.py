"""The readers' search page, /search/: results with highlighted snippets and thumbnails,
filters, pages, suggestions for a search that finds nothing, broad searches, and its
query budget."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    image_bytes,
)

pytestmark = pytest.mark.django_db


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


def test_snippet_is_the_paragraph_where_the_words_are_together(client):
    filler = "".join(
        f"<p>Paragraph {n} is about the budget and nothing else.</p>" for n in range(8)
    )
    ArticleFactory(
        title="Fleet review",
        standfirst="",
        body=(
            f"<p>The radar came first.</p>{filler}"
            "<ul><li>A frigate was fitted with the new radar last spring.</li></ul>"
            "<p>The frigate sailed.</p>"
        ),
    )
    html = client.get("/search/", {"q": "frigate radar"}).content.decode()
    snippet = html.split('class="search-snippet">')[1].split("</p>")[0]
    # the list item holding both words, not the first paragraph holding one
    assert "A <mark>frigate</mark> was fitted with the new <mark>radar</mark> last spring." in (
        snippet
    )
    assert "budget" not in snippet and "came first" not in snippet


def test_snippet_follows_an_edit_of_the_body(client):
    article = ArticleFactory(
        title="Trials", standfirst="", body="<p>The sonar passed its trials.</p>"
    )
    assert (
        "The <mark>sonar</mark> passed" in client.get("/search/", {"q": "sonar"}).content.decode()
    )

    article.body = "<p>Crews rested.</p><p>The new sonar failed its trials at sea.</p>"
    article.save()
    html = client.get("/search/", {"q": "sonar"}).content.decode()
    assert "The new <mark>sonar</mark> failed its trials at sea." in html
    assert "passed its trials" not in html


def test_snippet_without_a_match_in_the_body_opens_the_body(client):
    ArticleFactory(
        title="Radar budget",
        standfirst="",
        body="<h2>Money</h2><p>Spending rises next year.</p>",
    )
    html = client.get("/search/", {"q": "radar"}).content.decode()
    snippet = html.split('class="search-snippet">')[1].split("</p>")[0]
    assert "Money Spending rises next year." in snippet
    assert "<mark>" not in snippet


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


def test_filter_choices_follow_a_renamed_author_or_section(client):
    author, section = AuthorFactory(name="Ann Old"), SectionFactory(name="Old Sea")
    html = client.get("/search/").content.decode()
    assert ">Ann Old</option>" in html and ">Old Sea</option>" in html
    author.name, section.name = "Ann New", "New Sea"
    author.save()
    section.save()
    AuthorFactory(name="Bo Added")
    html = client.get("/search/", {"author": author.slug}).content.decode()
    assert f'<option value="{author.slug}" selected>Ann New</option>' in html
    assert ">New Sea</option>" in html and ">Bo Added</option>" in html
    assert "Ann Old" not in html and "Old Sea" not in html


@pytest.mark.parametrize("size", [5, 25])
def test_search_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site, size
):
    build_articles(size)
    warm_site()
    client.get("/search/")  # the filters' choices, kept per process like the navigation
    # the planner's estimate, the count, the page (its bylines ride along:
    # Article.teaser_bylines); the filter choices, the navigation and footer come from
    # process memory. A filter adds its look-up; no match adds the spelling look-up and
    # the suggestions (2) instead of the page.
    with django_assert_num_queries(3):
        assert client.get("/search/", {"q": "frigate"}).status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/search/", {"q": "frigate", "section": "sea"}).status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/search/", {"q": "hovercraft"}).status_code == 200


@pytest.mark.parametrize("size", [5, 25])
def test_broad_search_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings, warm_site, size
):
    settings.SEARCH_RANK_LIMIT = 0  # every search is "broad"
    build_articles(size)
    warm_site()
    client.get("/search/")  # the filters' choices
    # the estimate and the page: no COUNT, the estimate stands in for it
    with django_assert_num_queries(2):
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
