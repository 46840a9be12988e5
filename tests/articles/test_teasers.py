"""Listings' teasers (articles.teasers): the byline each article row carries
(`teaser_bylines`) follows every change a reader would notice, on every listing, with the
page cache off and on; and the teaser shows what it always showed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import date
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import teasers
from articles.models import Article, ArticleAuthor
from articles.teasers import refresh_teaser_bylines
from core.links import quick_reverse
from core.templatetags import times
from media.models import Image
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db
BYLINE = re.compile(r'<span class="byline">By (.*?) · </span>')


def bylines(client, url):
    """Each teaser's byline on the page at `url`, as text ("A, B and C")."""
    response = client.get(url)
    assert response.status_code == 200, url
    return [re.sub(r"<[^>]+>", "", b) for b in BYLINE.findall(response.content.decode())]


@pytest.fixture(params=[False, True], ids=["page cache off", "page cache on"])
def page_cache(request, settings):
    settings.PAGE_CACHE = request.param
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def story():
    section = SectionFactory(name="Naval", slug="naval")
    ana, ben = AuthorFactory(name="Ana Kos", slug="ana-kos"), AuthorFactory(name="Ben Oduya")
    return ArticleFactory(
        title="Frigate refit", section=section, authors=[ana, ben], tags=["Frigates"]
    )


def listings(article):
    author = article.bylines.first().author
    return ["/", article.section.get_absolute_url(), "/tag/frigates/", author.get_absolute_url()]


def test_teasers_show_the_byline_in_order_with_links(client, story):
    html = client.get("/section/naval/").content.decode()
    assert (
        '<span class="byline">By <a href="/author/ana-kos/" rel="author">Ana Kos</a> and '
        f'<a href="{story.byline_authors[1].get_absolute_url()}" rel="author">Ben Oduya</a>'
    ) in html
    third = AuthorFactory(name="Cy Park")
    ArticleAuthor.objects.create(article=story, author=third, position=5)
    assert bylines(client, "/section/naval/") == ["Ana Kos, Ben Oduya and Cy Park"]


def test_a_byline_added_moved_or_removed_shows_on_every_listing(client, story, page_cache):
    urls = listings(story)
    for url in urls:
        assert bylines(client, url) == ["Ana Kos and Ben Oduya"], url
    ana = story.bylines.get(author__name="Ana Kos")
    ana.position = 2
    ana.save()
    for url in urls:
        assert bylines(client, url) == ["Ben Oduya and Ana Kos"], url
    story.bylines.get(author__name="Ben Oduya").delete()
    for url in urls:
        assert bylines(client, url) == ["Ana Kos"], url


def test_a_renamed_author_shows_on_every_listing(client, story, page_cache):
    urls = [*listings(story), story.byline_authors[1].get_absolute_url()]
    for url in urls:
        bylines(client, url)  # kept by the page cache when it is on
    ana = story.bylines.get(author__name="Ana Kos").author
    ana.name = "Ana Kos-Marin"
    ana.save()
    for url in urls:
        assert bylines(client, url) == ["Ana Kos-Marin and Ben Oduya"], url


def test_an_author_with_a_new_address_is_linked_there(client, story, page_cache):
    client.get("/section/naval/")
    ana = Article.objects.get(pk=story.pk).byline_authors[0]
    ana.slug = "ana-kos-marin"
    ana.save()
    html = client.get("/section/naval/").content.decode()
    assert 'href="/author/ana-kos-marin/" rel="author">Ana Kos<' in html
    assert "/author/ana-kos/" not in html


def test_search_results_show_the_teaser_byline(client, story):
    html = client.get("/search/", {"q": "frigate"}).content.decode()
    assert re.search(
        r'<span class="byline">By <a href="/author/ana-kos/"[^>]*>Ana Kos</a> and ', html
    )


def test_refresh_rewrites_what_a_bulk_write_left_out(story):
    Article.objects.filter(pk=story.pk).update(teaser_bylines=[])
    assert refresh_teaser_bylines(Article.objects.filter(pk=story.pk).values("pk")) == 1
    assert Article.objects.get(pk=story.pk).teaser_bylines == [
        ["ana-kos", "Ana Kos"],
        [story.byline_authors[1].slug, "Ben Oduya"],
    ]
    ArticleAuthor.objects.filter(article=story).delete()  # no signal for a queryset delete
    refresh_teaser_bylines([story.pk])
    assert Article.objects.get(pk=story.pk).teaser_bylines == []


def test_lead_image_teaser_has_its_responsive_picture(client):
    image = ImageFactory(alt_text="Radar mast at dawn")
    article = ArticleFactory(title="Radar", lead_image=image)
    html = client.get("/").content.decode()
    picture = re.search(r'<a class="teaser-image" href="([^"]+)"[^>]*>\s*(<img [^>]+>)', html)
    assert picture.group(1) == article.get_absolute_url()
    img = picture.group(2)
    assert f'src="{image.src()}"' in img
    assert f'srcset="{image.srcset()}"' in img
    assert 'alt="Radar mast at dawn"' in img
    assert 'loading="eager" fetchpriority="high"' in img  # the lead story, above the fold


def test_quick_reverse_writes_what_reverse_writes():
    for name, kwargs in [
        ("articles:detail", {"year": 2026, "month": "03", "day": "09", "slug": "radar-2"}),
        ("articles:section", {"slug": "naval"}),
        ("authors:detail", {"slug": "ana-kos"}),
    ]:
        assert quick_reverse(name, **kwargs) == reverse(name, kwargs=kwargs)
    # Anything a converter would quote or refuse goes through reverse() itself.
    assert quick_reverse("authors:detail", slug="ana-kos") == "/author/ana-kos/"


