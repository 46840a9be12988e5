import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.views import SectionArticles
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    author = AuthorFactory(name="Hana Okafor", role="Executive Editor", short_bio="Leads the desk.")
    co_author = AuthorFactory(name="Tomas Reyes")
    return ArticleFactory(
        title="Coastal radar network completed",
        standfirst="The last of twelve stations went live this week.",
        body='<p>The final station came online.</p><figure class="image"><img src="/x.webp" '
        'alt="Radar mast" width="10" height="10"><figcaption>Radar mast (Supplied: MoD)'
        "</figcaption></figure>",
        lead_image=ImageFactory(caption="A radar station", credit="Supplied: BSTU"),
        authors=[author, co_author],
        tags=["Radar", "Air defence"],
    )


def build_site(size):
    """`size` articles per section in two sections, each with tags, images and co-authors."""
    authors = [AuthorFactory() for _ in range(3)]
    for section in (SectionFactory(), SectionFactory()):
        for n in range(size):
            ArticleFactory(
                section=section,
                lead_image=ImageFactory(),
                authors=authors[: 1 + n % 3],
                tags=[f"tag-{n % 4}", f"tag-{n % 5}", "shared"],
            )
    return authors


def test_article_page_shows_every_part(client, article):
    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    local = timezone.localtime(article.published_at)  # in the newsroom's zone
    dateline = local.strftime("%-d %B %Y, %H:%M ") + local.tzname()  # time of day and zone
    machine = local.replace(microsecond=0).isoformat()  # whole seconds (HTML)
    assert f'<time datetime="{machine}">{dateline}</time>' in html
    assert "1 min read" in html
    assert '<h1 id="headline">Coastal radar network completed</h1>' in html
    assert "The last of twelve stations went live this week." in html
    assert 'href="/author/' in html and "Hana Okafor" in html and "Tomas Reyes" in html
    assert "A radar station" in html and "(Supplied: BSTU)" in html
    assert 'fetchpriority="high"' in html and "srcset=" in html
    assert "Radar mast (Supplied: MoD)" in html
    assert 'href="/tag/radar/"' in html
    assert "About the author" in html and "Executive Editor" in html and "Leads the desk." in html
    assert "Read more" in html
    assert article.section.name in html


def test_article_page_shows_updated_only_after_a_substantive_update(client, article):
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()
    article.content_updated_at = article.published_at + timedelta(hours=3)
    article.save()
    assert "Updated" in client.get(article.get_absolute_url()).content.decode()


def test_article_page_shows_related_teasers_but_never_itself_or_drafts(client, article):
    others = [ArticleFactory(section=article.section, title=f"Other story {n}") for n in range(4)]
    ArticleFactory(section=article.section, title="Secret draft", status="draft", published_at=None)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Related articles" in html
    assert sum(o.title in html for o in others) == 4
    assert "Secret draft" not in html
    related_block = html.split('id="related-heading"')[1]
    assert f'href="{article.get_absolute_url()}"' not in related_block


