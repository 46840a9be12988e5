"""Fragments kept across requests (core.fragments): with the page cache off, the article
page renders its body, bylines, corrections, author boxes, related teasers, sharing tags and
JSON-LD once, serves them to every anonymous reader, and renders them afresh after any
change; the navigation and footer are read once per content state."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Correction
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(
        title="Harbour sonar array switched on",
        body="<p>The array listens for <strong>forty</strong> kilometres.</p>",
        section=SectionFactory(name="Sea"),
        authors=[AuthorFactory(name="Iris Haldane", short_bio="Covers the navy.")],
        tags=["Sonar"],
    )


def html_of(response):
    return response.content.decode()


def without_nonce(html):
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


def test_a_second_reader_gets_the_same_page_from_one_query(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    first = html_of(client.get(url))
    with django_assert_num_queries(1):  # the article itself: 404s and redirects still work
        second = html_of(client.get(url))
    assert without_nonce(second) == without_nonce(first)
    assert "Harbour sonar array switched on" in second and "Covers the navy." in second


def test_cached_structured_data_carries_the_nonce_of_the_response_it_is_served_in(client, article):
    url = article.get_absolute_url()
    client.get(url)
    for _ in range(2):
        response = client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script type="application/ld+json" nonce="{nonce}">' in html_of(response)


@pytest.mark.parametrize(
    "change",
    [
        "edit the body",
        "publish a correction",
        "rename the author",
        "rename the tag",
        "rename the section",
    ],
)
def test_any_change_is_on_the_next_page_view(client, article, change):
    url = article.get_absolute_url()
    client.get(url)
    client.get(url)
    if change == "edit the body":
        article.body = "<p>The array listens for <strong>fourteen</strong> kilometres.</p>"
        article.save()
        expected = "fourteen"
    elif change == "publish a correction":
        Correction.objects.create(article=article, text="The range is fourteen kilometres.")
        expected = "The range is fourteen kilometres."
    elif change == "rename the author":
        author = article.bylines.get().author
        author.name = "Iris Haldane-Moss"
        author.save()
        expected = "Iris Haldane-Moss"
    elif change == "rename the tag":
        tag = article.tags.get()
        tag.name = "Sonar arrays"
        tag.save()
        expected = "Sonar arrays"
    else:
        article.section.name = "Naval"
        article.section.save()
        expected = "Naval"
    assert expected in html_of(client.get(url))


def test_unpublishing_ends_the_fragments_with_the_page(client, article):
    url = article.get_absolute_url()
    client.get(url)
    article.status = article.Status.DRAFT
    article.save()
    assert client.get(url).status_code == 404


def test_staff_pages_are_neither_served_from_nor_stored_as_fragments(staff_client, article):
    from django.test import Client

    def stored():
        return [key for key in cache._cache if ":fragment:" in key]  # locmem in tests

    url = article.get_absolute_url()
    staff_client.get(url)
    assert stored() == []
    Client().get(url)  # a reader
    assert stored()
    article.body = "<p>Edited by staff.</p>"
    article.save()
    assert "Edited by staff." in html_of(staff_client.get(url))


def test_a_failing_cache_renders_everything_afresh(client, article, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    url = article.get_absolute_url()
    client.get(url)
    from core import fragments
    from core.content_state import content_state

    fragments.forget()  # as in another process
    content_state.forget()
    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get(url)
    assert response.status_code == 200 and "Covers the navy." in html_of(response)


def test_a_new_section_reaches_the_navigation_on_the_next_page(client, article):
    client.get("/")
    ArticleFactory(section=SectionFactory(name="Cyber"))
    nav = html_of(client.get("/corrections/")).split('class="site-nav"')[1].split("</nav>")[0]
    assert "Cyber" in nav


def test_a_scheduled_article_reaches_the_navigation_when_its_time_comes(client, article):
    ArticleFactory(
        section=SectionFactory(name="Space"), published_at=timezone.now() + timedelta(hours=1)
    )
    assert "Space" not in html_of(client.get("/corrections/")).split("</header>")[0]
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=5)):
        assert "Space" in html_of(client.get("/corrections/")).split("</header>")[0]


# --- Every reader page keeps its header and footer (core.fragments.chrome) ----------------


def listing_urls(article):
    author, section = article.bylines.first().author, article.section
    return [
        "/",
        section.get_absolute_url(),
        "/tag/sonar/",
        author.get_absolute_url(),
        "/search/?q=sonar",
    ]


def current_links(html):
    nav = html.split('class="site-nav"')[1].split("</nav>")[0]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_listings_keep_their_header_and_footer_with_the_current_link_marked(client, article):
    section = article.section.get_absolute_url()
    current = {"/": ["/"], section: [section]}
    for _ in range(2):  # rendered, then kept
        for url in listing_urls(article):
            response = client.get(url)
            assert current_links(html_of(response)) == current.get(url, []), url
    names = [template.name for template in response.templates]
    assert "includes/section_links.html" not in names  # the header was kept


def test_a_section_or_footer_page_change_reaches_every_listings_header_and_footer(client, article):
    urls = listing_urls(article)
    for url in urls:
        client.get(url)
    article.section.name = "Naval forces"
    article.section.save()
    PageFactory(title="Ethics policy")
    for url in urls:
        html = html_of(client.get(url))
        header, footer = html.split("</header>")[0], html.split("<footer")[1]
        assert "Naval forces" in header and "Naval forces" in footer, url
        assert "Ethics policy" in footer, url


# --- The fragment names come from the template -------------------------------------------


def test_the_article_page_fetches_the_fragments_its_template_has():
    from core.fragments import template_fragment_names

    assert template_fragment_names("articles/article_detail.html") == {
        "description",
        "social",
        "feeds",
        "structured_data",
        "header",
        "content",
        "footer",
    }


def test_fragment_names_follow_extends_blocks_super_and_includes():
    from django.template import Engine

    from core.fragments import fragment_names

    templates = {
        "base.html": (
            '{% load fragments %}{% fragment "header" %}H{% endfragment %}'
            '{% block intro %}{% fragment "replaced" %}R{% endfragment %}{% endblock %}'
            '{% block side %}{% fragment "kept" %}K{% endfragment %}{% endblock %}'
            '{% block main %}{% endblock %}{% include "footer.html" %}'
        ),
        "footer.html": '{% load fragments %}{% fragment "footer" %}F{% endfragment %}',
        "page.html": (
            '{% extends "base.html" %}{% load fragments %}'
            '{% block intro %}{% fragment "intro" %}I{% endfragment %}{% endblock %}'
            "{% block side %}{{ block.super }}{% endblock %}"
            '{% block main %}{% if show %}{% fragment "body" %}B{% endfragment %}{% endif %}'
            "{% endblock %}"
            '{% block nowhere %}{% fragment "never shown" %}N{% endfragment %}{% endblock %}'
        ),
    }
    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", templates)],
        libraries={"fragments": "core.templatetags.fragments"},
    )
    names = fragment_names(engine.get_template("page.html"))
    assert names == {"header", "intro", "kept", "body", "footer"}
