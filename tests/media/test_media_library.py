"""The media library: where each image is used, no deleting an image in use, replacing a
file keeps its uses, and upload validation."""

import re

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from media import media_library
from media.models import Image
from tests.factories import ArticleFactory, ImageFactory, image_bytes, png_claiming

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:media_image_changelist")
ADD_URL = reverse("admin:media_image_add")


def change_url(image):
    return reverse("admin:media_image_change", args=[image.pk])


def delete_url(image):
    return reverse("admin:media_image_delete", args=[image.pk])


def inline_figure(image):
    """An inline picture as CKEditor stores it after an upload to the media library."""
    return (
        f'<figure class="image"><img src="{image.src(settings.INLINE_IMAGE_MAX_WIDTH)}" '
        f'srcset="{image.srcset()}" sizes="100vw" width="{image.width}" '
        f'height="{image.height}"></figure>'
    )


# --- Where an image is used -----------------------------------------------------------


def test_file_pattern_matches_the_original_and_renditions_only():
    pattern = re.compile(media_library.file_pattern("images/2026/11/tank.jpg"))
    assert pattern.search('src="/media/images/2026/11/tank.jpg"')
    assert pattern.search("/media/renditions/images/2026/11/tank.0123456789ab.webp 320w")
    assert not pattern.search("/media/images/2026/11/tank_Xy12ab.jpg")
    assert not pattern.search("/media/images/2026/11/tank.jpgx")
    assert not pattern.search("/media/images/2026/10/tank.jpg")


def test_image_page_lists_the_articles_that_use_it(editor_client):
    image = ImageFactory()
    ArticleFactory(title="Lead user", lead_image=image)
    ArticleFactory(title="Body user", body=f"<p>Text.</p>{inline_figure(image)}")
    ArticleFactory(title="Unrelated", lead_image=ImageFactory(), body="<p>images/picture</p>")
    html = editor_client.get(change_url(image)).content.decode()
    assert 'Lead user</a> <span class="quiet">(lead image)</span>' in html
    assert 'Body user</a> <span class="quiet">(body)</span>' in html
    assert "Unrelated" not in html


def test_unused_image_says_so(editor_client):
    image = ImageFactory()
    assert "Not used in any article." in editor_client.get(change_url(image)).content.decode()


