"""RSS 2.0 and Atom feeds, parsed the way feed readers parse them (feedparser)."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def newsroom():
    section = SectionFactory(name="Naval", slug="naval", description="Ships and the sea.")
    author = AuthorFactory(name="Hana Okafor", slug="hana-okafor")
    co_author = AuthorFactory(name="Tomas Reyes", slug="tomas-reyes")
    article = ArticleFactory(
        title="Frigate sea trials begin",
        standfirst="The first ship leaves harbour for two weeks of trials.",
        body='<p>See <a href="/section/naval/">our naval coverage</a>.</p>'
        '<figure class="image"><img src="/media/x.webp" srcset="/media/x-320.webp 320w, '
        '/media/x-640.webp 640w" alt="A frigate"></figure>',
        section=section,
        lead_image=ImageFactory(alt_text="A frigate at sea", credit="Supplied: Navy"),
        authors=[author, co_author],
        tags=["Frigates", "Sea trials"],
    )
    ArticleFactory(title="Secret draft", section=section, status="draft", published_at=None)
    ArticleFactory(
        title="Scheduled story",
        section=section,
        tags=["Frigates"],
        authors=[author],
        published_at=timezone.now() + timedelta(hours=3),
    )
    Correction.objects.create(article=article, text="An earlier version misnamed the yard.")
    Correction.objects.create(
        article=article, text="Not yet.", published_at=timezone.now() + timedelta(days=1)
    )
    return article


def assert_summary_with_notice(summary):
    """The standfirst, then the published correction's notice (not the future one)."""
    first = "The first ship leaves harbour for two weeks of trials. Correction, "
    assert summary.startswith(first)
    assert summary.endswith(": An earlier version misnamed the yard.")


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, f"{url}: {feed.get('bozo_exception')}"
    return response, feed


FEEDS = [
    ("/feed/", "rss20"),
    ("/feed/atom/", "atom10"),
    ("/section/naval/feed/", "rss20"),
    ("/section/naval/feed/atom/", "atom10"),
    ("/tag/frigates/feed/", "rss20"),
    ("/tag/frigates/feed/atom/", "atom10"),
    ("/author/hana-okafor/feed/", "rss20"),
    ("/author/hana-okafor/feed/atom/", "atom10"),
]


@pytest.mark.parametrize(("url", "version"), FEEDS)
def test_every_article_feed_parses_without_errors_and_lists_only_published_work(
    client, newsroom, url, version
):
    response, feed = parse(client, url)

    assert feed.version == version
    assert [entry.title for entry in feed.entries] == ["Frigate sea trials begin"]
    assert feed.feed.link.startswith(SITE)
    assert "public" in response["Cache-Control"]


def test_rss_item_has_absolute_link_stable_guid_categories_image_and_full_content(client, newsroom):
    response, feed = parse(client, "/feed/")
    entry = feed.entries[0]

    assert entry.link == SITE + newsroom.get_absolute_url()
    assert entry.id.startswith("tag:127.0.0.1,") and entry.id.endswith(f":article:{newsroom.pk}")
    assert entry.guidislink is False
    assert_summary_with_notice(entry.summary)
    assert entry.author == "Hana Okafor and Tomas Reyes"
    assert [t.term for t in entry.tags] == ["Naval", "Frigates", "Sea trials"]
    assert entry.enclosures[0].type == "image/jpeg"
    assert entry.enclosures[0].href.startswith(SITE + "/media/")
    assert entry.media_content[0]["width"] == "1200" and entry.media_content[0]["medium"] == "image"
    content = entry.content[0].value
    assert f'href="{SITE}/section/naval/"' in content
    assert f'src="{SITE}/media/x.webp"' in content
    srcset = f"{SITE}/media/x-320.webp 320w, {SITE}/media/x-640.webp 640w"
    assert srcset in response.content.decode()  # feedparser drops srcset; readers keep it
    assert feed.feed.links[-1].href == f"{SITE}/feed/"  # atom:link rel=self


