"""Autosave and presence on the article form (articles/autosave.py, articles/admin/desk.py):
unsaved text kept apart from the article, offered back when it is reopened, cleared by a
save; who else has the article open; edit conflicts still refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, EditSession
from tests.factories import ArticleFactory
from tests.workflow_helpers import change_url, form_data, member

pytestmark = pytest.mark.django_db


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


@pytest.fixture
def article(editor):
    return ArticleFactory(
        title="Radar upgrade", body="<p>Six sites.</p>", status="draft", published_at=None
    )


def test_autosave_keeps_text_apart_from_the_article(editor_client, article):
    version = article.version
    response = editor_client.post(
        autosave_url(article),
        {"title": "Radar upgrade for six sites", "body": "<p>Six sites.</p><p>Unsaved.</p>"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json()["saved_at"]
    article.refresh_from_db()
    assert (article.title, article.version) == ("Radar upgrade", version)  # untouched
    assert not Version.objects.get_for_object(article).exists()  # and no revision
    session = EditSession.objects.get()
    assert session.changes["title"] == "Radar upgrade for six sites"


def test_autosaved_body_is_sanitised(editor_client, article):
    editor_client.post(autosave_url(article), {"body": "<p>Hi</p><script>alert(1)</script>"})
    assert EditSession.objects.get().changes["body"] == "<p>Hi</p>"


def test_reopening_offers_and_restores_unsaved_changes(editor_client, article):
    editor_client.post(autosave_url(article), {"title": "Radar upgrade for six sites"})
    when = timezone.localtime(EditSession.objects.get().changed_at)

    html = editor_client.get(change_url(article)).content.decode()
    assert f"Restore unsaved changes from {when:%H:%M}?" in html
    assert 'value="Radar upgrade"' in html  # the form shows the saved article until asked

    html = editor_client.get(change_url(article), {"autosave": "restore"}).content.decode()
    assert 'value="Radar upgrade for six sites"' in html
    assert "Save to keep them" in html
    article.refresh_from_db()
    assert article.title == "Radar upgrade"  # restoring saves nothing


def test_saving_the_form_clears_the_autosave(editor_client, article):
    editor_client.post(autosave_url(article), {"title": "Radar upgrade for six sites"})
    response = editor_client.get(change_url(article), {"autosave": "restore"})
    assert editor_client.post(change_url(article), form_data(response)).status_code == 302
    article.refresh_from_db()
    assert article.title == "Radar upgrade for six sites"
    assert "Restore unsaved changes" not in editor_client.get(change_url(article)).content.decode()


def test_discarding_drops_the_autosave(editor_client, article):
    editor_client.post(autosave_url(article), {"title": "Radar upgrade for six sites"})
    response = editor_client.post(autosave_url(article), {"discard": "1"}, follow=True)
    html = response.content.decode()
    assert "Your unsaved changes were discarded." in html
    assert "Restore unsaved changes" not in html


def test_others_with_the_article_open_are_named_until_their_heartbeat_expires(
    client, editor, article, time_machine
):
    hana = member("Editor", "hana", first_name="Hana", last_name="Novak")
    client.force_login(hana)
    client.get(change_url(article))  # Hana opens it

    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert "Hana Novak is editing this article." in html
    assert client.post(autosave_url(article)).json()["others"] == ["Hana Novak"]

    time_machine.move_to(timezone.now() + timedelta(seconds=60))  # no beat from Hana since
    assert client.post(autosave_url(article)).json()["others"] == []
    assert "is editing this article" not in client.get(change_url(article)).content.decode()


def test_leaving_the_page_stops_naming_the_person(client, editor, article):
    hana = member("Editor", "hana", first_name="Hana", last_name="Novak")
    client.force_login(hana)
    client.get(change_url(article))
    client.post(autosave_url(article), {"leave": "1"})
    client.force_login(editor)
    assert client.post(autosave_url(article)).json()["others"] == []


def test_edit_conflicts_are_still_refused_after_a_restore(client, editor, article):
    hana = member("Editor", "hana")
    client.force_login(editor)
    client.post(autosave_url(article), {"title": "Mine"})
    mine = form_data(client.get(change_url(article), {"autosave": "restore"}))
    client.force_login(hana)  # Hana saves in between
    hers = form_data(client.get(change_url(article)), title="Hers")
    assert client.post(change_url(article), hers).status_code == 302
    client.force_login(editor)
    response = client.post(change_url(article), mine)
    assert response.status_code == 200
    assert "saved this article after you opened it" in response.content.decode()
    assert Article.objects.get().title == "Hers"


def test_autosave_refuses_people_who_may_not_edit(client, article):
    contributor = member("Contributor", "carl")
    client.force_login(contributor)
    assert client.post(autosave_url(article), {"title": "Hijacked"}).status_code == 403
    assert client.get(autosave_url(article)).status_code == 405
    assert not EditSession.objects.exists()
