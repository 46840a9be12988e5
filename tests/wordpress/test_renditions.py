"""The importer stores originals only: the renditions are enqueued once the posts are
written, a worker makes them, and the imported posts then show them."""

from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage

from articles.models import Article
from media import renditions
from media.models import Image
from media.tasks import make_image_renditions
from tests.wordpress.exports import counts_line, frigate_attachments, frigate_post, run_import

pytestmark = pytest.mark.django_db


def test_import_enqueues_renditions_after_the_posts_and_they_reach_the_bodies(
    export_file, media_dir, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    schedule_on_commit = renditions.enqueue_on_commit

    def record(task, pk):  # what exists when each picture's run is enqueued
        def enqueue(pk):
            image = Image.objects.get(pk=pk)
            enqueued.append((image.import_id, Article.objects.count(), image.is_pending))
            return task.enqueue(pk)

        assert task is make_image_renditions
        schedule_on_commit(SimpleNamespace(enqueue=enqueue), pk)

    monkeypatch.setattr(renditions, "enqueue_on_commit", record)
    path = export_file(*frigate_attachments(), frigate_post())
    with django_capture_on_commit_callbacks() as callbacks:
        report, _ = run_import(path, "--media-dir", media_dir)

    # Imported: originals only, nothing enqueued yet (it waits for the commit).
    frigate = Image.objects.get(import_id="201")
    body = Article.objects.get(import_id="101").body
    assert enqueued == []
    assert frigate.is_pending
    assert not default_storage.exists(frigate.w640.name)
    assert "Renditions of 2 picture(s) enqueued" in report
    # The post shows the original meanwhile, at the size the renditions will have.
    assert f'src="{frigate.file.url}"' in body
    assert f'srcset="{frigate.file.url} 1200w"' in body
    assert "/renditions/" not in body

    for callback in callbacks:  # committed: the worker's turn (runs at once in tests)
        callback()

    assert sorted(enqueued) == [("201", 1, True), ("202", 1, True)]  # after the post
    frigate.refresh_from_db()
    assert not frigate.is_pending
    assert default_storage.exists(frigate.w640.name)
    body = Article.objects.get(import_id="101").body
    assert f'src="{frigate.src()}"' in body and "/renditions/" in frigate.src()
    assert f'srcset="{frigate.srcset()}"' in body
    assert 'width="1200" height="800"' in body  # the size given while pending still holds

    # Importing again finds nothing to change, and enqueues nothing.
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = run_import(path, "--media-dir", media_dir)
    assert counts_line(report, "posts")[:3] == [0, 0, 1]
    assert counts_line(report, "attachments")[:3] == [0, 0, 2]
    assert enqueued == []


def test_dry_run_enqueues_no_renditions(export_file, media_dir, django_capture_on_commit_callbacks):
    path = export_file(*frigate_attachments(), frigate_post())
    with django_capture_on_commit_callbacks() as callbacks:
        report, _ = run_import(path, "--media-dir", media_dir, "--dry-run")
    assert callbacks == []
    assert "Renditions of" not in report
