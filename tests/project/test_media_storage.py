"""Media on S3-compatible object storage (MEDIA_STORAGE=s3), against moto's S3 server on
127.0.0.1 (tests/storage_fixtures.py): uploads through the admin land in the bucket with
their renditions, reader pages point at the public base and cost no storage request,
renditions are public for a year, originals private when asked."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from articles.models import Article
from authors.models import Author
from core.storage import RENDITION_CACHE_CONTROL
from media.models import Image
from tests.factories import ArticleFactory, image_bytes
from tests.storage_fixtures import fetch
from tests.workflow_helpers import inline_management

pytestmark = pytest.mark.django_db


def committed():
    """Run what waits for the transaction's commit (the renditions' background task, which
    the tests' backend runs at once) when the block ends, as a real request's commit does."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def upload_image(staff_client, width=1600, height=900):
    upload = SimpleUploadedFile("tank.jpg", image_bytes(width, height), "image/jpeg")
    with committed():
        response = staff_client.post(
            reverse("admin:media_image_add"),
            {"file": upload, "alt_text": "A tank on a range", "caption": "Live firing"},
        )
    assert response.status_code == 302
    return Image.objects.get()


def upload_author(staff_client):
    data = {
        "name": "Ines Duarte",
        "slug": "ines-duarte",
        "role": "Defence Correspondent",
        "short_bio": "Covers the navy.",
        "is_active": "on",
        "photo": SimpleUploadedFile("ines.png", image_bytes(500, 500, "PNG"), "image/png"),
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    with committed():
        response = staff_client.post(reverse("admin:authors_author_add"), data)
    assert response.status_code == 302
    return Author.objects.get(slug="ines-duarte")


def test_admin_upload_stores_the_original_and_its_renditions_in_the_bucket(staff_client, s3_media):
    image = upload_image(staff_client)

    keys = s3_media.keys()
    assert image.file.name in keys
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", image.file.name)
    rendition_names = [name for _, name in image.rendition_names["srcset"]]
    rendition_names += [image.rendition_names[kind] for kind in Image.CROPS]
    assert rendition_names and set(rendition_names) <= set(keys)
    assert all(name.startswith("renditions/images/") for name in rendition_names)
    # Nothing was written to the local media folder.
    assert not (
        settings.MEDIA_ROOT and os.path.exists(os.path.join(settings.MEDIA_ROOT, image.file.name))
    )

    rendition = s3_media.head(rendition_names[0])
    assert rendition["CacheControl"] == RENDITION_CACHE_CONTROL
    assert rendition["ContentType"] == "image/webp"
    original = s3_media.head(image.file.name)
    assert original["CacheControl"].startswith("private")
    assert original["ContentType"] == "image/jpeg"


def test_reader_page_shows_renditions_at_the_public_base_and_they_are_public(
    client, staff_client, s3_media
):
    image = upload_image(staff_client)
    author = upload_author(staff_client)
    article = ArticleFactory(lead_image=image, authors=[author])

    html = client.get(article.get_absolute_url()).content.decode()

    srcset = re.search(r'srcset="([^"]+)"', html).group(1)
    urls = [part.split()[0] for part in srcset.split(", ")]
    assert urls and all(url.startswith(s3_media.public_url + "renditions/") for url in urls)
    assert all("X-Amz-" not in url for url in urls)  # plain, cacheable addresses
    assert author.photo.name.startswith("authors/") and author.photo.name in s3_media.keys()
    photo = author.photo_small.url
    assert photo.startswith(s3_media.public_url + "renditions/authors/") and photo in html
    assert image.file.name not in html  # the original's address is nowhere on the page

    status, headers, body = fetch(urls[-1])
    assert status == 200 and body[:4] == b"RIFF"  # WebP, straight from the bucket
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = fetch(photo)
    assert status == 200 and headers["Cache-Control"] == RENDITION_CACHE_CONTROL


def test_private_original_is_not_publicly_readable_but_staff_get_a_signed_url(
    staff_client, s3_media
):
    image = upload_image(staff_client)

    status, _, _ = fetch(s3_media.public_url + image.file.name)
    assert status == 403

    # The admin's image page links the original with a signed URL that works.
    html = staff_client.get(reverse("admin:media_image_change", args=[image.pk])).content
    links = re.findall(r'href="([^"]+)"', html.decode())
    signed = next(link for link in links if image.file.name in link).replace("&amp;", "&")
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=3600" in signed
    status, headers, body = fetch(signed)
    assert status == 200 and body[:2] == b"\xff\xd8"  # the JPEG itself
    assert headers["Cache-Control"].startswith("private")


def test_public_originals_are_readable_at_the_public_base(staff_client, s3_media):
    s3_media.public()
    image = upload_image(staff_client)

    url = image.file.url
    assert url == s3_media.public_url + image.file.name
    status, _, body = fetch(url)
    assert status == 200 and body[:2] == b"\xff\xd8"


def test_public_url_setting_names_the_address_readers_fetch_from(staff_client, s3_media):
    s3_media.public(public_url="https://media.example.org/")
    image = upload_image(staff_client)
    assert all(
        url.startswith("https://media.example.org/renditions/images/")
        for _, url in image.renditions()
    )


def test_reader_pages_make_no_storage_requests(client, staff_client, s3_media, s3_calls):
    image = upload_image(staff_client)
    author = upload_author(staff_client)
    article = ArticleFactory(lead_image=image, authors=[author], section__name="Navy")
    staff_client.logout()
    image = Image.objects.get(pk=image.pk)  # no object a view would not have
    assert s3_calls  # the uploads did reach the bucket through botocore

    s3_calls.clear()
    for path in (
        article.get_absolute_url(),
        "/",
        article.section.get_absolute_url(),
        author.get_absolute_url(),
    ):
        html = client.get(path).content.decode()
        assert s3_media.public_url + "renditions/" in html, path

    assert s3_calls == []


def test_editor_upload_goes_to_the_bucket_and_the_body_points_at_the_public_base(
    staff_client, s3_media
):
    upload = SimpleUploadedFile("dock.png", image_bytes(900, 600, "PNG"), "image/png")
    with committed():
        response = staff_client.post("/admin-upload/image/", {"upload": upload})
    assert response.status_code == 200
    urls = response.json()["urls"]
    image = Image.objects.get()
    assert image.file.name in s3_media.keys()
    # The editor is given the original while its renditions are made (a signed address:
    # originals are private); by then the task has run and made them in the bucket.
    assert (
        urls["default"].startswith(s3_media.server.endpoint_url)
        and image.file.name in urls["default"]
    )
    image.refresh_from_db()
    renditions = [url for _, url in image.renditions()]
    assert renditions and all(
        url.startswith(s3_media.public_url + "renditions/") for url in renditions
    )
    assert {url.removeprefix(s3_media.public_url) for url in renditions} <= set(s3_media.keys())

    # The article form takes the bucket's pictures as the site's own (not "another site").
    body = f'<figure class="image"><img src="{urls["default"]}" alt="A dock"></figure>'
    article = ArticleFactory()
    data = {
        "title": article.title,
        "slug": article.slug,
        "status": "draft",
        "body": body,
        **inline_management(),
    }
    response = staff_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    # Saved, the picture shows the public renditions, never the signed original.
    assert renditions[-1] in article.body and 'width="900"' in article.body
    assert "X-Amz-" not in article.body


def settings_from_env(**env):
    """Django's settings as a process started with `env` sees them."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'default': s.STORAGES['default'], 'media_url': s.MEDIA_URL, "
        "'img_src': [str(v) for v in s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]}))"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("S3_", "MEDIA_")) and k != "DJANGO_SETTINGS_MODULE"
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env={**base, "DJANGO_SETTINGS_MODULE": "defenceblog.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def test_settings_read_the_storage_environment():
    result = settings_from_env(
        MEDIA_STORAGE="s3",
        S3_BUCKET="newsroom",
        S3_ENDPOINT_URL="https://s3.example.net",
        S3_ACCESS_KEY_ID="AKIDEXAMPLE",
        S3_SECRET_ACCESS_KEY="secret",
        S3_PUBLIC_URL="https://cdn.example.org/media",
        S3_PRIVATE_ORIGINALS="1",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    options = found["default"]["OPTIONS"]
    assert found["default"]["BACKEND"] == "core.storage.MediaStorage"
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "newsroom",
        "https://s3.example.net",
        "us-east-1",
    )
    assert (options["access_key"], options["private_originals"]) == ("AKIDEXAMPLE", True)
    assert found["media_url"] == "https://cdn.example.org/media/"
    # Renditions come from the CDN; staff's signed originals from the endpoint.
    assert "https://cdn.example.org/media/" in found["img_src"]
    assert "https://s3.example.net/newsroom/" in found["img_src"]


def test_settings_default_to_the_local_folder_and_refuse_s3_without_a_bucket():
    local = settings_from_env()
    assert local.returncode == 0, local.stderr
    found = json.loads(local.stdout)
    assert found["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["media_url"] == "/media/"

    refused = settings_from_env(MEDIA_STORAGE="s3")
    assert refused.returncode != 0
    assert "MEDIA_STORAGE=s3 needs S3_BUCKET" in refused.stderr


def test_wordpress_import_stores_its_pictures_in_the_bucket_and_a_rerun_keeps_them(
    client, s3_media, tmp_path
):
    from tests.wordpress.exports import (
        counts_line,
        frigate_attachments,
        frigate_post,
        run_import,
        write_jpeg,
        wxr,
    )

    media_dir = tmp_path / "uploads"
    write_jpeg(media_dir / "2024/03/frigate.jpg", 1200, 800)
    write_jpeg(media_dir / "2024/03/crew.jpg", 640, 480, (120, 40, 40))
    export = tmp_path / "export.xml"
    export.write_text(wxr(*frigate_attachments(), frigate_post()), encoding="utf-8")

    with committed():
        run_import(export, "--media-dir", media_dir)

    images = list(Image.objects.order_by("import_id"))
    keys = s3_media.keys()
    assert len(images) == 2 and all(image.file.name in keys for image in images)
    article = Article.objects.get(import_id="101")
    html = client.get(article.get_absolute_url()).content.decode()
    assert s3_media.public_url + "renditions/images/" in html
    # Run again: the stored pictures are read back from the bucket and found unchanged.
    with committed():
        report, _ = run_import(export, "--media-dir", media_dir)
    assert counts_line(report, "attachments")[:3] == [0, 0, 2]
    assert s3_media.keys() == keys


def test_embed_posters_are_public_even_with_private_originals(s3_media):
    from django.core.files.base import ContentFile

    from embeds.models import Embed

    embed = Embed(url="https://www.youtube.com/watch?v=abc", title="Sea trials")
    embed.poster.save("poster", ContentFile(image_bytes(480, 360)), save=False)
    embed.save()

    url = embed.poster.url
    assert url == s3_media.public_url + embed.poster.name and "X-Amz-" not in url
    status, headers, _ = fetch(url)
    assert status == 200 and headers["Cache-Control"] == RENDITION_CACHE_CONTROL


def test_author_page_shares_the_photo_at_its_bucket_address(client, staff_client, s3_media):
    author = upload_author(staff_client)
    ArticleFactory(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="{author.photo_large.url}">' in html
    assert author.photo_large.url.startswith(s3_media.public_url)


@pytest.mark.parametrize(
    ("endpoint", "public", "expected"),
    [
        ("http://127.0.0.1:9000", "", "http://127.0.0.1:9000/media/"),
        ("", "", "https://media.s3.eu-west-1.amazonaws.com/"),
        (
            "https://x.r2.cloudflarestorage.com",
            "https://img.example.org",
            "https://img.example.org/",
        ),
        ("http://127.0.0.1:9000", "/media", "/media/"),  # a proxy location on the site itself
    ],
)
def test_public_base_url(endpoint, public, expected):
    from core.storage import public_base_url

    assert public_base_url(endpoint, "media", "eu-west-1", public) == expected
