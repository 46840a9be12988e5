"""Renditions are made by a background task after an image is saved. Until it has run the
image is pending: pages show the original at a bounded size, with no storage call; the
task then fills the names, the pages (cached ones too) show the srcset, and a failure is
retried, then kept in the task results with the upload untouched."""

import os

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from media.figures import figure_html
from media.models import Image
from media.tasks import make_image_renditions
from tests.factories import ArticleFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASK_RESULTS = "/admin/django_tasks_database/dbtaskresult/"


def pending_image(width=2400, height=1600):
    from django.core.files.base import ContentFile

    return ImageFactory(
        file=ContentFile(image_bytes(width, height), name="big.jpg"), renditions=False
    )


def article_showing(image):
    return ArticleFactory(lead_image=image, body=f"<p>Text.</p>{figure_html(image)}")


@pytest.fixture
def no_storage_calls(monkeypatch):
    """Any look-up in the media storage fails the test (URLs are computed, not asked)."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"storage call on a page view: {args}")

    for name in ("exists", "open", "size", "listdir", "get_modified_time", "save", "path"):
        monkeypatch.setattr(FileSystemStorage, name, refuse)


def test_pending_image_shows_the_original_at_a_bounded_size_without_storage_calls(client, request):
    image = pending_image()
    article = article_showing(image)
    original = image.file.url
    assert image.is_pending
    assert not default_storage.exists(image.w640.name)

    request.getfixturevalue("no_storage_calls")
    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "/renditions/" not in html
    # The lead image: the original, with its size and the layout's sizes, so it is drawn
    # at the column's width (CSS max-width) without shifting the page.
    assert (
        f'<img src="{original}" srcset="{original} 2400w" '
        'sizes="(min-width: 62em) 58em, 100vw"' in html
    )
    assert 'width="2400" height="1600" loading="eager"' in html
    # The picture in the body: the original at the size its rendition will have.
    assert f'src="{original}" srcset="{original} 2400w"' in html
    assert 'width="1280" height="853"' in html
    # Sharing tags point at the original too, with its real size.
    assert f'<meta property="og:image" content="{settings.SITE_URL}{original}">' in html
    assert '<meta property="og:image:type" content="image/jpeg">' in html
    assert '<meta property="og:image:width" content="2400">' in html


def test_task_fills_the_renditions_and_the_cached_page_then_shows_the_srcset(client, settings):
    settings.PAGE_CACHE = True
    image = pending_image()
    article = article_showing(image)
    url = article.get_absolute_url()
    client.get(url)
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit" and "/renditions/" not in cached.content.decode()

    make_image_renditions.call(image.pk)  # what the worker runs

    image.refresh_from_db()
    assert not image.is_pending
    assert [w for w, _url in image.renditions()] == [320, 640, 960, 1280, 1920]
    assert all(default_storage.exists(name) for _w, name in image.rendition_names["srcset"])
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"  # the update made cached pages stale
    html = response.content.decode()
    assert f'srcset="{image.srcset()}"' in html
    assert f'<img src="{image.src()}"' in html and "320w" in html
    article.refresh_from_db()
    assert f'src="{image.src(1280)}" srcset="{image.srcset()}"' in article.body
    assert article.version == 1  # not an edit: an editor with it open is not interrupted
    assert image.crop_url("crop_16x9") in html


def test_task_is_safe_to_run_twice():
    image = pending_image(800, 600)
    make_image_renditions.call(image.pk)
    image.refresh_from_db()
    names = image.rendition_names
    paths = [default_storage.path(name) for _w, name in names["srcset"]]
    made = [os.path.getmtime(path) for path in paths]

    make_image_renditions.call(image.pk)

    image.refresh_from_db()
    assert image.rendition_names == names
    assert [w for w, _name in names["srcset"]] == [320, 640, 800]
    assert [os.path.getmtime(path) for path in paths] == made  # not made again


def test_task_for_a_deleted_image_does_nothing():
    image = pending_image(400, 300)
    pk = image.pk
    image.delete()
    make_image_renditions.call(pk)
    assert not Image.objects.exists()


def test_saving_again_keeps_the_renditions_and_a_new_file_makes_it_pending(
    django_capture_on_commit_callbacks,
):
    image = ImageFactory()
    names = image.rendition_names
    image.caption = "A new caption"
    with django_capture_on_commit_callbacks() as callbacks:
        image.save()
    image.refresh_from_db()
    assert image.rendition_names == names and not image.is_pending
    assert not any("make_image_renditions" in repr(c) for c in callbacks)

    from django.core.files.base import ContentFile

    image.file.save("other.jpg", ContentFile(image_bytes(700, 500)), save=False)
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
        assert Image.objects.get(pk=image.pk).is_pending  # until the commit
    image.refresh_from_db()
    assert not image.is_pending and image.rendition_names != names
    assert [w for w, _url in image.renditions()] == [320, 640, 700]


def test_saving_an_article_gives_pictures_written_while_pending_the_renditions():
    image = pending_image(1000, 500)
    article = ArticleFactory(body=figure_html(image))
    assert "/renditions/" not in article.body
    # The renditions arrive without the body being rewritten (say the article was open in
    # the editor then, and is saved from there now).
    names = image.generate_renditions()
    Image.objects.filter(pk=image.pk).update(rendition_names=names)
    image.refresh_from_db()

    article.body = article.body.replace("<figcaption>", "<figcaption>Edited. ")
    article.save()

    assert f'src="{image.src(1280)}"' in article.body
    assert f'srcset="{image.srcset()}"' in article.body
    assert image.file.url not in article.body


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
@override_settings(TASKS=DATABASE_TASKS)
def test_failing_renditions_are_retried_then_listed_as_failed_and_the_upload_kept(
    admin_client, client, monkeypatch
):
    from imagekit.cachefiles import ImageCacheFile

    generate = ImageCacheFile.generate

    def disk_full(self, force=False):
        raise OSError("disk full")

    monkeypatch.setattr(ImageCacheFile, "generate", disk_full)
    image = pending_image(900, 600)
    article = article_showing(image)
    assert DBTaskResult.objects.get().status == "READY"  # enqueued on commit, not run

    for _attempt in range(4):
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())

    assert DBTaskResult.objects.filter(status="FAILED").count() == 4  # every run, kept
    assert not DBTaskResult.objects.filter(status="READY").exists()  # then it gave up
    image.refresh_from_db()
    assert image.is_pending and default_storage.exists(image.file.name)  # upload kept
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and f'src="{image.file.url}"' in page.content.decode()
    listed = admin_client.get(f"{TASK_RESULTS}?status__exact=FAILED").content.decode()
    assert "media.tasks.make_image_renditions" in listed
    assert "OSError: disk full" in listed

    # Once the cause is fixed, the pending pictures are enqueued again and made.
    monkeypatch.setattr(ImageCacheFile, "generate", generate)
    call_command("make_renditions", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    image.refresh_from_db()
    assert not image.is_pending
    assert f'srcset="{image.srcset()}"' in client.get(article.get_absolute_url()).content.decode()
