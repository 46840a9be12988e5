"""An author's photo gets its two square renditions from a background task; until then the
author's pages show the original photo (cropped to the same square by CSS)."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from authors.models import Author
from authors.tasks import make_photo_renditions
from tests.factories import AuthorFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


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


def test_a_new_photo_is_pending_again_and_an_unchanged_one_keeps_its_renditions(
    django_capture_on_commit_callbacks,
):
    """The "renditions pending" rule is the media library's (media.renditions.Pictures)."""
    author = AuthorFactory(photo=ContentFile(image_bytes(300, 300), name="me.jpg"))
    make_photo_renditions.call(author.pk)
    author.refresh_from_db()
    made = author.photo_renditions

    with django_capture_on_commit_callbacks(execute=True):
        author.role = "Defence editor"
        author.save()
    assert Author.objects.get(pk=author.pk).photo_renditions == made  # same photo: kept

    with django_capture_on_commit_callbacks(execute=True):
        author.photo = ContentFile(image_bytes(400, 400), name="new.jpg")
        author.save()
        assert author.photo_is_pending  # the old renditions are not shown for the new photo
        assert Author.objects.get(pk=author.pk).photo_renditions == {}
    author.refresh_from_db()  # the task ran once the save committed
    assert author.photo_renditions and author.photo_renditions != made


@override_settings(TASKS=DATABASE_TASKS)
def test_make_renditions_enqueues_pending_author_photos_and_library_images():
    author = AuthorFactory(photo=ContentFile(image_bytes(300, 300), name="me.jpg"))
    image = ImageFactory(file=ContentFile(image_bytes(), name="p.jpg"), renditions=False)
    AuthorFactory()  # no photo: nothing to make
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "Enqueued renditions for 1 images, 1 authors." in out.getvalue()
    rows = DBTaskResult.objects.values_list("task_path", "args_kwargs")
    queued = {(path, tuple(call["args"])) for path, call in rows}
    assert queued == {
        ("media.tasks.make_image_renditions", (image.pk,)),
        ("authors.tasks.make_photo_renditions", (author.pk,)),
    }
