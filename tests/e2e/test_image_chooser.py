"""The lead-image chooser in Chromium: search, pick by thumbnail, see it in the form, save;
and upload a new picture from inside the chooser, with a refusal a person understands."""

import pytest

from articles.models import Article
from media.models import Image
from tests.e2e.conftest import login_admin, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")


def picture(caption, credit, color, **kwargs):
    from django.core.files.base import ContentFile

    return ImageFactory(
        file=ContentFile(image_bytes(1200, 675, color=color), name="p.jpg"),
        caption=caption,
        credit=credit,
        alt_text=f"Alt: {caption}",
        **kwargs,
    )


def test_editor_searches_the_chooser_picks_a_thumbnail_and_saves_it(page, editor):
    jet = picture("A jet on the runway at dawn", "Photo: Air Force", (200, 120, 60))
    for n in range(3):
        picture(f"A satellite ground station ({n})", "Defence Blog graphics", (40, 60, 90))
    article = ArticleFactory(
        title="Air force receives new jets", lead_image=None, authors=[AuthorFactory()]
    )
    login_admin(page, "editor", "pw-editor-1")

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    assert page.locator(".image-chooser-empty").inner_text() == "No lead image chosen yet."
    page.click(".image-chooser-open")
    dialog = page.locator(".image-chooser-dialog[open]")
    dialog.locator(".image-chooser-choice").first.wait_for()
    assert dialog.locator(".image-chooser-choice").count() == 4
    page.fill("#chooser-q", "jet")
    page.click(".image-chooser-search button[type=submit]")
    page.wait_for_selector(".image-chooser-status:has-text('matching your search')")
    assert dialog.locator(".image-chooser-choice").count() == 1
    assert_dialog_accessible(page)
    screenshot(page, "image-chooser-search", full_page=False)

    dialog.locator(".image-chooser-choice img").first.click()  # the thumbnail itself
    page.wait_for_selector(".image-chooser-dialog", state="hidden")
    preview = page.locator(".image-chooser-preview")
    assert preview.is_visible()
    assert preview.get_attribute("src") == jet.src(640)
    assert page.locator('[data-field="caption"]').inner_text() == "A jet on the runway at dawn"
    assert page.locator('[data-field="credit"]').inner_text() == "Photo: Air Force"
    assert page.input_value("input[name=lead_image]") == str(jet.pk)
    page.locator(".field-lead_image").screenshot(path=str(screenshot_path("image-chooser-preview")))
    assert Article.objects.get(pk=article.pk).lead_image_id is None

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.get(pk=article.pk).lead_image_id == jet.pk
    assert page.locator('[data-field="credit"]').inner_text() == "Photo: Air Force"
    assert not page.console_errors


def test_editor_uploads_a_picture_from_inside_the_chooser(page, editor, tmp_path):
    small = tmp_path / "thumb.jpg"
    small.write_bytes(image_bytes(300, 200))
    good = tmp_path / "frigate.jpg"
    good.write_bytes(image_bytes(1600, 900, color=(30, 70, 120)))
    login_admin(page, "editor", "pw-editor-1")
    page.goto("/admin/articles/article/add/")
    page.click(".image-chooser-open")
    page.wait_for_selector(".image-chooser-dialog[open] #chooser-file")
    assert "The media library is empty" in page.locator(".image-chooser-status").inner_text()

    page.set_input_files("#chooser-file", str(small))
    page.fill("#chooser-alt_text", "A frigate leaves harbour")
    page.fill("#chooser-caption", "The new frigate on its first sea trial")
    page.fill("#chooser-credit", "Supplied: Navy")
    page.click(".image-chooser-upload button[type=submit]")
    error = page.locator(".image-chooser-upload .errorlist")
    error.wait_for()
    assert "a lead image must be at least 640 × 360" in error.inner_text()
    assert page.input_value("#chooser-caption") == "The new frigate on its first sea trial"
    screenshot(page, "image-chooser-upload-error", full_page=False)
    assert not Image.objects.exists()

    page.set_input_files("#chooser-file", str(good))
    page.click(".image-chooser-upload button[type=submit]")
    page.wait_for_selector(".image-chooser-dialog", state="hidden")
    image = Image.objects.get()
    assert (image.width, image.credit, image.uploaded_by) == (1600, "Supplied: Navy", editor)
    assert page.input_value("input[name=lead_image]") == str(image.pk)
    assert page.locator('[data-field="caption"]').inner_text() == (
        "The new frigate on its first sea trial"
    )
    assert not page.console_errors


def assert_dialog_accessible(page):
    """axe-core over the chooser dialog (the admin's own breadcrumbs are Django's)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=".image-chooser-dialog")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)


def screenshot_path(name):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
