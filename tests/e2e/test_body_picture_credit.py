"""A picture uploaded in CKEditor gets its alt text and caption in the editor and its credit
in the form's "Pictures in the body" panel before the article is first saved; readers see
the credit in the figure's caption."""

import pytest

from media.models import Image
from tests.e2e.conftest import (
    ARTIFACTS,
    assert_accessible,
    choose_autocomplete,
    choose_image,
    login_admin,
)
from tests.factories import AuthorFactory, ImageFactory, SectionFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_credits_a_picture_uploaded_in_the_body(page, django_user_model, tmp_path):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")
    SectionFactory(name="Naval", slug="naval")
    AuthorFactory(name="Mira Lindqvist", slug="mira-lindqvist")
    ImageFactory(caption="The frigate at the quay", credit="Supplied: Navy")
    picture = tmp_path / "radar.jpg"
    picture.write_bytes(image_bytes(1200, 800, fmt="JPEG", color=(60, 90, 120)))

    login_admin(page, "editor", "pw-editor-1")
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("New radar mast for the frigates")
    page.fill("#id_standfirst", "The first ship gets it in the spring.")
    choose_autocomplete(page, "id_section", "Naval")
    choose_image(page, "frigate", "The frigate at the quay")
    assert page.locator(".body-pictures-empty").is_visible()

    page.locator(".ck-editor__editable").click()
    page.keyboard.type("The mast carries the new radar.")
    page.keyboard.press("Enter")
    page.set_input_files(".ck-file-dialog-button input[type=file]", str(picture))
    page.wait_for_selector(".ck-editor__editable img[src*='/media/images/']")
    page.get_by_role("button", name="Change image text alternative").click()
    page.locator(".ck-text-alternative-form input").fill("A grey radar mast on a frigate")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Toggle caption").click()
    page.keyboard.type("The new radar mast")

    row = page.locator(".body-picture")
    row.locator(".body-picture-caption", has_text="The new radar mast").wait_for()
    assert row.locator(".body-picture-alt").inner_text() == "A grey radar mast on a frigate"
    assert page.locator(".body-pictures-empty").is_hidden()
    row.get_by_label("Credit").fill("Photo: Mira Lindqvist")

    page.click("#bylines-group .add-row a")
    choose_autocomplete(page, "id_bylines-0-author", "Mira Lindqvist")
    page.select_option("#id_status", "published")
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Today").first.click()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").first.click()
    ARTIFACTS.mkdir(exist_ok=True)
    body = page.locator("fieldset", has=page.locator(".field-picture_credits"))
    body.screenshot(path=str(ARTIFACTS / "desk-body-picture-credit.png"))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    uploaded = Image.objects.get(uploaded_by__username="editor")
    assert uploaded.credit == "Photo: Mira Lindqvist"
    assert uploaded.alt_text == "A grey radar mast on a frigate"
    assert uploaded.caption == "The new radar mast"
    # After the save the panel comes from the server, with the credit in its box.
    assert page.locator(".body-picture").get_by_label("Credit").input_value() == (
        "Photo: Mira Lindqvist"
    )
    assert_accessible(page, ".field-picture_credits")

    page.goto("/")
    page.get_by_role("link", name="New radar mast for the frigates").first.click()
    caption = page.locator(".article-body figure.image figcaption")
    assert caption.inner_text() == "The new radar mast (Photo: Mira Lindqvist)"
    assert page.locator(".article-body figure.image img").get_attribute("alt") == (
        "A grey radar mast on a frigate"
    )
    assert not page.console_errors
