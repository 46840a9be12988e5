"""An author's photo gets its two square renditions from a background task; until then the
author's pages show the original photo (cropped to the same square by CSS)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from authors.models import Author
from authors.tasks import make_photo_renditions
from tests.factories import AuthorFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_photo_is_pending_until_the_task_runs_then_the_pages_show_its_renditions(
    client, django_capture_on_commit_callbacks
):
    author = AuthorFactory(photo=ContentFile(image_bytes(900, 600), name="me.jpg"))
    with django_capture_on_commit_callbacks() as callbacks:
        author.save()  # as the admin does
    assert author.photo_is_pending
    assert not default_storage.exists(author.photo_small.name)
    html = client.get(author.get_absolute_url()).content.decode()
    assert f'<img class="profile-photo" src="{author.photo.url}"' in html
    assert 'width="200" height="200"' in html and "/renditions/" not in html

    for callback in callbacks:  # committed: the task runs (at once, in tests)
        callback()

    author = Author.objects.get(pk=author.pk)
    assert not author.photo_is_pending
    assert default_storage.exists(author.photo_renditions["large"])
    html = client.get(author.get_absolute_url()).content.decode()
    assert f'<img class="profile-photo" src="{author.photo_large_url}"' in html
    assert "/renditions/" in author.photo_large_url and author.photo.url not in html


def test_photo_task_is_safe_twice_and_leaves_an_author_without_photo_alone():
    author = AuthorFactory(photo=ContentFile(image_bytes(300, 300), name="me.jpg"))
    make_photo_renditions.call(author.pk)
    make_photo_renditions.call(author.pk)
    author.refresh_from_db()
    assert set(author.photo_renditions) == {"small", "large"}
    plain = AuthorFactory()
    make_photo_renditions.call(plain.pk)
    plain.refresh_from_db()
    assert plain.photo_renditions == {} and plain.photo_small_url == ""


def test_a_replaced_photo_gets_renditions_of_its_own(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        author = AuthorFactory(photo=ContentFile(image_bytes(300, 300), name="old.jpg"))
    author.refresh_from_db()
    old = author.photo_renditions["small"]
    author.photo = ContentFile(image_bytes(500, 400), name="new.jpg")
    with django_capture_on_commit_callbacks() as callbacks:
        author.save()
    assert author.photo_is_pending  # until the task, enqueued for after the commit, runs
    for callback in callbacks:
        callback()
    author.refresh_from_db()
    assert author.photo_renditions["small"] not in ("", old)
    assert default_storage.exists(author.photo_renditions["small"])
