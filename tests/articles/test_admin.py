import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from media.models import Image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    image_bytes,
)
from tests.workflow_helpers import inline_management

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin-upload/image/"


def test_editor_adds_an_article_with_byline_tags_and_lead_image(staff_client):
    section, author, image = SectionFactory(), AuthorFactory(), ImageFactory()
    existing = Tag.objects.create(name="Submarines", slug="submarines")
    data = {
        "title": "New submarine class ordered",
        "slug": "new-submarine-class-ordered",
        "standfirst": "Four boats, first delivery in 2031.",
        "section": section.pk,
        "lead_image": image.pk,
        "body": '<p>Contract signed.</p><script>alert("x")</script>',
        "tags": [existing.pk],
        "new_tags": "Shipbuilding, Baltic Sea",
        "status": "published",
        "published_at_0": "2026-01-10",
        "published_at_1": "09:00:00",
        **inline_management(total=1),
        "bylines-0-author": author.pk,
        "bylines-0-position": "0",
    }

    response = staff_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="new-submarine-class-ordered")
    assert article.body == "<p>Contract signed.</p>"
    assert article.byline_authors == [author]
    assert sorted(article.tags.names()) == ["Baltic Sea", "Shipbuilding", "Submarines"]
    assert staff_client.get(article.get_absolute_url()).status_code == 200


def test_admin_refuses_a_second_article_with_the_same_slug_that_day(staff_client):
    existing = ArticleFactory(slug="tank-deal")
    day = timezone.localtime(existing.published_at)  # the form's times are the newsroom's
    data = {
        "title": "Tank deal again",
        "slug": "tank-deal",
        "status": "published",
        "published_at_0": day.strftime("%Y-%m-%d"),
        "published_at_1": "23:59:00" if day.hour < 23 else "00:00:00",
        "body": "<p>x</p>",
        **inline_management(),
    }
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "already uses this address" in response.content.decode()


def test_a_picture_from_another_site_is_refused_with_the_text_kept(staff_client):
    image = ImageFactory()
    data = {
        "title": "Radar picture",
        "slug": "radar-picture",
        "status": "draft",
        "body": '<p>Words kept.</p><img src="https://elsewhere.example/radar.jpg" alt="">',
        **inline_management(),
    }
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The body shows a picture from another site (elsewhere.example)" in html
    assert "Words kept." in html and not Article.objects.filter(slug="radar-picture").exists()

    data["body"] = f'<p>Words kept.</p><img src="{image.file.url}" alt="Radar">'
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert Article.objects.filter(slug="radar-picture").exists()


def test_article_change_form_renders_ckeditor_and_autocompletes(staff_client):
    article = ArticleFactory(tags=["NATO"])
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "django_ckeditor_5/dist/bundle.js" in html
    assert 'data-upload-url="/admin-upload/image/"' in html
    assert html.count("admin-autocomplete") >= 2  # section, tags (+ byline rows)
    assert 'class="image-chooser"' in html  # the lead image has its chooser
    assert "View on site" in html