@pytest.mark.parametrize(("words", "minutes"), [(5, 1), (460, 2), (1150, 5)])
def test_article_page_shows_reading_time_from_standfirst_and_body(client, words, minutes):
    body = "".join(f"<p><strong>{'word ' * 9}</strong>word</p>" for _ in range(words // 10))
    article = ArticleFactory(standfirst="", body=body + "<p>" + "word " * (words % 10) + "</p>")

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<span class="reading-time">{minutes} min read</span>' in html


def test_article_page_has_plain_share_links_and_no_third_party_script(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(title="Radar & sonar deal", slug="radar-sonar-deal")
    url = quote(f"https://news.example.org{article.get_absolute_url()}", safe="")

    html = client.get(article.get_absolute_url()).content.decode()

    share = html.split('aria-label="Share this article"')[1].split("</nav>")[0]
    assert f'href="mailto:?body={url}&amp;subject=Radar%20%26%20sonar%20deal"' in share
    assert (
        f'href="https://x.com/intent/post?url={url}&amp;text=Radar%20%26%20sonar%20deal"' in share
    )
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={url}"' in share
    assert f'href="https://www.linkedin.com/sharing/share-offsite/?url={url}"' in share
    assert f'href="https://wa.me/?text=Radar%20%26%20sonar%20deal%20{url}"' in share
    assert f'href="https://t.me/share/url?url={url}&amp;text=Radar%20%26%20sonar%20deal"' in share
    assert 'class="share-copy"' in share and " hidden>" in share  # shown by the script
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
    # All first-party: the audience beacon, the phone menu's Escape key, the times in the
    # reader's terms, the share button.
    assert scripts == [
        "/static/stats/beacon.js",
        "/static/js/menu.js",
        "/static/js/times.js",
        "/static/js/share.js",
    ]


def test_unpublished_article_seen_by_staff_has_no_share_links(staff_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    html = staff_client.get(article.get_absolute_url()).content.decode()
    assert "Share this article" not in html


def test_related_teasers_show_their_excerpt(client, article):
    ArticleFactory(
        section=article.section, title="Second radar site", standfirst="A sister site opens."
    )

    related_block = client.get(article.get_absolute_url()).content.decode()
    related_block = related_block.split('id="related-heading"')[1]

    assert "Second radar site" in related_block
    assert '<p class="teaser-standfirst">A sister site opens.</p>' in related_block


def test_section_page_does_not_repeat_its_own_label_but_tag_pages_show_sections(client):
    section = SectionFactory(name="Naval")
    for n in range(3):
        ArticleFactory(section=section, title=f"Naval story {n}", tags=["Frigates"])
    label = f'<p class="kicker"><a href="{section.get_absolute_url()}">Naval</a></p>'

    assert label not in client.get(section.get_absolute_url()).content.decode()
    assert client.get("/tag/frigates/").content.decode().count(label) == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"status": Article.Status.ARCHIVED},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_unpublished_articles_are_404_for_readers(client, changes):
    article = ArticleFactory(**changes)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.IN_REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_staff_see_unpublished_articles_with_a_banner_and_no_caching(staff_client, changes):
    article = ArticleFactory(**changes)
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Not published." in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert 'content="noindex, nofollow"' in response.content.decode()


def test_draft_address_is_404_for_readers(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_wrong_date_in_permalink_is_404(client, article):
    assert client.get(f"/1999/01/01/{article.slug}/").status_code == 404


def test_front_page_has_lead_latest_and_section_blocks(client):
    section = SectionFactory(name="Naval")
    ArticleFactory(
        title="Older featured story",
        featured=True,
        section=section,
        published_at=timezone.now() - timedelta(days=1),  # not the factory's sequence
    )
    ArticleFactory(title="Brand new story", section=section, published_at=timezone.now())
    for n in range(14):
        ArticleFactory(
            title=f"Archive story {n:02d}",
            section=section,
            published_at=timezone.now() - timedelta(days=2, hours=n),
        )
    ArticleFactory(title="Hidden draft", status="draft", published_at=None)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Older featured story") < html.index("Brand new story")  # featured leads
    naval_block = html.split('id="section-')[1]
    assert ">Naval</a></h2>" in naval_block
    # The block shows what the lead and "Latest" did not, newest first.
    assert "Archive story 11" in naval_block and "Brand new story" not in naval_block
    assert naval_block.index("Archive story 11") < naval_block.index("Archive story 12")
    assert "Hidden draft" not in html


def test_front_page_without_articles_says_so(client):
    assert "No articles have been published yet." in client.get("/").content.decode()


def test_section_page_lists_only_its_published_articles_paginated(client):
    section, other = SectionFactory(name="Air"), SectionFactory()
    for n in range(23):
        ArticleFactory(section=section, title=f"Air story {n:02d}")
    ArticleFactory(section=other, title="Sea story")

    first = client.get(section.get_absolute_url()).content.decode()
    second = client.get(section.get_absolute_url() + "?page=2").content.decode()

    assert "Air story 00" in first and "Air story 19" in first and "Air story 20" not in first
    assert "Air story 22" in second and 'rel="prev"' in second
    assert "Sea story" not in first
    assert client.get(section.get_absolute_url() + "?page=9").status_code == 404


def test_sections_with_nothing_published_stay_out_of_the_navigation(client):
    land, empty, waiting = (
        SectionFactory(name=n.title(), slug=n) for n in ("land", "logistics", "space")
    )
    ArticleFactory(section=land)
    ArticleFactory(section=empty, status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(section=waiting, published_at=timezone.now() + timedelta(hours=2))

    for page in ("/", land.get_absolute_url(), "/no-such-page/"):
        nav = client.get(page).content.decode().split('aria-label="Sections"')[1]
        nav = nav.split("</nav>")[0]
        assert 'href="/section/land/"' in nav, page
        assert 'href="/section/logistics/"' not in nav and 'href="/section/space/"' not in nav
    assert client.get(empty.get_absolute_url()).status_code == 200  # the page itself stays


def test_tag_page_lists_tagged_articles(client):
    ArticleFactory(title="Drone swarm trial", tags=["Drones"])
    ArticleFactory(title="Tank order", tags=["Armour"])
    html = client.get("/tag/drones/").content.decode()
    assert "Drone swarm trial" in html and "Tank order" not in html
    assert client.get("/tag/nothing-here/").status_code == 404


def test_unknown_section_is_a_friendly_404(client):
    response = client.get("/section/does-not-exist/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_reader_pages_are_cacheable_by_a_cdn(client, article):
    response = client.get(article.get_absolute_url())
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=300" in cache_control
    assert "stale-while-revalidate=600" in cache_control


def test_every_page_has_a_strict_content_security_policy(client, article):
    policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("size", [8, 20])
def test_reader_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, warm_site, size
):
    authors = build_site(size)
    article = Article.objects.published().first()
    section = article.section
    # The navigation and the footer come from process memory (warm_site). The article
    # page: the article, its bylines, tags and published corrections (shown on the page
    # and in its JSON-LD `correction`), whether it is a live blog (liveblog.pages), the
    # related teasers (their bylines ride along: Article.teaser_bylines); seen again,
    # only the article: the rest of the page is kept as fragments (core.fragments).
    # Section, tag and author listings are paged by key and never COUNT their articles;
    # their teasers read no bylines either (issue 27: two fewer queries on the front page,
    # one fewer on the others). A listing reads its articles' ids, then, only when one of
    # its teasers is not kept (core.fragments.Parts), those teasers' rows by id in one
    # more query; seen again, the ids alone (the front page was seen by warm_site).
    pages = {
        "/": 2,
        article.get_absolute_url(): 6,
        article.get_absolute_url() + " ": 1,
        section.get_absolute_url(): 3,
        section.get_absolute_url() + " ": 2,
        "/tag/shared/": 3,
        "/tag/shared/ ": 2,
        authors[0].get_absolute_url(): 4,
        authors[0].get_absolute_url() + " ": 3,
        "/authors/": 2,
    }
    warm_site()
    for url, expected in pages.items():
        with django_assert_num_queries(expected):
            assert client.get(url.strip()).status_code == 200, url


def test_pages_with_pictures_neither_hash_specs_nor_ask_storage_for_files(client, monkeypatch):
    """Rendition names are stored on the image when it is saved; a page view only turns
    them into URLs."""
    build_site(3)

    def refuse(*args, **kwargs):
        raise AssertionError("a page view computed a rendition's name or touched its file")

    monkeypatch.setattr("imagekit.specs.ImageSpec.get_hash", refuse)
    monkeypatch.setattr("imagekit.cachefiles.ImageCacheFile.generate", refuse)
    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.exists", refuse)
    article = Article.objects.published().first()
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "/media/renditions/" in html, url
        assert " 64w" in html, url


def test_listings_page_by_older_stories_links_without_counting(client, monkeypatch):
    """Section, tag and author listings: "Older stories" links carry the last story's key;
    old ?page=N links still work, deep ones redirect to the same stories by key."""
    section = SectionFactory(name="Land")
    for n in range(45):
        ArticleFactory(section=section, title=f"Land story {n:02d}", tags=["Armour"])
    url = section.get_absolute_url()

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    assert "Land story 00" in first and "Land story 19" in first and "Land story 20" not in first
    older = re.search(r'href="\?before=([0-9-]+)" rel="next">Older stories', first).group(1)

    second = client.get(url, {"before": older}).content.decode()
    assert "Land story 20" in second and "Land story 39" in second
    assert "Land story 19" not in second and "Land story 40" not in second
    assert 'href="?" rel="prev">← Latest stories' in second

    # An old page-2 link shows the same stories as the "older stories" one.
    assert "Land story 20" in client.get(url, {"page": 2}).content.decode()
    # Deep old links redirect permanently to the key of the same page.
    monkeypatch.setattr(SectionArticles, "max_offset_page", 1)
    response = client.get(url, {"page": 2})
    assert response.status_code == 301 and response["Location"] == f"{url}?before={older}"
    assert client.get(url, {"page": 9}).status_code == 404
    assert client.get(url, {"before": "nonsense"}).status_code == 404

    tag_page = client.get("/tag/armour/").content.decode()
    assert "Land story 00" in tag_page and "Older stories" in tag_page
