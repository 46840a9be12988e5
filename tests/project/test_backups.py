"""Backups: the demo site is backed up, restored into a fresh database and media folder,
and every article, image file, report, correction and redirect comes back."""

import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, ArticleRedirect, Correction, Section
from authors.models import Author
from core.backups import CHECKSUMS, DUMP, MANIFEST, MEDIA
from feedback.models import ErrorReport
from media.models import Image
from tests.factories import ArticleFactory, ImageFactory
from tests.helpers.database import database_url, rows

# The backup is taken by pg_dump, in its own session: it sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

COMPARED_MODELS = [Article, Image, Author, Section, ErrorReport, Correction, ArticleRedirect]


def public_tables(dbname):
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=dbname) as c:
        return c.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]


def files(root):
    root = Path(root)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def demo_site():
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.published().first()
    ErrorReport.objects.create(
        article=article, kind="factual", quoted_text="44 vehicles", details="The notice says 54."
    )
    Correction.objects.create(article=article, text="An earlier version said 44 vehicles.")
    ArticleRedirect.objects.create(article=article, old_path="/2019/05/04/old-slug/")
    return article


def test_backup_restores_into_a_fresh_database_and_media_folder(
    demo_site, fresh_database, tmp_path
):
    backup_dir = tmp_path / "backups"
    call_command("backup", backup_dir=str(backup_dir), stdout=io.StringIO())

    (folder,) = backup_dir.iterdir()
    assert sorted(p.name for p in folder.iterdir()) == sorted([DUMP, MEDIA, MANIFEST, CHECKSUMS])
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["media_files"] == len(files(settings.MEDIA_ROOT)) > 0
    for name in (DUMP, MEDIA):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert manifest["sha256"][name] == digest
        assert f"{digest}  {name}" in (folder / CHECKSUMS).read_text()

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        str(folder),
        database_url=database_url(fresh_database),
        media_root=str(restored_media),
        stdout=io.StringIO(),
    )

    source = connection.settings_dict["NAME"]
    for model in COMPARED_MODELS:
        table = model._meta.db_table
        original = rows(source, table)
        assert original, f"no {table} rows to compare"
        assert rows(fresh_database, table) == original, table
    assert files(restored_media) == files(settings.MEDIA_ROOT)
    image_files = {image.file.name for image in Image.objects.all()}
    assert image_files <= set(files(restored_media))


@pytest.fixture
def small_site():
    """For the tests of refusals: a couple of articles with pictures is enough."""
    return ArticleFactory(lead_image=ImageFactory()), ArticleFactory(lead_image=ImageFactory())


def test_restore_refuses_a_database_or_media_folder_that_is_not_empty(
    small_site, fresh_database, tmp_path
):
    call_command("backup", backup_dir=str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.iterdir()
    media = tmp_path / "media"
    media.mkdir()
    (media / "keep.txt").write_text("an editor's file")

    with pytest.raises(CommandError, match="is not empty"):
        call_command(
            "restore", str(folder), database_url=database_url(fresh_database), media_root=str(media)
        )
    with pytest.raises(CommandError, match="has .* tables"):
        call_command("restore", str(folder), media_root=str(tmp_path / "empty"))

    assert (media / "keep.txt").read_text() == "an editor's file"
    assert public_tables(fresh_database) == 0  # nothing was restored

    call_command(
        "restore",
        str(folder),
        database_url=database_url(fresh_database),
        media_root=str(media),
        force=True,
        stdout=io.StringIO(),
    )
    assert not (media / "keep.txt").exists()
    assert len(rows(fresh_database, Article._meta.db_table)) == Article.objects.count()


def test_damaged_backup_is_refused(small_site, fresh_database, tmp_path):
    call_command("backup", backup_dir=str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.iterdir()
    with open(folder / MEDIA, "ab") as archive:
        archive.write(b"bit rot")

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command(
            "restore",
            str(folder),
            database_url=database_url(fresh_database),
            media_root=str(tmp_path / "media"),
        )


def test_a_backup_is_readable_by_its_owner_only(small_site, tmp_path):
    """It holds password hashes, sessions and two-factor secrets."""
    previous = os.umask(0o022)
    try:
        call_command("backup", backup_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    finally:
        os.umask(previous)
    (folder,) = (tmp_path / "backups").iterdir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    assert modes == dict.fromkeys([DUMP, MEDIA, MANIFEST, CHECKSUMS], 0o600)


def replace_media_archive(folder, add):
    """Write a new media archive with `add(archive)`, and checksums that match it."""
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        add(archive)
    digest = hashlib.sha256((folder / MEDIA).read_bytes()).hexdigest()
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["sha256"][MEDIA] = digest
    (folder / MANIFEST).write_text(json.dumps(manifest))
    (folder / CHECKSUMS).write_text(
        "".join(f"{value}  {name}\n" for name, value in manifest["sha256"].items())
    )


def add_file(name):
    def add(archive):
        info = tarfile.TarInfo(name)
        info.size = 5
        archive.addfile(info, io.BytesIO(b"owned"))

    return add


def add_link(archive):
    info = tarfile.TarInfo("images/passwd.jpg")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    archive.addfile(info)


@pytest.mark.parametrize(
    ("add", "message"),
    [
        (add_file("../escaped.txt"), "outside the media folder"),
        (add_file("/tmp/escaped.txt"), "outside the media folder"),  # noqa: S108
        (add_link, "a link or special file"),
    ],
)
def test_an_unsafe_media_archive_restores_nothing(
    small_site, fresh_database, tmp_path, add, message
):
    """Checksums that match are not enough: every entry is checked before anything is
    touched, and the database and media folder are left as they were."""
    call_command("backup", backup_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    replace_media_archive(
        folder, lambda archive: (add_file("images/ok.jpg")(archive), add(archive))
    )
    media = tmp_path / "site" / "media"
    media.mkdir(parents=True)
    (media / "keep.txt").write_text("an editor's file")

    with pytest.raises(CommandError, match=message):
        call_command(
            "restore",
            str(folder),
            database_url=database_url(fresh_database),
            media_root=str(media),
            force=True,
        )
    assert public_tables(fresh_database) == 0
    assert files(media) == {"keep.txt": hashlib.sha256(b"an editor's file").hexdigest()}
    assert not (tmp_path / "site" / "escaped.txt").exists()
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["media"]  # no leftovers


def test_a_dump_that_cannot_be_read_restores_nothing(small_site, fresh_database, tmp_path):
    call_command("backup", backup_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    dump = folder / DUMP
    dump.write_bytes(dump.read_bytes()[:200])  # cut short, with a checksum to match
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["sha256"][DUMP] = hashlib.sha256(dump.read_bytes()).hexdigest()
    (folder / MANIFEST).write_text(json.dumps(manifest))
    media = tmp_path / "media"
    media.mkdir()
    (media / "keep.txt").write_text("an editor's file")

    with pytest.raises(CommandError, match="cannot be read"):
        call_command(
            "restore",
            str(folder),
            database_url=database_url(fresh_database),
            media_root=str(media),
            force=True,
        )
    assert public_tables(fresh_database) == 0
    assert (media / "keep.txt").read_text() == "an editor's file"
