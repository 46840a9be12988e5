"""The sitemap index, its sitemaps, the Google News sitemap and robots.txt, parsed and
checked against the required elements of the sitemap 0.9 and news-sitemap 0.9 schemas."""

import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z))?$")


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return response, ElementTree.fromstring(response.content)


def check_urlset(root):
    """Schema rules: <urlset> of <url>, each with one absolute <loc> (< 2048 chars) and an
    optional W3C-datetime <lastmod>; nothing outside the allowed children."""
    assert root.tag == f"{SM}urlset"
    locations = {}
    for url in root:
        assert url.tag == f"{SM}url"
        children = [child.tag for child in url]
        assert children.count(f"{SM}loc") == 1
        assert set(children) <= {f"{SM}loc", f"{SM}lastmod", f"{NEWS}news"}
        loc = url.find(f"{SM}loc").text
        assert loc.startswith(SITE + "/") and len(loc) < 2048
        lastmod = url.find(f"{SM}lastmod")
        if lastmod is not None:
            assert W3C_DATETIME.match(lastmod.text), lastmod.text
        locations[loc] = url
    return locations


@pytest.fixture
def site():
    section = SectionFactory(name="Air", slug="air")
    author = AuthorFactory(slug="hana")
    AuthorFactory(slug="no-articles-yet")
    live = ArticleFactory(section=section, authors=[author], tags=["Drones"])
    ArticleFactory(title="Draft", slug="draft", status="draft", published_at=None, tags=["Secret"])
    ArticleFactory(slug="scheduled", published_at=timezone.now() + timedelta(hours=2))
    ArticleFactory(slug="syndicated", canonical_url="https://elsewhere.example/story")
    PageFactory(slug="about", title="About us")
    PageFactory(slug="hidden", title="Hidden", is_published=False)
    return live


def test_sitemap_index_lists_every_sitemap_with_lastmod(client, site):
    response, root = fetch(client, "/sitemap.xml")

    assert root.tag == f"{SM}sitemapindex"
    locations = [s.find(f"{SM}loc").text for s in root.findall(f"{SM}sitemap")]
    assert locations == [
        f"{SITE}/sitemap-{name}.xml"
        for name in ("articles", "sections", "tags", "authors", "pages")
    ]
    for entry in root.findall(f"{SM}sitemap"):
        assert W3C_DATETIME.match(entry.find(f"{SM}lastmod").text)
    assert response["X-Robots-Tag"].startswith("noindex")


def test_article_sitemap_lists_only_published_canonical_articles_with_modified_date(client, site):
    _, root = fetch(client, "/sitemap-articles.xml")
    locations = check_urlset(root)

    assert list(locations) == [SITE + site.get_absolute_url()]
    lastmod = locations[SITE + site.get_absolute_url()].find(f"{SM}lastmod").text
    assert lastmod == timezone.localtime(site.modified).isoformat()  # in the newsroom's zone


def test_section_tag_author_and_page_sitemaps(client, site):
    sections = check_urlset(fetch(client, "/sitemap-sections.xml")[1])
    tags = check_urlset(fetch(client, "/sitemap-tags.xml")[1])
    authors = check_urlset(fetch(client, "/sitemap-authors.xml")[1])
    pages = check_urlset(fetch(client, "/sitemap-pages.xml")[1])

    assert f"{SITE}/section/air/" in sections
    assert list(tags) == [f"{SITE}/tag/drones/"]  # tags of drafts stay out
    assert list(authors) == [f"{SITE}/author/hana/"]  # authors with published work
    assert {f"{SITE}/", f"{SITE}/authors/", f"{SITE}/support/", f"{SITE}/about/"} <= set(pages)
    assert f"{SITE}/hidden/" not in pages
    published = timezone.localtime(site.published_at).isoformat()
    assert tags[f"{SITE}/tag/drones/"].find(f"{SM}lastmod").text == published


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nope.xml").status_code == 404


