from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from authors.models import Author, AuthorLink
from tests.factories import ArticleFactory, AuthorFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_author_page_shows_profile_links_and_only_published_articles(client):
    author = AuthorFactory(
        name="Mira Lindqvist",
        role="Naval Correspondent",
        short_bio="Reports on shipbuilding.",
        long_bio="First paragraph.\n\nSecond paragraph.",
    )
    AuthorLink.objects.create(author=author, label="Mastodon", url="https://example.social/@mira")
    ArticleFactory(title="Corvette sea trials begin", authors=[author])
    ArticleFactory(title="Unfinished draft", authors=[author], status="draft", published_at=None)

    response = client.get(author.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mira Lindqvist</h1>" in html and "Naval Correspondent" in html
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert 'href="https://example.social/@mira" rel="me noopener"' in html
    assert "Corvette sea trials begin" in html
    assert "Unfinished draft" not in html


def test_unknown_author_is_404(client):
    assert client.get("/author/nobody/").status_code == 404


def test_authors_index_lists_active_authors_with_published_work_only(client):
    active, former = AuthorFactory(name="Active Writer"), AuthorFactory(name="Former Writer")
    former.is_active = False
    former.save()
    ArticleFactory(authors=[active, former])
    unpublished = AuthorFactory(name="New Hire")
    ArticleFactory(authors=[unpublished], status="draft", published_at=None)
    ArticleFactory(authors=[unpublished], published_at=timezone.now() + timedelta(days=1))

    html = client.get(reverse("authors:list")).content.decode()

    assert "Active Writer" in html
    assert "Former Writer" not in html
    assert "New Hire" not in html  # only a draft and a scheduled story so far
    assert client.get(unpublished.get_absolute_url()).status_code == 200  # the page stays


def test_inactive_author_keeps_a_profile_page(client):
    author = AuthorFactory(is_active=False)
    assert client.get(author.get_absolute_url()).status_code == 200


def test_admin_adds_an_author_with_photo_and_link(staff_client):
    data = {
        "name": "Kofi Mensah",
        "slug": "kofi-mensah",
        "role": "Executive Editor",
        "short_bio": "Runs the newsroom.",
        "is_active": "on",
        "photo": SimpleUploadedFile("kofi.png", image_bytes(300, 300, "PNG"), "image/png"),
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-label": "Site",
        "links-0-url": "https://example.org/kofi",
        "links-0-position": "0",
    }
    response = staff_client.post(reverse("admin:authors_author_add"), data)
    assert response.status_code == 302
    author = Author.objects.get(slug="kofi-mensah")
    assert author.photo_width == 300 and author.links.get().url == "https://example.org/kofi"
    html = staff_client.get(reverse("admin:authors_author_changelist")).content.decode()
    assert 'class="admin-thumb"' in html


def test_admin_refuses_a_non_image_photo_and_a_javascript_link(staff_client):
    data = {
        "name": "Bad Data",
        "slug": "bad-data",
        "photo": SimpleUploadedFile("me.svg", b"<svg/>", "image/svg+xml"),
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-label": "Evil",
        "links-0-url": "javascript:alert(1)",
        "links-0-position": "0",
    }
    response = staff_client.post(reverse("admin:authors_author_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "SVG files are not accepted" in html
    assert "Enter a valid URL" in html
    assert not Author.objects.filter(slug="bad-data").exists()
