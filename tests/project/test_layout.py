"""The reader pages' layout rules (issue 13): phones get a compact header whose sections and
search sit behind a native <details> menu that needs no script, the front page is dense
below its lead story, and an article page with its stylesheet stays within 30 KB gzipped.
The rendered layout itself is checked in Chromium in tests/e2e/test_layout.py."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from faker import Faker

from articles.models import Section
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

BUDGET = 30 * 1024  # bytes, the article's HTML and CSS gzipped together


@pytest.fixture
def sections():
    return [
        SectionFactory(name="Land", slug="land"),
        SectionFactory(name="Air", slug="air"),
        SectionFactory(name="Cyber & Space", slug="cyber-space"),
    ]


def menu_of(html):
    match = re.search(r'<details class="menu">(.*?)</details>', html, re.S)
    assert match, "the header has no <details> menu"
    return match.group(1)


def header_of(html):
    return re.search(r'<header class="site-header">(.*?)</header>', html, re.S).group(1)


def test_phone_menu_is_a_details_button_with_every_section_and_search(client, sections):
    for section in sections:
        ArticleFactory(section=section)

    html = client.get("/").content.decode()

    menu = menu_of(html)
    assert menu.lstrip().startswith("<summary>Menu</summary>")
    assert '<nav aria-label="Sections">' in menu
    links = re.findall(r'<a href="([^"]+)"', menu)
    in_order = [s.get_absolute_url() for s in Section.objects.in_navigation()]
    assert links == ["/", *in_order, "/authors/"]
    assert set(in_order) == {s.get_absolute_url() for s in sections}
    assert ">Cyber &amp; Space</a>" in menu
    assert '<a href="/" aria-current="page">Home</a>' in menu
    # The menu's own search box, with a label of its own.
    assert 'action="/search/" method="get" role="search"' in menu
    assert '<label class="visually-hidden" for="menu-search-q">Search articles</label>' in menu
    assert 'id="menu-search-q" name="q"' in menu


def test_header_works_without_javascript(client, sections):
    ArticleFactory(section=sections[0])

    header = header_of(client.get("/").content.decode())

    assert "<script" not in header
    assert not re.search(r"<[^>]+\son[a-z]+=", header), "inline event handlers need JavaScript"
    # The desktop bar lists the same links as the menu.
    bar = re.search(r'<nav class="site-nav" aria-label="Sections">(.*?)</nav>', header, re.S)
    assert re.findall(r'<a href="([^"]+)"', bar.group(1)) == ["/", "/section/land/", "/authors/"]


def test_menu_marks_the_articles_section_as_current(client, sections):
    article = ArticleFactory(section=sections[1])
    ArticleFactory(section=sections[0])

    menu = menu_of(client.get(article.get_absolute_url()).content.decode())

    assert '<a href="/section/air/" aria-current="page">Air</a>' in menu
    assert menu.count("aria-current") == 1


def test_front_page_gives_only_the_lead_a_full_width_picture(client, sections):
    lead = ArticleFactory(section=sections[0], featured=True, lead_image=ImageFactory())
    for section in sections:
        ArticleFactory(section=section, lead_image=ImageFactory())

    html = client.get("/").content.decode()

    teasers = re.findall(r'<article class="teaser([^"]*)">(.*?)</article>', html, re.S)
    assert [variant for variant, _ in teasers].count(" teaser--lead") == 1
    lead_markup = next(body for variant, body in teasers if variant == " teaser--lead")
    assert lead.title in lead_markup
    assert 'sizes="(min-width: 60em) 38em, 100vw"' in lead_markup
    others = [body for variant, body in teasers if variant != " teaser--lead"]
    assert len(others) == 3
    for body in others:
        # Phones show these as rows with a thumbnail: they ask for a thumbnail's width.
        assert 'sizes="(min-width: 60em) 20em, (min-width: 40em) 45vw, 6.5rem"' in body
        assert 'loading="lazy"' in body
    assert all(
        variant == " teaser--compact" for variant, _ in teasers if variant != " teaser--lead"
    )


def long_article(sections):
    """A long feature as a newsroom publishes it: about 2,400 words with headings, a
    picture in the body, a quote and a table, two authors, tags and related articles."""
    fake = Faker("en_GB")
    fake.seed_instance(13)
    parts = []
    for n in range(36):
        if n % 9 == 4:
            parts.append(f"<h2>{fake.sentence(nb_words=6)}</h2>")
        parts.append(f"<p>{fake.paragraph(nb_sentences=6)} {fake.paragraph(nb_sentences=4)}</p>")
    parts.insert(
        6,
        '<figure class="image"><img src="/media/x.jpg" alt="A radar mast" width="1280" '
        'height="720"><figcaption>The radar mast on trials (Supplied: Navy)</figcaption></figure>',
    )
    parts.insert(12, f"<blockquote><p>{fake.paragraph(nb_sentences=3)}</p></blockquote>")
    rows = "".join(
        f"<tr><td>{fake.word().title()} system</td><td>{n * 12}</td></tr>" for n in range(8)
    )
    parts.append(f'<figure class="table"><table><tbody>{rows}</tbody></table></figure>')
    authors = [
        AuthorFactory(short_bio=fake.paragraph(nb_sentences=3)),
        AuthorFactory(short_bio=fake.paragraph(nb_sentences=3)),
    ]
    tags = ["Radar", "Procurement", "Air defence", "Navy"]
    for _ in range(4):
        ArticleFactory(section=sections[0], lead_image=ImageFactory(), authors=authors, tags=tags)
    return ArticleFactory(
        title="Navy's new radar can track a hundred targets at once, trials show",
        standfirst=fake.sentence(nb_words=24),
        body="".join(parts),
        section=sections[0],
        lead_image=ImageFactory(),
        authors=authors,
        tags=tags,
    )


def test_article_page_and_its_css_stay_under_30_kb_gzipped(client, sections):
    article = long_article(sections)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"\w+", article.body)) > 2000
    assert html.count('<article class="teaser') == 4  # the related articles are on the page
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    # The site's stylesheet and the body's, which CKEditor shares (article-content.css).
    assert stylesheets == [
        f"{settings.STATIC_URL}css/site.css",
        f"{settings.STATIC_URL}css/article-content.css",
    ]
    css = b"".join(
        Path(finders.find(href.removeprefix(settings.STATIC_URL))).read_bytes()
        for href in stylesheets
    )
    size = len(gzip.compress(response.content)) + len(gzip.compress(css))
    assert size < BUDGET, f"article HTML + CSS is {size} bytes gzipped, over {BUDGET}"


def test_stylesheet_loads_no_web_font(client):
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")

    # System font stacks (docs/decisions.md): no font file to download, nothing to swap.
    assert "@font-face" not in css
