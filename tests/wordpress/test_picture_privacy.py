"""The importer stores pictures like every other upload path (core.images): metadata and
anything appended to the file removed, decompression bombs refused with the reason."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from media.models import Image
from tests.factories import png_claiming
from tests.helpers.images import assert_clean, geotagged
from tests.wordpress.exports import SITE, frigate_attachments, frigate_post, run_import

pytestmark = pytest.mark.django_db


def test_imported_pictures_are_cleaned_and_bombs_refused(export_file, media_dir):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    (media_dir / "2024/03/frigate.jpg").write_bytes(geotagged("JPEG") + archive.getvalue())
    (media_dir / "2024/03/crew.jpg").write_bytes(png_claiming(40_000, 40_000))
    path = export_file(*frigate_attachments(), frigate_post())
    report, _ = run_import(path, "--media-dir", media_dir)
    frigate = Image.objects.get(import_id="201")
    with default_storage.open(frigate.file.name) as fh:
        data = fh.read()
    assert_clean(data, size=(400, 800))
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert not Image.objects.filter(import_id="202").exists()
    assert f"{SITE}/wp-content/uploads/2024/03/crew.jpg: unusable: This image is too" in report
    assert "million pixels" in report


def test_a_second_import_of_the_same_pictures_changes_nothing(export_file, media_dir):
    path = export_file(*frigate_attachments(), frigate_post())
    run_import(path, "--media-dir", media_dir)
    names = list(Image.objects.order_by("pk").values_list("file", flat=True))
    report, _ = run_import(path, "--media-dir", media_dir)
    assert list(Image.objects.order_by("pk").values_list("file", flat=True)) == names
    assert "attachments " in report
