"""The media library's permissions are the media app's (`media.add_image`…) since it left
the articles app, and the newsroom's groups hold them: editors manage the library,
contributors add and pick pictures but change no one's."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media.models import Image, TaggedImage
from tests.factories import ImageFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_image_content_types_belong_to_the_media_app():
    assert ContentType.objects.get_for_model(Image).app_label == "media"
    assert ContentType.objects.get_for_model(TaggedImage).app_label == "media"
    assert not ContentType.objects.filter(app_label="articles", model="image").exists()


def test_editor_holds_every_media_library_permission(editor):
    for action in ("add", "change", "delete", "view"):
        assert editor.has_perm(f"media.{action}_image")
    assert not editor.has_perm("articles.change_image")


def test_contributor_adds_and_views_images_but_changes_none(contributor, client):
    assert contributor.has_perm("media.add_image") and contributor.has_perm("media.view_image")
    assert not contributor.has_perm("media.change_image")
    image = ImageFactory()
    client.force_login(contributor)

    chooser = client.get(reverse("admin:media_image_chooser"))
    assert chooser.status_code == 200 and image.src(320) in chooser.content.decode()
    upload = SimpleUploadedFile("sea.jpg", image_bytes(800, 450), content_type="image/jpeg")
    added = client.post(
        reverse("admin:media_image_chooser_upload"), {"file": upload, "alt_text": "The sea"}
    )
    assert added.status_code == 201
    assert Image.objects.filter(alt_text="The sea", uploaded_by=contributor).exists()
    change = client.post(
        reverse("admin:media_image_change", args=[image.pk]), {"alt_text": "Changed"}
    )
    assert change.status_code == 403
    image.refresh_from_db()
    assert image.alt_text == "A patrol vessel at sea"
