"""The newsroom's admin dashboard, and what each editorial group may do with images,
sections, tags, authors and redirects."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleRedirect
from media.models import Image
from tests.factories import ArticleFactory, image_bytes
from tests.workflow_helpers import complete_article

pytestmark = pytest.mark.django_db


# --- Dashboard ------------------------------------------------------------------------


def test_dashboard_shows_the_newsroom_at_a_glance(client, editor):
    when = timezone.now() + timedelta(days=1)
    ArticleFactory(title="Waiting for a look", status="review", published_at=None)
    ArticleFactory(title="Out tomorrow", published_at=when)
    ArticleFactory(
        title="My unfinished piece", status="draft", published_at=None, created_by=editor
    )
    ArticleFactory(title="Fresh off the press")
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    for title in ("In review", "Scheduled", "My drafts", "Recently published"):
        assert title in html
    assert "Waiting for a look" in html
    assert "Out tomorrow" in html and f"{timezone.localtime(when):%a %d %b, %H:%M}" in html
    assert "My unfinished piece" in html
    assert "Fresh off the press" in html


def test_contributor_dashboard_shows_only_their_own_work(client, contributor):
    ArticleFactory(title="Colleague's review", status="review", published_at=None)
    ArticleFactory(
        title="Mine in review", status="review", published_at=None, created_by=contributor
    )
    client.force_login(contributor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Mine in review" in html
    assert "Colleague" not in html


def test_dashboard_runs_a_fixed_number_of_queries(client, editor):
    client.force_login(editor)
    client.get(reverse("admin:index"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(queries)

    for status in ("review", "draft"):
        ArticleFactory(status=status, published_at=None, created_by=editor)
    ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    ArticleFactory()
    small = count()
    for _ in range(5):
        for status in ("review", "draft"):
            ArticleFactory(status=status, published_at=None, created_by=editor)
        ArticleFactory(published_at=timezone.now() + timedelta(days=1))
        ArticleFactory()
    assert count() == small


def test_editor_group_manages_images_sections_tags_and_authors(client, editor):
    client.force_login(editor)
    for name in (
        "admin:media_image_add",
        "admin:articles_section_add",
        "admin:taggit_tag_add",
        "admin:authors_author_add",
        "admin:articles_articleredirect_add",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_contributor_uploads_images_but_cannot_change_or_delete_them(client, contributor):
    client.force_login(contributor)
    upload = SimpleUploadedFile("sea.jpg", image_bytes(200, 100), "image/jpeg")
    add = client.post(reverse("admin:media_image_add"), {"file": upload, "alt_text": "Sea"})
    assert add.status_code == 302
    image = Image.objects.get()
    change = reverse("admin:media_image_change", args=[image.pk])
    assert client.post(change, {"alt_text": "Changed"}).status_code == 403
    delete = reverse("admin:media_image_delete", args=[image.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Image.objects.get().alt_text == "Sea"
    assert client.get(reverse("admin:articles_section_add")).status_code == 403


def test_a_redirect_to_the_articles_own_address_is_refused(client, editor):
    article = complete_article()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_articleredirect_add"),
        {"old_path": article.get_absolute_url(), "article": article.pk},
    )
    assert "current address; it cannot redirect" in response.content.decode()
    response = client.post(
        reverse("admin:articles_articleredirect_add"),
        {"old_path": "2019/05/04/old/", "article": article.pk},
    )
    assert "starting with “/”" in response.content.decode()
    assert not ArticleRedirect.objects.exists()