def test_admin_pages_allow_exactly_what_ckeditor_needs(staff_client):
    policy = staff_client.get(reverse("admin:articles_article_add"))["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "style-src-attr 'unsafe-inline'" in policy
    assert (
        "script-src 'self'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )


def test_article_changelist_runs_a_fixed_number_of_queries(staff_client, django_assert_num_queries):
    authors = [AuthorFactory(), AuthorFactory()]
    for _ in range(3):
        ArticleFactory(lead_image=ImageFactory(), authors=authors)
    staff_client.get(reverse("admin:articles_article_changelist"))  # warm the session

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("admin:articles_article_changelist")).status_code == 200
        return len(ctx)

    small = count()
    for _ in range(6):
        ArticleFactory(lead_image=ImageFactory(), authors=authors)
    assert count() == small


def test_editor_upload_stores_a_media_library_image_and_answers_renditions(
    staff_client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("tank.png", image_bytes(800, 600, "PNG"), "image/png")
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(UPLOAD_URL, {"upload": upload})
    assert response.status_code == 200
    payload = response.json()
    image = Image.objects.get()
    assert image.width == 800 and image.uploaded_by == staff_client.user
    # The renditions are made in the background: the editor gets the original meanwhile,
    # under its own width, and the task is enqueued once the upload has committed.
    assert image.is_pending
    assert payload["urls"] == {"default": image.file.url, "800": image.file.url}

    for callback in callbacks:  # the upload commits: the task runs (at once, in tests)
        callback()
    image.refresh_from_db()
    assert [w for w, _url in image.renditions()] == [320, 640, 800]
    assert image.renditions()[1][1].endswith(".webp")


def test_editor_upload_is_refused_for_anonymous_and_non_staff(client, django_user_model):
    upload = SimpleUploadedFile("a.png", image_bytes(fmt="PNG"), "image/png")
    assert client.post(UPLOAD_URL, {"upload": upload}).status_code == 403
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    upload.seek(0)
    assert client.post(UPLOAD_URL, {"upload": upload}).status_code == 403
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"not an image at all", "not an image we can read"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG files are not accepted"),
        ("cut.jpg", image_bytes(400, 300)[:200], "not an image we can read"),
        ("scan.tiff", image_bytes(fmt="TIFF"), "upload a JPEG, PNG, WebP or GIF"),
    ],
)
def test_editor_upload_rejects_bad_files_with_a_clear_message(staff_client, name, content, message):
    response = staff_client.post(UPLOAD_URL, {"upload": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not Image.objects.exists()


@override_settings(MAX_IMAGE_UPLOAD_BYTES=1000)
def test_editor_upload_rejects_files_over_the_size_limit(staff_client):
    upload = SimpleUploadedFile("big.png", image_bytes(300, 300, "PNG") + b"\0" * 2000)
    response = staff_client.post(UPLOAD_URL, {"upload": upload})
    assert response.status_code == 400
    assert "images may be at most 1000" in response.json()["error"]["message"]


@override_settings(MAX_IMAGE_PIXELS=10_000)
def test_editor_upload_rejects_too_many_pixels(staff_client):
    upload = SimpleUploadedFile("wide.png", image_bytes(200, 200, "PNG"))
    response = staff_client.post(UPLOAD_URL, {"upload": upload})
    assert response.status_code == 400
    assert "200 × 200 pixels" in response.json()["error"]["message"]


def test_image_admin_explains_a_refused_upload_and_accepts_a_good_one(staff_client):
    bad = SimpleUploadedFile("x.jpg", b"garbage", "image/jpeg")
    response = staff_client.post(reverse("admin:media_image_add"), {"file": bad, "alt_text": "x"})
    assert response.status_code == 200
    assert "This file is not an image we can read." in response.content.decode()
    assert "Upload a valid image" not in response.content.decode()

    good = SimpleUploadedFile("ok.jpg", image_bytes(120, 80), "image/jpeg")
    response = staff_client.post(
        reverse("admin:media_image_add"),
        {"file": good, "alt_text": "A tank", "caption": "On exercise", "credit": "Army"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (120, 80, staff_client.user)


def test_image_and_author_lists_show_thumbnails(staff_client):
    ImageFactory()
    html = staff_client.get(reverse("admin:media_image_changelist")).content.decode()
    assert 'class="admin-thumb"' in html


def test_image_rendition_failure_never_loses_the_upload(
    staff_client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from imagekit.cachefiles import ImageCacheFile

    def explode(self, force=False):
        raise OSError("disk full")

    monkeypatch.setattr(ImageCacheFile, "generate", explode)
    upload = SimpleUploadedFile("ok.png", image_bytes(100, 100, "PNG"), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(UPLOAD_URL, {"upload": upload})
    assert response.status_code == 200
    image = Image.objects.get()
    assert image.is_pending and response.json()["urls"]["default"] == image.file.url
    assert "make_image_renditions gave up after 4 attempts" in caplog.text
    assert "disk full" in caplog.text


def test_article_list_and_search_count_once_and_read_neither_bodies_nor_specs(
    staff_client, monkeypatch
):
    """At 100,000 articles the list cost 1.6 s: a second COUNT of the whole table, every
    article's body and an imagekit spec hash per thumbnail."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        ArticleFactory(title=f"Frigate launch {n}", lead_image=ImageFactory())
    ArticleFactory(title="Tank order", lead_image=ImageFactory())

    def refuse(*args, **kwargs):
        raise AssertionError("the article list hashed a rendition spec")

    monkeypatch.setattr("imagekit.specs.ImageSpec.get_hash", refuse)
    url = reverse("admin:articles_article_changelist")
    for query, shown in (("", 4), ("frigate", 3)):
        with CaptureQueriesContext(connection) as ctx:
            html = staff_client.get(url, {"q": query} if query else {}).content.decode()
        counts = [q["sql"] for q in ctx if "COUNT(" in q["sql"].upper()]
        assert len(counts) == 1, counts
        read = f'SELECT "{Article._meta.db_table}"'
        article_reads = [q["sql"] for q in ctx if q["sql"].startswith(read)]
        assert article_reads and not [s for s in article_reads if '"body"' in s]
        assert html.count('class="admin-thumb"') == shown and "/media/renditions/" in html
