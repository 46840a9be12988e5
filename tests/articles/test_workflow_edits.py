"""Editing published and contested work in the admin: substantive updates, old addresses
kept as redirects, and edit conflicts between two editors."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import ArticleRedirect
from tests.factories import ArticleFactory
from tests.helpers.waiting import wait_until
from tests.workflow_helpers import change_url, complete_article, form_data, member, split

pytestmark = pytest.mark.django_db


# --- Substantive updates --------------------------------------------------------------


def test_substantive_update_marks_the_article_updated(client, editor, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    article = complete_article(published_at=start - timedelta(days=1))
    client.force_login(editor)

    data = form_data(client.get(change_url(article)), body="<p>Small typo fixed.</p>")
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.content_updated_at is None

    data = form_data(
        client.get(change_url(article)), body="<p>New figures.</p>", substantive_update="on"
    )
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.content_updated_at == start
    client.logout()
    assert "Updated" in client.get(article.get_absolute_url()).content.decode()


def test_substantive_update_is_offered_only_on_published_articles(client, editor):
    draft = ArticleFactory(status="draft", published_at=None)
    live = complete_article()
    client.force_login(editor)
    assert "substantive_update" not in client.get(change_url(draft)).content.decode()
    assert "substantive_update" in client.get(change_url(live)).content.decode()


# --- Old addresses --------------------------------------------------------------------


def test_new_slug_of_a_published_article_keeps_the_old_address(client, editor):
    article = complete_article(slug="tank-order")
    old_url = article.get_absolute_url()
    client.force_login(editor)
    data = form_data(client.get(change_url(article)), slug="tank-order-doubled")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_new_date_of_a_published_article_keeps_the_old_address(client, editor):
    article = complete_article(published_at=timezone.now() - timedelta(days=3))
    old_url = article.get_absolute_url()
    client.force_login(editor)
    data = form_data(client.get(change_url(article)), **split(timezone.now() - timedelta(days=1)))
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert ArticleRedirect.objects.get().old_path == old_url
    assert article.get_absolute_url() != old_url


def test_moving_back_removes_the_redirect_that_would_point_at_itself(client, editor):
    article = complete_article(slug="first-name")
    first = article.get_absolute_url()
    client.force_login(editor)
    data = form_data(client.get(change_url(article)), slug="second-name")
    client.post(change_url(article), data)
    data = form_data(client.get(change_url(article)), slug="first-name")
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.get_absolute_url() == first
    assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == [
        first.replace("first-name", "second-name")
    ]
    assert client.get(first).status_code == 200


def test_renaming_unpublished_work_makes_no_redirect(client, editor):
    draft = ArticleFactory(status="draft", published_at=None, slug="working-title")
    scheduled = complete_article(published_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    client.post(change_url(draft), form_data(client.get(change_url(draft)), slug="final-title"))
    client.post(change_url(scheduled), form_data(client.get(change_url(scheduled)), slug="renamed"))
    assert not ArticleRedirect.objects.exists()


# --- Edit conflicts -------------------------------------------------------------------


def test_every_admin_save_bumps_the_version(client, editor):
    article = complete_article()
    client.force_login(editor)
    for expected in (2, 3):
        client.post(change_url(article), form_data(client.get(change_url(article))))
        article.refresh_from_db()
        assert article.version == expected


def test_second_editor_is_refused_and_keeps_their_text(client, editor):
    article = complete_article(title="Original headline")
    other = member("Editor", "olga", first_name="Olga", last_name="Berg")
    client.force_login(editor)
    mine = form_data(client.get(change_url(article)), body="<p>My careful rewrite.</p>")

    client.force_login(other)
    theirs = form_data(client.get(change_url(article)), title="Their new headline")
    assert client.post(change_url(article), theirs).status_code == 302

    client.force_login(editor)
    response = client.post(change_url(article), mine)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Olga Berg" in html and "saved this article after you opened it" in html
    assert "My careful rewrite." in html  # the editor's text is still in the form
    article.refresh_from_db()
    assert article.title == "Their new headline"
    assert "My careful rewrite." not in article.body

    # A deliberate second save, after reading the warning, goes through.
    again = form_data(response)
    assert again["loaded_version"] == str(article.version)
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert "My careful rewrite." in article.body


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_cannot_both_win(monkeypatch, editor):
    """The version check and the save happen under a row lock: a save that arrives while
    another is in progress waits for it, then sees the new version and is refused."""
    from articles.admin.articles import ArticleAdmin

    article = complete_article()
    clients = [Client(), Client()]
    forms = []
    for client in clients:
        client.force_login(editor)
        forms.append(form_data(client.get(change_url(article)), title=f"Title {len(forms)}"))

    save_model = ArticleAdmin.save_model
    first_saving, release_first = threading.Event(), threading.Event()

    def held_save(self, request, obj, form, change):
        if not first_saving.is_set():  # the first save stays in its transaction until released
            first_saving.set()
            release_first.wait(timeout=30)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", held_save)
    statuses = []

    def post(client, data):
        try:
            statuses.append(client.post(change_url(article), data).status_code)
        finally:
            connection.close()

    def second_waits_for_the_row_lock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] == 1

    first = threading.Thread(target=post, args=(clients[0], forms[0]))
    second = threading.Thread(target=post, args=(clients[1], forms[1]))
    first.start()
    wait_until(first_saving.is_set)
    second.start()
    try:
        wait_until(second_waits_for_the_row_lock)
    finally:
        release_first.set()
        first.join()
        second.join()
    assert sorted(statuses) == [200, 302]
    article.refresh_from_db()
    assert (article.title, article.version) == ("Title 0", 2)