def test_atom_entry_has_summary_content_updated_and_enclosure(client, newsroom):
    newsroom.content_updated_at = newsroom.published_at + timedelta(hours=2)
    newsroom.save()
    _, feed = parse(client, "/feed/atom/")
    entry = feed.entries[0]

    assert_summary_with_notice(entry.summary)
    assert "our naval coverage" in entry.content[0].value
    # Updated: the later of the substantive update and the published correction.
    corrected = newsroom.corrections.visible().get().published_at
    latest = max(newsroom.content_updated_at, corrected)
    assert entry.updated_parsed[:5] == latest.utctimetuple()[:5]
    assert entry.published_parsed[:5] == newsroom.published_at.utctimetuple()[:5]
    assert any(link.rel == "enclosure" for link in entry.links)


def test_guid_never_changes_when_an_article_is_edited(client, newsroom):
    before = parse(client, "/feed/")[1].entries[0].id
    newsroom.title = "Frigate sea trials begin early"
    newsroom.slug = "frigate-trials-early"
    newsroom.published_at -= timedelta(days=1)
    newsroom.save()
    after = parse(client, "/feed/")[1].entries[0]

    assert after.id == before
    assert after.title == "Frigate sea trials begin early"


def test_summary_only_when_full_content_is_switched_off(client, newsroom, settings):
    settings.FEED_FULL_CONTENT = False
    for url, element in (("/feed/", b"<content:encoded>"), ("/feed/atom/", b"<content ")):
        response, feed = parse(client, url)
        entry = feed.entries[0]
        assert element not in response.content
        assert_summary_with_notice(entry.summary)


def test_feed_item_falls_back_to_the_body_text_without_a_summary(client):
    ArticleFactory(standfirst="", seo_description="", body="<p>Body <b>text</b> only.</p>")
    entry = parse(client, "/feed/")[1].entries[0]
    assert entry.summary == "Body text only."


def test_corrections_feed_lists_published_corrections_of_published_articles(client, newsroom):
    draft = Article.objects.get(title="Secret draft")
    Correction.objects.create(article=draft, text="Hidden draft correction.")

    for url in ("/corrections/feed/", "/corrections/feed/atom/"):
        _, feed = parse(client, url)
        assert [e.title for e in feed.entries] == ["Correction: Frigate sea trials begin"]
        entry = feed.entries[0]
        assert entry.summary == "An earlier version misnamed the yard."
        assert entry.link.startswith(SITE + newsroom.get_absolute_url() + "#correction-")
        assert entry.id.startswith("tag:127.0.0.1,")


def test_unknown_section_tag_or_author_feed_is_404(client):
    for url in ("/section/nope/feed/", "/tag/nope/feed/atom/", "/author/nope/feed/"):
        assert client.get(url).status_code == 404


def test_pages_link_their_feeds_in_the_head(client, newsroom):
    front = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Defence Blog" '
        f'href="{SITE}/feed/">' in front
    )
    assert f'type="application/atom+xml" title="Defence Blog (Atom)" href="{SITE}/feed/atom/"' in (
        front
    )
    section = client.get("/section/naval/").content.decode()
    assert f'title="Naval | Defence Blog" href="{SITE}/section/naval/feed/"' in section
    tag = client.get("/tag/frigates/").content.decode()
    assert f'href="{SITE}/tag/frigates/feed/atom/"' in tag
    author = client.get("/author/hana-okafor/").content.decode()
    assert f'title="Hana Okafor | Defence Blog" href="{SITE}/author/hana-okafor/feed/"' in author


@pytest.mark.parametrize("size", [3, 15])
def test_feeds_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site, time_machine, settings, size
):
    section = SectionFactory(slug="land")
    authors = [AuthorFactory(slug="ann"), AuthorFactory()]
    for n in range(size):
        article = ArticleFactory(
            section=section,
            lead_image=ImageFactory(),
            authors=authors[: 1 + n % 2],
            tags=["Armour", f"t{n}"],
        )
        Correction.objects.create(article=article, text="Fixed.")
    # Items are kept only when their article has not changed in the last second.
    time_machine.move_to(timezone.now() + timedelta(seconds=5))
    warm_site()
    # The items' rows (tags and corrections in subqueries); plus the section, tag or
    # author itself. Written once, the items are kept (the page cache is off in tests):
    # then only the list of articles is read.
    expected = {
        "/feed/": 1,
        "/feed/atom/": 1,
        "/section/land/feed/": 2,
        "/tag/armour/feed/": 2,
        "/author/ann/feed/atom/": 2,
        "/corrections/feed/": 1,
    }
    settings.FRAGMENT_CACHE = False
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url
    settings.FRAGMENT_CACHE = True
    for url in expected:
        client.get(url)
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url
