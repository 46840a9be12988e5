"""Uploaded pictures never reveal where they were taken: metadata is stripped on every
upload path before the original is stored, renditions carry none either, originals cannot
be found from rendition addresses, and polyglots and decompression bombs never get in."""

import io
import zipfile
from pathlib import PurePosixPath

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage

from authors.models import Author
from core.images import is_random_name
from media.models import Image
from media.tasks import make_image_renditions
from tests.factories import ArticleFactory, AuthorFactory, image_bytes, png_claiming
from tests.helpers.images import assert_clean, geotagged
from tests.workflow_helpers import member

pytestmark = pytest.mark.django_db


def polyglot_png():
    """A PNG that is also a valid ZIP archive (the ZIP appended after the image)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    data = image_bytes(120, 80, "PNG") + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))
    return data


def stored(name):
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def renditions(image):
    specs = ["w320", "w640", "w960", "w1280", "w1920", *Image.CROPS]
    return {spec: getattr(image, spec) for spec in specs}


# --- Metadata ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, name", [("JPEG", "p.jpg"), ("PNG", "p.png"), ("WEBP", "p.webp")])
def test_uploaded_picture_and_every_rendition_lose_gps_exif_and_xmp(client, fmt, name):
    client.force_login(member("Editor", "eve"))
    upload = SimpleUploadedFile(name, geotagged(fmt))
    response = client.post(reverse("admin:media_image_add"), {"file": upload, "alt_text": "A tank"})
    assert response.status_code == 302
    image = Image.objects.get()
    # Turned upright (800 × 400 held sideways is 400 × 800), colour profile kept.
    assert (image.width, image.height) == (400, 800)
    assert_clean(stored(image.file.name), size=(400, 800))
    assert PILImage.open(io.BytesIO(stored(image.file.name))).format == fmt
    for spec, rendition in renditions(image).items():
        rendition.generate()
        data = stored(rendition.name)
        assert_clean(data, icc=False)  # renditions are converted to sRGB
        with PILImage.open(io.BytesIO(data)) as img:
            if spec.startswith("w"):
                assert img.height > img.width, f"{spec} is not upright"


def test_editor_upload_view_strips_metadata(client):
    client.force_login(member("Contributor", "cara"))
    upload = SimpleUploadedFile("p.jpg", geotagged("JPEG"))
    response = client.post(reverse("articles:editor_image_upload"), {"upload": upload})
    assert response.status_code == 200
    image = Image.objects.get()
    assert_clean(stored(image.file.name), size=(400, 800))
    for url in response.json()["urls"].values():
        assert "SpyCam" not in url
        assert_clean(stored(url.removeprefix("/media/")), icc=False)


def test_author_photo_strips_metadata(client):
    client.force_login(member("Editor", "eve"))
    author = AuthorFactory()
    response = client.get(reverse("admin:authors_author_change", args=[author.pk]))
    data = {
        "name": author.name,
        "slug": author.slug,
        "role": author.role,
        "short_bio": author.short_bio,
        "long_bio": "",
        "email": "",
        "is_active": "on",
        "photo": SimpleUploadedFile("me.webp", geotagged("WEBP", 300, 200)),
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:authors_author_change", args=[author.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    author.refresh_from_db()
    assert_clean(stored(author.photo.name), size=(200, 300))
    author.photo_small.generate()
    assert_clean(stored(author.photo_small.name), icc=False)


def test_a_file_saved_in_code_is_cleaned_too():
    """The WordPress importer and management commands call field_file.save() directly."""
    image = Image(alt_text="x")
    image.file.save("DSC_0001.jpg", File(io.BytesIO(geotagged("JPEG")), name="DSC_0001.jpg"))
    assert_clean(stored(image.file.name), size=(400, 800))


# --- Names ------------------------------------------------------------------------------


def test_original_name_cannot_be_derived_from_rendition_addresses():
    image = Image.objects.create(file=ContentFile(geotagged("JPEG"), name="secret-source.jpg"))
    make_image_renditions.call(image.pk)  # as the worker would, once the save commits
    image.refresh_from_db()
    original = PurePosixPath(image.file.name)
    assert is_random_name(image.file.name)
    assert "secret-source" not in image.file.name
    assert image.renditions() and not image.is_pending
    for _width, url in image.renditions():
        assert original.stem not in url
    assert original.stem not in image.crop_16x9.url
    # Two uploads of the same file get unrelated names.
    again = Image.objects.create(file=ContentFile(geotagged("JPEG"), name="secret-source.jpg"))
    assert again.file.name != image.file.name


# --- Polyglots and bombs, on every path -------------------------------------------------


def test_polyglot_is_re_encoded_in_the_media_library(client):
    client.force_login(member("Editor", "eve"))
    upload = SimpleUploadedFile("p.png", polyglot_png())
    response = client.post(reverse("admin:media_image_add"), {"file": upload, "alt_text": "x"})
    assert response.status_code == 302
    data = stored(Image.objects.get().file.name)
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert b"payload.html" not in data


def test_polyglot_is_re_encoded_by_the_editor_upload(client):
    client.force_login(member("Contributor", "cara"))
    upload = SimpleUploadedFile("p.png", polyglot_png())
    response = client.post(reverse("articles:editor_image_upload"), {"upload": upload})
    assert response.status_code == 200
    assert not zipfile.is_zipfile(io.BytesIO(stored(Image.objects.get().file.name)))


def test_polyglot_saved_in_code_is_re_encoded():
    author = AuthorFactory()
    author.photo.save("p.png", File(io.BytesIO(polyglot_png()), name="p.png"))
    assert not zipfile.is_zipfile(io.BytesIO(stored(author.photo.name)))


BOMB_MESSAGE = "million pixels"


def test_bomb_is_refused_by_the_editor_upload_with_a_message(client):
    client.force_login(member("Contributor", "cara"))
    upload = SimpleUploadedFile("b.png", png_claiming(40_000, 40_000))
    response = client.post(reverse("articles:editor_image_upload"), {"upload": upload})
    assert response.status_code == 400
    assert BOMB_MESSAGE in response.json()["error"]["message"]
    assert not Image.objects.exists()


def test_bomb_is_refused_as_an_author_photo_with_a_message(client):
    client.force_login(member("Editor", "eve"))
    response = client.post(
        reverse("admin:authors_author_add"),
        {
            "name": "A Person",
            "slug": "a-person",
            "photo": SimpleUploadedFile("b.png", png_claiming(40_000, 40_000)),
            "is_active": "on",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert BOMB_MESSAGE in str(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.exists()


def test_bomb_saved_in_code_is_refused_with_a_message():
    image = Image(alt_text="x")
    with pytest.raises(ValidationError, match=BOMB_MESSAGE):
        image.file.save("b.png", File(io.BytesIO(png_claiming(40_000, 40_000)), name="b.png"))
    assert not image.file  # nothing was stored or assigned


# --- Pictures stored before cleaning ----------------------------------------------------


def test_clean_images_command_cleans_renames_and_repoints_article_bodies(
    capsys, django_capture_on_commit_callbacks
):
    legacy = default_storage.save("images/2024/01/tank.jpg", ContentFile(geotagged("JPEG")))
    image = Image.objects.create(file=ContentFile(image_bytes(), name="x.jpg"))
    Image.objects.filter(pk=image.pk).update(file=legacy, width=800, height=400)
    body = (
        f'<p>Text.</p><figure class="image"><img src="/media/{legacy}" '
        'srcset="/media/renditions/images/2024/01/tank.0123456789ab.webp 320w" '
        'width="800" height="400"></figure>'
    )
    article = ArticleFactory(body=body)

    with django_capture_on_commit_callbacks(execute=True):  # the renditions task runs
        call_command("clean_images")

    image.refresh_from_db()
    assert is_random_name(image.file.name)
    assert (image.width, image.height) == (400, 800)
    assert_clean(stored(image.file.name), size=(400, 800))
    assert not default_storage.exists(legacy)  # the geotagged original is gone
    article.refresh_from_db()
    assert "tank" not in article.body
    assert image.src(1280) in article.body
    assert default_storage.exists(image.w320.name)
    assert "Cleaned 1 picture," in capsys.readouterr().out

    name = image.file.name
    call_command("clean_images")
    image.refresh_from_db()
    assert image.file.name == name
    assert "Cleaned 0 pictures, 1 already clean" in capsys.readouterr().out
