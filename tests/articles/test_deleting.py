"""Deleting content never fails and never silently loses history: editors archive and only
superusers delete, a reported article is protected, published corrections stay, and a
deleted article comes back with its corrections and old addresses."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleRedirect, Correction
from feedback.models import ErrorReport
from support.models import Page
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, StaffFactory
from tests.workflow_helpers import change_url, form_data, member

pytestmark = pytest.mark.django_db


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(StaffFactory(username="root"))
    return client


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(member("Editor", "eve"))
    return client


def test_editors_archive_but_cannot_delete(editor_client):
    article = ArticleFactory()
    assert editor_client.get(delete_url(article)).status_code == 403
    assert editor_client.post(delete_url(article), {"post": "yes"}).status_code == 403
    changelist = editor_client.get(reverse("admin:articles_article_changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "archive_selected" in actions
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Article.objects.filter(pk=article.pk).exists()
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "archive_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED


def test_reported_article_cannot_be_deleted_and_the_admin_says_why(superuser_client):
    article = ArticleFactory(title="Frigate launched")
    report = ErrorReport.objects.create(article=article, quoted_text="four frigates")
    page = superuser_client.get(delete_url(article))
    assert page.status_code == 200
    text = page.content.decode()
    assert "would require deleting the following protected related objects" in text
    assert f"#{report.pk}" in text
    response = superuser_client.post(delete_url(article), {"post": "yes"})
    assert response.status_code == 200  # the same explanation, never a 500
    assert Article.objects.filter(pk=article.pk).exists()
    report.refresh_from_db()
    assert report.article_id == article.pk


def test_bulk_delete_of_a_reported_article_is_refused_with_a_message(superuser_client):
    article = ArticleFactory()
    ErrorReport.objects.create(article=article, quoted_text="wrong")
    response = superuser_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "protected related objects" in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()


def test_editor_cannot_delete_a_published_correction(editor_client):
    article = ArticleFactory()
    correction = Correction.objects.create(article=article, text="Six boats, not four.")
    page = editor_client.get(change_url(article))
    data = form_data(page, **{"corrections-0-DELETE": "on"})
    editor_client.post(change_url(article), data)
    assert Correction.objects.filter(pk=correction.pk).exists()
    assert 'name="corrections-0-DELETE"' not in page.content.decode()


def complete_article(**kwargs):
    """Ready to publish (lead image, byline), so the change form saves it as it is."""
    return ArticleFactory(lead_image=ImageFactory(), authors=[AuthorFactory()], **kwargs)


def test_superuser_may_delete_a_correction(superuser_client):
    article = complete_article()
    correction = Correction.objects.create(article=article, text="Six boats, not four.")
    data = form_data(superuser_client.get(change_url(article)), **{"corrections-0-DELETE": "on"})
    assert superuser_client.post(change_url(article), data).status_code == 302
    assert not Correction.objects.filter(pk=correction.pk).exists()


def test_deleted_article_is_recovered_with_its_corrections_and_redirects(
    superuser_client, editor_client
):
    article = complete_article(title="Navy orders submarines")
    # A first revision, as every admin save makes.
    editor_client.post(change_url(article), form_data(editor_client.get(change_url(article))))
    correction = Correction.objects.create(article=article, text="Six boats, not four.")
    redirect = ArticleRedirect.objects.create(old_path="/2019/05/04/old-slug/", article=article)
    pk = article.pk

    superuser_client.post(delete_url(article), {"post": "yes"})
    assert not Article.objects.filter(pk=pk).exists()
    assert not Correction.objects.filter(pk=correction.pk).exists()

    deleted = Version.objects.get_deleted(Article).get()
    page = editor_client.get(reverse("admin:articles_article_recover", args=[deleted.pk]))
    assert page.status_code == 200
    assert editor_client.post(page.wsgi_request.path, form_data(page)).status_code == 302

    restored = Article.objects.get(pk=pk)
    assert list(restored.corrections.values_list("pk", "text")) == [
        (correction.pk, "Six boats, not four.")
    ]
    assert list(restored.redirects.values_list("old_path", flat=True)) == [redirect.old_path]
    assert editor_client.get(redirect.old_path).status_code == 301
    assert "Six boats, not four." in editor_client.get(restored.get_absolute_url()).content.decode()


# --- Site pages are versioned -----------------------------------------------------------


def test_site_page_edits_are_kept_as_revisions_and_can_be_restored(superuser_client):
    page = Page.objects.create(title="About", slug="about-us", body="<p>First words.</p>")
    url = reverse("admin:support_page_change", args=[page.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(is_published="on", body="<p>First words.</p>")
    assert superuser_client.post(url, data).status_code == 302
    data["body"] = "<p>Second words.</p>"
    assert superuser_client.post(url, data).status_code == 302
    versions = list(Version.objects.get_for_object(page).order_by("pk"))
    assert len(versions) == 2
    history = superuser_client.get(reverse("admin:support_page_history", args=[page.pk]))
    assert history.status_code == 200

    revision = reverse("admin:support_page_revision", args=[page.pk, versions[0].pk])
    restore = superuser_client.get(revision).context["adminform"].form
    data = {name: restore[name].value() for name in restore.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["is_published"] = "on"
    assert superuser_client.post(revision, data).status_code == 302
    page.refresh_from_db()
    assert page.body == "<p>First words.</p>"


def test_deleted_site_page_can_be_recovered(superuser_client):
    page = Page.objects.create(title="Ethics", slug="our-ethics", body="<p>Rules.</p>")
    url = reverse("admin:support_page_change", args=[page.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["is_published"] = "on"
    superuser_client.post(url, data)
    superuser_client.post(reverse("admin:support_page_delete", args=[page.pk]), {"post": "yes"})
    assert not Page.objects.filter(pk=page.pk).exists()
    deleted = Version.objects.get_deleted(Page).get()
    recover = reverse("admin:support_page_recover", args=[deleted.pk])
    form = superuser_client.get(recover).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["is_published"] = "on"
    assert superuser_client.post(recover, data).status_code == 302
    assert Page.objects.get(pk=page.pk).body == "<p>Rules.</p>"
