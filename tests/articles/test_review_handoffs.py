"""Review hand-offs: submitting for review tells the editors by e-mail (through the task
queue, once the save commits) and on the dashboard, and tells the contributor what they can
do now."""

import pytest
from django.core import mail
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory
from tests.workflow_helpers import change_url, form_data, member, new_article_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


@pytest.fixture
def editors(editor):
    """Eve (the editor fixture) and Ed, editors with addresses; one without an address."""
    member("Editor", "ed", first_name="Ed", last_name="Nash")
    without = member("Editor", "noaddress")
    without.email = ""
    without.save()
    return editor


def submit(client, article, django_capture_on_commit_callbacks, **extra):
    data = form_data(client.get(change_url(article)), status="review", **extra)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(change_url(article), data, follow=True)


def test_submitting_for_review_emails_every_editor_once(
    client, contributor, editors, django_capture_on_commit_callbacks
):
    contributor.first_name, contributor.last_name = "Carl", "Berg"
    contributor.save()
    client.force_login(contributor)
    client.post(ADD_URL, new_article_data(title="Radar upgrade for coastal batteries"))
    article = Article.objects.get()
    assert mail.outbox == []  # a draft tells nobody

    submit(client, article, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["ed@example.org", "eve@example.org"]
    assert message.subject.endswith(
        "For review: “Radar upgrade for coastal batteries” from Carl Berg"
    )
    assert f"/admin/articles/article/{article.pk}/change/" in message.body
    assert "Six sites get new sensors by 2028." in message.body


def test_saving_again_in_review_does_not_email_again(
    client, editor, editors, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status="review", published_at=None)
    client.force_login(editor)
    submit(client, article, django_capture_on_commit_callbacks, title="A better headline")
    assert mail.outbox == []


def test_an_editor_submitting_is_not_emailed_about_their_own_hand_off(
    client, editor, editors, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status="draft", published_at=None)
    client.force_login(editor)
    submit(client, article, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["ed@example.org"]]


def test_contributor_is_told_the_article_is_read_only_now(
    client, contributor, editors, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    client.post(ADD_URL, new_article_data(title="Radar upgrade for coastal batteries"))
    article = Article.objects.get()
    data = form_data(client.get(change_url(article)), status="review", _continue="1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), data, follow=True)

    assert response.redirect_chain[-1][0] == change_url(article)
    html = response.content.decode()
    assert "submitted for review and the editors have been told" in html
    assert "read-only for you now" in html
    assert "You may edit it again below" not in html
    assert 'name="_continue"' not in html  # and the page is indeed read-only


def test_contributor_saving_a_draft_keeps_the_usual_message(client, contributor):
    client.force_login(contributor)
    response = client.post(ADD_URL, {**new_article_data(), "_continue": "1"}, follow=True)
    assert "You may edit it again below" in response.content.decode()


def test_dashboard_shows_the_submission_to_editors(
    client, contributor, editors, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    client.post(ADD_URL, new_article_data(title="Radar upgrade for coastal batteries"))
    submit(client, Article.objects.get(), django_capture_on_commit_callbacks)
    client.force_login(editors)
    html = client.get(reverse("admin:index")).content.decode()
    assert "In review" in html and "Radar upgrade for coastal batteries" in html