def test_news_sitemap_has_articles_of_the_last_48_hours_with_news_tags(client):
    fresh = ArticleFactory(title="Tanks & trucks <ordered>", published_at=timezone.now())
    ArticleFactory(slug="old", published_at=timezone.now() - timedelta(hours=49))
    ArticleFactory(slug="kept-out", exclude_from_news=True)
    ArticleFactory(slug="later", published_at=timezone.now() + timedelta(hours=1))
    ArticleFactory(slug="draft", status=Article.Status.DRAFT)

    _, root = fetch(client, "/news-sitemap.xml")
    locations = check_urlset(root)

    assert list(locations) == [SITE + fresh.get_absolute_url()]
    news = locations[SITE + fresh.get_absolute_url()].find(f"{NEWS}news")
    publication = news.find(f"{NEWS}publication")
    assert publication.find(f"{NEWS}name").text == "Defence Blog"
    assert publication.find(f"{NEWS}language").text == "en"
    local = timezone.localtime(fresh.published_at).isoformat()
    assert news.find(f"{NEWS}publication_date").text == local
    assert news.find(f"{NEWS}title").text == "Tanks & trucks <ordered>"


def test_news_sitemap_drops_articles_as_they_turn_48_hours_old(client, time_machine):
    ArticleFactory(published_at=timezone.now())
    assert len(fetch(client, "/news-sitemap.xml")[1]) == 1
    time_machine.move_to(timezone.now() + timedelta(hours=48, minutes=1))
    assert len(fetch(client, "/news-sitemap.xml")[1]) == 0


def test_robots_txt_names_both_sitemaps_with_absolute_urls(client):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()
    assert f"Sitemap: {SITE}/news-sitemap.xml" in text.splitlines()


def test_sitemaps_use_the_configured_site_address_not_the_request_host(client, site, settings):
    settings.SITE_URL = "https://news.example.org"
    _, root = fetch(client, "/sitemap.xml")
    assert root[0].find(f"{SM}loc").text == "https://news.example.org/sitemap-articles.xml"
    _, root = fetch(client, "/sitemap-articles.xml")
    assert root[0].find(f"{SM}loc").text.startswith("https://news.example.org/20")


@pytest.mark.parametrize("size", [3, 12])
def test_sitemaps_run_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    authors = [AuthorFactory() for _ in range(3)]
    for n in range(size):
        ArticleFactory(
            section=SectionFactory(),
            authors=authors[: 1 + n % 3],
            tags=[f"t{n}"],
            published_at=timezone.now() - timedelta(minutes=n + 1),  # all in the news sitemap
        )
        PageFactory()
    expected = {
        # per sitemap: its latest lastmod and its page count (pages: 3), and once the
        # upcoming publication times (the index is also rebuilt when one has passed) and
        # the content state's sequence (this process has not read the state yet: the
        # changes above touched tags, none the site-wide version)
        "/sitemap.xml": 13,
        "/sitemap.xml ": 0,  # ...once per content version: the index is kept until a change
        "/sitemap-articles.xml": 2,
        "/sitemap-sections.xml": 2,
        "/sitemap-tags.xml": 2,
        "/sitemap-authors.xml": 2,
        "/sitemap-pages.xml": 3,
        "/news-sitemap.xml": 2,
    }
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert client.get(url.strip()).status_code == 200, url


def test_sitemap_index_is_recomputed_when_the_archive_changes(client):
    ArticleFactory(published_at=timezone.now() - timedelta(days=2))
    first = client.get("/sitemap.xml").content.decode()
    ArticleFactory(published_at=timezone.now() - timedelta(minutes=5))
    second = client.get("/sitemap.xml").content.decode()
    assert first != second  # the articles sitemap's lastmod moved on
    assert client.get("/sitemap.xml").content.decode() == second


def test_a_change_rereads_the_lastmods_but_not_the_page_counts(
    client, django_assert_max_num_queries
):
    """Counting the sitemaps' pages reads the archive; it is kept for an hour, while the
    lastmods (one indexed read per sitemap) follow every change."""
    ArticleFactory(published_at=timezone.now() - timedelta(days=2))
    first = client.get("/sitemap.xml").content.decode()
    newer = ArticleFactory(published_at=timezone.now() - timedelta(minutes=5))
    # the schedule, then the lastmods: one per sitemap, three for the site's single pages
    # (front page, support page, site pages); no count
    with django_assert_max_num_queries(8):
        second = client.get("/sitemap.xml").content.decode()
    assert second != first and second.count("<sitemap>") == first.count("<sitemap>")
    assert newer.modified.strftime("%Y-%m-%d") in second
