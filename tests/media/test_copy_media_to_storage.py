"""`manage.py copy_media_to_storage`: an existing local media folder goes into the bucket
under the same names, with the site's headers and ACLs; a second run copies nothing; article
bodies are pointed at the bucket's public address."""

import os
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from articles.models import Article
from core.storage import RENDITION_CACHE_CONTROL
from tests.factories import ArticleFactory, image_bytes
from tests.storage_fixtures import fetch

pytestmark = pytest.mark.django_db

ORIGINAL = "images/2026/11/" + "a" * 32 + ".jpg"
RENDITION = "renditions/images/2026/11/" + "b" * 32 + ".0123456789ab.webp"
PHOTO = "authors/2026/" + "c" * 32 + ".png"


@pytest.fixture
def media_folder(tmp_path):
    files = {
        ORIGINAL: image_bytes(200, 100),
        RENDITION: image_bytes(64, 32, "WEBP"),
        PHOTO: image_bytes(50, 50, "PNG"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / ".DS_Store").write_bytes(b"junk")  # hidden files stay behind
    return tmp_path


def copy(*args):
    out = StringIO()
    call_command("copy_media_to_storage", *args, stdout=out)
    return out.getvalue()


def test_copies_the_folder_with_the_sites_headers_and_acls(media_folder, s3_media):
    output = copy("--source", str(media_folder))

    assert "Copied 3 files, replaced 0" in output and "skipped 0" in output
    assert s3_media.keys() == sorted([ORIGINAL, RENDITION, PHOTO])
    assert s3_media.head(RENDITION)["CacheControl"] == RENDITION_CACHE_CONTROL
    assert s3_media.head(RENDITION)["ContentType"] == "image/webp"
    assert s3_media.head(ORIGINAL)["ContentType"] == "image/jpeg"
    status, headers, body = fetch(s3_media.public_url + RENDITION)
    assert status == 200 and body == (media_folder / RENDITION).read_bytes()
    assert fetch(s3_media.public_url + ORIGINAL)[0] == 403  # S3_PRIVATE_ORIGINALS


def test_a_second_run_copies_nothing_and_a_changed_file_is_replaced(
    media_folder, s3_media, s3_calls
):
    copy("--source", str(media_folder))
    s3_calls.clear()

    again = copy("--source", str(media_folder))

    assert "Copied 0 files, replaced 0 that differed (0 bytes), skipped 3" in again
    assert s3_calls == ["ListObjectsV2"]  # one listing, no upload

    (media_folder / PHOTO).write_bytes(image_bytes(60, 60, "PNG"))
    changed = copy("--source", str(media_folder))
    assert "Copied 0 files, replaced 1" in changed and "skipped 2" in changed
    assert fetch(storages["default"].signed_url(PHOTO))[2] == (media_folder / PHOTO).read_bytes()


def test_a_large_file_the_site_uploaded_in_parts_is_recognised(tmp_path, s3_media):
    data = os.urandom(9 * 1024 * 1024)  # above boto3's 8 MB multipart threshold
    name = storages["default"].save("imports/2026/" + "d" * 32 + ".gif", ContentFile(data))
    assert "-" in s3_media.head(name)["ETag"]  # a multipart ETag, not the MD5
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_bytes(data)

    output = copy("--source", str(tmp_path))

    assert "Copied 0 files" in output and "skipped 1" in output


def test_dry_run_changes_nothing(media_folder, s3_media):
    output = copy("--source", str(media_folder), "--dry-run")
    assert output.startswith("Dry run: Copied 3 files")
    assert s3_media.keys() == []


def test_article_bodies_are_pointed_at_the_bucket(media_folder, s3_media, settings):
    old = (
        f'<figure class="image"><img src="/media/{RENDITION}" srcset="/media/{RENDITION} 320w, '
        f'{settings.SITE_URL}/media/{RENDITION} 640w" alt="x" width="64" height="32"></figure>'
        '<p><a href="/media/images/2026/11/scan.pdf">The order</a> <a href="/about/">About</a></p>'
    )
    article = ArticleFactory(body=old)
    untouched = ArticleFactory(body="<p>No pictures.</p>")
    version = Article.objects.get(pk=article.pk).version

    output = copy("--source", str(media_folder))

    assert "Pointed 1 article bodies at " + s3_media.public_url in output
    article.refresh_from_db()
    base = s3_media.public_url
    assert f'src="{base}{RENDITION}"' in article.body
    assert f'srcset="{base}{RENDITION} 320w, {base}{RENDITION} 640w"' in article.body
    assert f'href="{base}images/2026/11/scan.pdf"' in article.body
    assert 'href="/about/"' in article.body and "/media/" not in article.body
    assert article.version == version + 1
    assert Article.objects.get(pk=untouched.pk).body == "<p>No pictures.</p>"
    # Run again: nothing left to point anywhere.
    assert "Pointed 0 article bodies" in copy("--source", str(media_folder))


def test_refused_while_media_is_the_local_folder(media_folder):
    with pytest.raises(CommandError, match="MEDIA_STORAGE=s3"):
        copy("--source", str(media_folder))


def test_refused_for_a_missing_folder(tmp_path, s3_media):
    with pytest.raises(CommandError, match="is not a folder"):
        copy("--source", str(tmp_path / "nowhere"))
