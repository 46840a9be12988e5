"""A reader opens an article imported from WordPress, in real Chromium: the caption figure,
the gallery and the video link read well, the page passes axe, and the old WordPress
address lands on the new one."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.e2e.conftest import assert_accessible, screenshot
from tests.helpers.media import serve_media_from_disk
from tests.wordpress.exports import (
    SITE,
    frigate_attachments,
    frigate_post,
    item,
    write_jpeg,
    wxr,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def imported(tmp_path):
    uploads = tmp_path / "uploads"
    write_jpeg(uploads / "2024/03/frigate.jpg", 1600, 1000, (50, 80, 120))
    write_jpeg(uploads / "2024/03/crew.jpg", 1200, 800, (140, 60, 50))
    export = tmp_path / "export.xml"
    export.write_text(
        wxr(
            *frigate_attachments(),
            frigate_post(link=f"{SITE}/news/frigate-leaves-harbour/"),
            item(102, name="older-story", title="Shipyard hires two hundred welders"),
        )
    )
    call_command(
        "import_wordpress",
        str(export),
        "--media-dir",
        str(uploads),
        "--section-map",
        "defence=News",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return Article.objects.get(import_id="101")


def test_reader_sees_an_imported_article_with_its_figures_and_links(page, imported):
    serve_media_from_disk(page)
    page.goto(imported.get_absolute_url())
    assert page.locator("h1").inner_text() == "Frigate leaves harbour"

    caption = page.locator(".article-body figure.image figcaption").first
    assert caption.inner_text() == "The frigate passes the breakwater (Photo: Navy Press Office)"
    assert page.locator(".article-body figure.image").count() == 3
    first_picture = page.locator(".article-body figure.image img").first
    first_picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first_picture.element_handle()
    )
    video = page.get_by_role("link", name="https://www.youtube.com/watch?v=abc123XYZ")
    assert video.get_attribute("href") == "https://www.youtube.com/watch?v=abc123XYZ"
    assert page.locator(".article-body script").count() == 0
    assert not page.console_errors

    assert_accessible(page)
    screenshot(page, "wordpress-import-article")


def test_old_wordpress_address_lands_on_the_new_one(page, imported):
    response = page.goto("/news/frigate-leaves-harbour/")
    assert response.ok
    assert page.url.endswith(imported.get_absolute_url())
    assert page.locator("h1").inner_text() == "Frigate leaves harbour"