def test_image_list_shows_uses_in_a_fixed_number_of_queries(editor_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(LIST_URL)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    image = ImageFactory()
    ArticleFactory(title="Uses the first picture", lead_image=image)
    small, html = count()
    assert "Uses the first picture" in html
    for _ in range(6):
        other = ImageFactory()
        ArticleFactory(lead_image=other, body=inline_figure(other))
    large, html = count()
    assert large == small
    assert html.count('class="used-in"') == 7


def test_image_list_is_searchable(editor_client):
    ImageFactory(caption="Howitzer firing at dusk")
    ImageFactory(caption="Frigate at anchor")
    html = editor_client.get(LIST_URL, {"q": "howitzer"}).content.decode()
    assert "Howitzer firing at dusk" in html and "Frigate at anchor" not in html


# --- Deleting -------------------------------------------------------------------------


def test_lead_image_in_use_is_not_deleted(editor_client):
    image = ImageFactory()
    ArticleFactory(title="Frigate launch", lead_image=image)
    page = editor_client.get(delete_url(image)).content.decode()
    assert "This image is in use, so it cannot be deleted." in page
    assert "Frigate launch" in page and "lead image" in page
    refused = editor_client.post(delete_url(image), {"post": "yes"})
    assert "cannot be deleted" in refused.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


def test_image_used_only_inside_a_body_is_not_deleted(editor_client):
    image = ImageFactory()
    ArticleFactory(title="Dock visit", body=f"<p>At the dock.</p>{inline_figure(image)}")
    page = editor_client.get(delete_url(image)).content.decode()
    assert "This image is in use" in page and "Dock visit" in page and "body" in page
    refused = editor_client.post(delete_url(image), {"post": "yes"})
    assert "cannot be deleted" in refused.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


def test_bulk_delete_deletes_nothing_while_any_image_is_in_use(editor_client):
    used, unused = ImageFactory(), ImageFactory()
    ArticleFactory(title="Still needs it", body=inline_figure(used))
    response = editor_client.post(
        LIST_URL,
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )
    html = response.content.decode()
    assert "Some of the selected images are in use, so nothing was deleted." in html
    assert "Still needs it" in html
    assert Image.objects.count() == 2


def test_unused_image_can_be_deleted(editor_client):
    image = ImageFactory()
    assert editor_client.post(delete_url(image), {"post": "yes"}).status_code == 302
    assert not Image.objects.exists()


# --- Replacing a file -----------------------------------------------------------------


def test_replacing_the_file_keeps_every_use(editor_client, django_capture_on_commit_callbacks):
    image = ImageFactory(file=SimpleUploadedFile("old.jpg", image_bytes(800, 600)))
    lead_user = ArticleFactory(lead_image=image)
    body_user = ArticleFactory(body=f"<p>Before.</p>{inline_figure(image)}<p>After.</p>")
    old_name = image.file.name
    new = SimpleUploadedFile("new.png", image_bytes(1600, 900, "PNG", (200, 30, 30)), "image/png")

    with django_capture_on_commit_callbacks(execute=True):  # the renditions task runs
        response = editor_client.post(
            change_url(image),
            {"file": new, "alt_text": image.alt_text, "caption": image.caption, "credit": "Army"},
            follow=True,
        )
    assert "replaces the old one in the body of 1 article" in response.content.decode()
    image.refresh_from_db()
    lead_user.refresh_from_db()
    body_user.refresh_from_db()
    assert Image.objects.count() == 1
    assert image.file.name != old_name and (image.width, image.height) == (1600, 900)
    assert lead_user.lead_image_id == image.pk
    stem = old_name.rsplit(".", 1)[0]
    assert stem not in body_user.body
    assert f'src="{image.src(settings.INLINE_IMAGE_MAX_WIDTH)}"' in body_user.body
    assert f'srcset="{image.srcset()}"' in body_user.body
    assert 'width="1280" height="720"' in body_user.body
    assert body_user.body.startswith("<p>Before.</p>") and body_user.body.endswith("<p>After.</p>")
    assert body_user.version == 2  # open forms on it are now stale
    assert default_storage.exists(image.w640.name)  # renditions made for the new file
    assert editor_client.get(body_user.get_absolute_url()).status_code == 200


# --- Upload validation ----------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "anim.gif"), ("WEBP", "photo.webp")])
def test_gif_and_webp_are_accepted(editor_client, fmt, name):
    upload = SimpleUploadedFile(name, image_bytes(300, 200, fmt))
    response = editor_client.post(ADD_URL, {"file": upload, "alt_text": "A test picture"})
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (300, 200)


def test_decompression_bomb_is_refused(editor_client):
    upload = SimpleUploadedFile("bomb.png", png_claiming(40_000, 40_000), "image/png")
    response = editor_client.post(ADD_URL, {"file": upload, "alt_text": "x"})
    assert response.status_code == 200
    assert "This image is too large to process safely" in response.content.decode()
    assert not Image.objects.exists()


@override_settings(MAX_IMAGE_PIXELS=1_000_000)
def test_image_over_the_pixel_limit_is_refused_before_decoding(editor_client):
    upload = SimpleUploadedFile("wide.png", png_claiming(2_000, 1_000), "image/png")
    response = editor_client.post(ADD_URL, {"file": upload, "alt_text": "x"})
    assert "2000 × 1000 pixels; images may have at most 1 million pixels" in (
        response.content.decode()
    )
    assert not Image.objects.exists()


def test_svg_is_refused_in_the_media_library(editor_client):
    upload = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    response = editor_client.post(ADD_URL, {"file": upload, "alt_text": "x"})
    assert "SVG files are not accepted" in response.content.decode()
    assert not Image.objects.exists()