def test_listing_times_say_what_the_date_filter_says_all_year():
    start = datetime(2026, 1, 1, 0, 0, 5, 123456, tzinfo=UTC)
    for hours in range(0, 366 * 24, 7):  # both sides of each clock change
        local = timezone.localtime(start + timedelta(hours=hours, minutes=hours % 60))
        assert times._exact(local) == date(local, times.EXACT)
        assert times._day(local) == date(local, "j F Y")


# --- Teasers kept per article (articles.teasers.TeaserBatch) ---------------------------------


def main(client, url):
    """The page's <main> (its teasers; the head carries a fresh CSP nonce each time)."""
    html = client.get(url).content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def written(monkeypatch, settings):
    """The headlines of the teasers written afresh (not served as kept), fragment caches on."""
    settings.FRAGMENT_CACHE = True
    titles, write = [], teasers.teaser_html

    def counted(article, **options):
        titles.append(article.title)
        return write(article, **options)

    monkeypatch.setattr(teasers, "teaser_html", counted)
    return titles


def test_a_listing_seen_again_writes_only_the_changed_articles_teasers(client, written):
    section = SectionFactory(name="Naval", slug="naval")
    one = ArticleFactory(title="Frigate refit", section=section)
    ArticleFactory(title="Corvette trials", section=section)
    html = main(client, "/section/naval/")
    assert sorted(written) == ["Corvette trials", "Frigate refit"]
    written.clear()
    assert main(client, "/section/naval/") == html
    assert written == []
    one.title = "Frigate refit finished"
    one.save()
    assert "Frigate refit finished" in client.get("/section/naval/").content.decode()
    assert written == ["Frigate refit finished"]


def test_a_listing_seen_again_reads_only_the_changed_articles_row(client, written):
    """The rows of the teasers to write are read by id (articles.querysets.read_teasers):
    after one story's change, that story's alone, not the listing's again."""
    section = SectionFactory(name="Naval", slug="naval")
    one = ArticleFactory(title="Frigate refit", section=section)
    for n in range(3):
        ArticleFactory(title=f"Corvette trials {n}", section=section)
    client.get("/section/naval/")
    written.clear()
    one.title = "Frigate refit finished"
    one.save()
    with CaptureQueriesContext(connection) as captured:
        client.get("/section/naval/")
    [rows] = [query["sql"] for query in captured if "= ANY(" in query["sql"]]
    assert f"ANY('{{{one.pk}}}'" in rows
    assert written == ["Frigate refit finished"]


@pytest.mark.parametrize("change", ["title", "section name", "author name", "lead image"])
def test_kept_teasers_show_each_change_on_every_listing(client, written, story, change):
    story.lead_image = ImageFactory(alt_text="Frigate in dock")
    story.save()
    urls = listings(story)
    for url in urls:
        client.get(url)  # every teaser is kept now
    if change == "title":
        story.title, shown = "Frigate refit delayed", ">Frigate refit delayed</a>"
        story.save()
    elif change == "section name":
        story.section.name, shown = "Naval forces", ">Naval forces</a></p>"
        story.section.save()
        urls.remove(story.section.get_absolute_url())  # its own page shows no label
    elif change == "author name":
        ana = story.byline_authors[0]
        ana.name, shown = "Ana Kos-Marin", 'rel="author">Ana Kos-Marin</a>'
        ana.save()
    else:
        image = Image.objects.get(pk=story.lead_image_id)
        image.alt_text, shown = "Frigate leaving dock", 'alt="Frigate leaving dock"'
        image.save()
    for url in urls:
        assert shown in client.get(url).content.decode(), url


def test_a_teaser_is_kept_per_way_a_page_shows_it(client, written, story):
    """The front page's lead story and the section's list show one article differently:
    each keeps its own, and the section's own page leaves its label off."""
    front, section = main(client, "/"), main(client, "/section/naval/")
    label = '<p class="kicker"><a href="/section/naval/">Naval</a></p>'
    assert "teaser--lead" in front and label in front
    assert "teaser--lead" not in section and label not in section
    written.clear()
    assert main(client, "/") == front
    assert main(client, "/section/naval/") == section
    assert written == []


def test_another_process_reads_the_kept_teasers_from_the_shared_cache(client, written, story):
    from core import fragments
    from core.content_state import content_state

    html = main(client, "/section/naval/")
    fragments.forget()  # as in another process: its own tier is empty
    content_state.forget()
    written.clear()
    assert main(client, "/section/naval/") == html
    assert written == []


def test_teasers_are_written_afresh_with_fragment_caches_off(client, written, settings, story):
    settings.FRAGMENT_CACHE = False
    client.get("/section/naval/")
    client.get("/section/naval/")
    assert written == ["Frigate refit", "Frigate refit"]


def test_listings_read_at_once_or_ids_first_show_the_same_teasers(client, settings, story):
    """With fragment caches off a listing reads its teasers' rows at once; with them on, its
    ids first, then the rows only while a teaser is not kept (articles.querysets.
    read_teasers): the same teasers each way, written or kept."""
    ArticleFactory(title="Corvette trials", section=story.section, featured=True)
    story.lead_image = ImageFactory(alt_text="Frigate in dock")
    story.save()
    urls = listings(story)
    settings.FRAGMENT_CACHE = False
    afresh = {url: main(client, url) for url in urls}
    assert "Corvette trials" in afresh["/"] and "Frigate refit" in afresh["/"]
    # As written from the article the ORM reads (the tag page's first and only teaser).
    read = Article.objects.for_teasers().get(pk=story.pk)
    assert teasers.teaser_html(read, heading="h2", eager=True) in afresh["/tag/frigates/"]
    settings.FRAGMENT_CACHE = True
    for url in urls:
        assert main(client, url) == afresh[url], url  # written from the rows read after
        assert main(client, url) == afresh[url], url  # kept
