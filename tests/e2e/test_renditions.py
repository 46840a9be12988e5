"""A picture whose renditions are still being made shows its original, drawn at the
column's width; once a worker has made them, the page shows the renditions."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings

from media.figures import figure_html
from tests.e2e.conftest import screenshot
from tests.factories import ArticleFactory, ImageFactory, image_bytes
from tests.helpers.browser import serve_media_from_disk

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def shot(page, name):
    screenshot(page, f"renditions-{name}", full_page=False)


def drawn(page, selector):
    return page.locator(selector).first.evaluate(
        "img => ({complete: img.complete, natural: img.naturalWidth, shown: img.clientWidth,"
        " src: img.currentSrc})"
    )


@override_settings(TASKS=DATABASE_TASKS)  # stored for a worker, not run at once
def test_pending_picture_shows_its_original_bounded_then_its_renditions(page):
    image = ImageFactory(
        file=ContentFile(image_bytes(2400, 1600, color=(30, 90, 140)), name="wide.jpg"),
        renditions=False,
    )
    article = ArticleFactory(
        title="Frigate returns from trials",
        lead_image=image,
        body=f"<p>The ship came back on Friday.</p>{figure_html(image)}<p>More soon.</p>",
    )
    serve_media_from_disk(page)

    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    lead = drawn(page, ".lead-figure img")
    inline = drawn(page, ".article-body img")
    for picture in (lead, inline):
        assert picture["complete"] and picture["natural"] > 0  # loaded, not broken
        assert "/media/images/" in picture["src"]  # the original
        assert 0 < picture["shown"] <= 1000  # drawn at the column's width, not 2400 px
    shot(page, "pending-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert 0 < drawn(page, ".article-body img")["shown"] <= 390
    shot(page, "pending-phone")

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.wait_for_load_state("networkidle")
    lead = drawn(page, ".lead-figure img")
    inline = drawn(page, ".article-body img")
    for picture in (lead, inline):
        assert picture["complete"] and picture["natural"] > 0
        assert "/media/renditions/" in picture["src"] and picture["src"].endswith(".webp")
    shot(page, "ready-desktop")
    assert page.console_errors == []
