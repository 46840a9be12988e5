"""Backups with media in the bucket (MEDIA_STORAGE=s3): the backup archives the bucket's
objects, and a restore puts them back into an empty bucket with the site's headers and
ACLs (renditions public, originals private)."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from core.backups import MANIFEST, MEDIA
from core.storage import RENDITION_CACHE_CONTROL
from media.models import Image
from tests.factories import ArticleFactory, ImageFactory
from tests.helpers.database import database_url, rows
from tests.storage_fixtures import fetch

pytestmark = pytest.mark.django_db(transaction=True)


def contents(s3_media):
    client = s3_media.server.client()
    return {
        key: client.get_object(Bucket=s3_media.bucket, Key=key)["Body"].read()
        for key in s3_media.keys()
    }


def test_backup_archives_the_bucket_and_restore_fills_an_empty_one(
    s3_media,
    fresh_database,
    tmp_path,
):
    ArticleFactory(lead_image=ImageFactory())
    ArticleFactory(lead_image=ImageFactory())
    before = contents(s3_media)
    assert len(before) > 2  # originals and their renditions

    call_command("backup", backup_dir=str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.iterdir()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["media_files"] == len(before)
    assert manifest["media_from"] == f"s3://{s3_media.bucket}"
    with tarfile.open(folder / MEDIA) as archive:
        assert sorted(archive.getnames()) == sorted(before)

    s3_media.bucket = s3_media.server.create_bucket()  # the new site's empty bucket
    s3_media.configure(private_originals=True)
    out = io.StringIO()
    call_command("restore", str(folder), database_url=database_url(fresh_database), stdout=out)

    assert f"{len(before)} media files" in out.getvalue()
    assert contents(s3_media) == before
    assert len(rows(fresh_database, Article._meta.db_table)) == 2
    image = Image.objects.first()
    rendition = image.rendition_names["srcset"][0][1]
    assert s3_media.head(rendition)["CacheControl"] == RENDITION_CACHE_CONTROL
    assert fetch(s3_media.public_url + rendition)[0] == 200
    assert fetch(s3_media.public_url + image.file.name)[0] == 403  # still private


def test_restore_refuses_a_bucket_that_is_not_empty(s3_media, fresh_database, tmp_path):
    ArticleFactory(lead_image=ImageFactory())
    call_command("backup", backup_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    before = contents(s3_media)

    with pytest.raises(CommandError, match=f"media bucket '{s3_media.bucket}' is not empty"):
        call_command("restore", str(folder), database_url=database_url(fresh_database))
    assert contents(s3_media) == before

    # --media-root restores into a folder instead, leaving the bucket alone.
    call_command(
        "restore",
        str(folder),
        database_url=database_url(fresh_database),
        media_root=str(tmp_path / "media"),
        force=True,
        stdout=io.StringIO(),
    )
    restored = {
        p.relative_to(tmp_path / "media").as_posix(): p.read_bytes()
        for p in (tmp_path / "media").rglob("*")
        if p.is_file()
    }
    assert restored == before
