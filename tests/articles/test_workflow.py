"""The editorial workflow in the admin: roles, moves between statuses, publication checks,
scheduling, bulk actions, substantive updates, old addresses and edit conflicts."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleRedirect
from media.models import Image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    image_bytes,
)
from tests.workflow_helpers import change_url, form_data, member, new_article_data, split

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


def complete_article(**kwargs):
    """An article with everything publishing needs."""
    kwargs.setdefault("lead_image", ImageFactory())
    kwargs.setdefault("authors", [AuthorFactory()])
    return ArticleFactory(**kwargs)


# --- Roles ----------------------------------------------------------------------------


def test_migration_makes_the_three_newsroom_groups():
    member("Editor", "someone")  # makes sure the groups exist
    editor = Group.objects.get(name="Editor")
    contributor = Group.objects.get(name="Contributor")
    assert Group.objects.filter(name="Feedback staff").exists()
    editor_perms = set(editor.permissions.values_list("codename", flat=True))
    assert {
        "publish_article",
        "change_article",
        "change_image",
        "change_section",
        "change_author",
        "change_authorlink",
        "change_tag",
        "change_correction",
        "change_previewlink",
        "change_articleredirect",
    } <= editor_perms
    assert set(contributor.permissions.values_list("codename", flat=True)) >= {
        "add_article",
        "change_article",
        "view_article",
        "add_image",
        "view_image",
        "view_section",
        "view_author",
        "view_tag",
    }
    assert "publish_article" not in contributor.permissions.values_list("codename", flat=True)
    assert "change_image" not in contributor.permissions.values_list("codename", flat=True)


def test_contributor_lists_only_their_own_articles(client, contributor):
    ArticleFactory(title="Someone else's scoop", created_by=None)
    ArticleFactory(title="My own draft", status="draft", created_by=contributor)
    client.force_login(contributor)
    html = client.get(LIST_URL).content.decode()
    assert "My own draft" in html
    assert "Someone else&#x27;s scoop" not in html and "Someone else's scoop" not in html


def test_contributor_cannot_open_someone_elses_article(client, contributor):
    other = ArticleFactory(status="draft", published_at=None)
    client.force_login(contributor)
    response = client.get(change_url(other))
    assert response.status_code == 302  # "doesn't exist", as for a deleted article
    response = client.post(change_url(other), {"title": "Hijacked"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.title != "Hijacked"


def test_contributor_writes_a_draft_and_submits_it_for_review(client, contributor):
    client.force_login(contributor)
    response = client.post(ADD_URL, new_article_data(status="draft"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, article.created_by) == ("draft", contributor)

    data = form_data(client.get(change_url(article)), status="review")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == "review"


def test_contributor_is_offered_only_draft_and_review(client, contributor):
    client.force_login(contributor)
    html = client.get(ADD_URL).content.decode()
    assert 'value="review"' in html
    assert 'value="published"' not in html and 'value="archived"' not in html


def test_contributor_posting_published_directly_is_refused(client, contributor):
    client.force_login(contributor)
    section, image, author = SectionFactory(), ImageFactory(), AuthorFactory()
    data = new_article_data(section, image, author, status="published", **split(timezone.now()))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "only an editor can publish" in response.content.decode()
    assert not Article.objects.exists()


def test_contributor_cannot_publish_or_schedule_their_own_draft(client, contributor):
    draft = complete_article(status="draft", published_at=None, created_by=contributor)
    client.force_login(contributor)
    data = form_data(client.get(change_url(draft)), status="published")
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "only an editor can publish" in response.content.decode()

    later = timezone.now() + timedelta(days=1)
    data = form_data(client.get(change_url(draft)), **split(later))
    assert client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.published_at is None  # the time is not theirs


def test_contributor_cannot_edit_their_article_once_submitted(client, contributor):
    article = ArticleFactory(status="review", published_at=None, created_by=contributor)
    client.force_login(contributor)
    page = client.get(change_url(article))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html  # a read-only view
    assert client.post(change_url(article), {"title": "Changed"}).status_code == 403


def test_contributor_cannot_edit_published_work(client, contributor):
    article = ArticleFactory(created_by=contributor)
    client.force_login(contributor)
    assert client.post(change_url(article), {"title": "Changed"}).status_code == 403
    article.refresh_from_db()
    assert article.title != "Changed"


def test_contributor_cannot_run_bulk_actions(client, contributor):
    draft = complete_article(status="draft", published_at=None, created_by=contributor)
    client.force_login(contributor)
    html = client.get(LIST_URL).content.decode()
    assert "publish_selected" not in html
    client.post(LIST_URL, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_feedback_staff_see_no_articles(client):
    staff = member("Feedback staff", "fay")
    article = ArticleFactory()
    client.force_login(staff)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(change_url(article)).status_code == 403
    html = client.get(reverse("admin:index")).content.decode()
    assert "In review" not in html and "My drafts" not in html


def test_editor_unpublishes_and_archives_through_the_form(client, editor):
    article = complete_article()
    client.force_login(editor)
    data = form_data(client.get(change_url(article)), status="draft")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == "draft"
    data = form_data(client.get(change_url(article)), status="archived")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == "archived"


def test_published_article_cannot_go_back_to_review(client, editor):
    article = complete_article()
    client.force_login(editor)
    data = form_data(client.get(change_url(article)), status="review")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "cannot go from “Published” to “In review”" in response.content.decode()


def test_allowed_moves_per_role():
    class Person:
        is_active = True

        def __init__(self, perms):
            self.perms = perms

        def has_perm(self, perm):
            return perm in self.perms

    editor = Person({"articles.publish_article", "articles.change_article"})
    contributor = Person({"articles.change_article"})
    assert workflow.allowed_statuses(contributor, None) == ["draft", "review"]
    assert workflow.allowed_statuses(contributor, "draft") == ["draft", "review"]
    assert workflow.allowed_statuses(contributor, "review") == []
    assert workflow.allowed_statuses(contributor, "published") == []
    assert workflow.allowed_statuses(editor, "published") == ["draft", "published", "archived"]
    assert workflow.allowed_statuses(editor, "review") == [
        "draft",
        "review",
        "published",
        "archived",
    ]


# --- Publication checks ---------------------------------------------------------------


def test_publishing_names_everything_that_is_missing(client, editor):
    client.force_login(editor)
    data = new_article_data(status="published", body="<p> </p>", **split(timezone.now()))
    response = client.post(ADD_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not ready to publish: add body text, a section and a lead image." in html
    assert "Not ready to publish: add at least one author." in html
    assert not Article.objects.exists()


def test_lead_image_needs_alt_text_to_publish(client, editor):
    client.force_login(editor)
    image = ImageFactory(alt_text="")
    data = new_article_data(
        SectionFactory(), image, AuthorFactory(), status="published", **split(timezone.now())
    )
    response = client.post(ADD_URL, data)
    assert "add alt text on the lead image" in response.content.decode()
    assert not Article.objects.exists()


def test_an_incomplete_draft_can_be_saved(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, new_article_data(status="draft", body=""))
    assert response.status_code == 302
    assert Article.objects.get().status == "draft"


def test_complete_article_publishes_now(client, editor):
    client.force_login(editor)
    data = new_article_data(SectionFactory(), ImageFactory(), AuthorFactory(), status="published")
    assert client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    assert article.is_published
    assert client.get(article.get_absolute_url()).status_code == 200


# --- Scheduling -----------------------------------------------------------------------


def test_scheduled_article_appears_by_itself_at_its_time(client, editor, time_machine):
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    article = complete_article(status="review", published_at=None)
    client.force_login(editor)
    at = start + timedelta(hours=3)
    data = form_data(client.get(change_url(article)), status="published", **split(at))
    assert client.post(change_url(article), data).status_code == 302

    assert "Scheduled" in client.get(LIST_URL).content.decode()
    client.logout()
    article.refresh_from_db()
    assert article.is_scheduled
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/").content.decode()

    time_machine.move_to(at + timedelta(seconds=1), tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title in client.get("/").content.decode()


# --- Bulk actions ---------------------------------------------------------------------


def test_bulk_publish_reports_what_happened_to_each_article(client, editor):
    ready = complete_article(title="Ready story", status="review", published_at=None)
    unready = ArticleFactory(title="Unready story", status="review", published_at=None)
    live = complete_article(title="Live story")
    client.force_login(editor)
    response = client.post(
        LIST_URL,
        {"action": "publish_selected", "_selected_action": [ready.pk, unready.pk, live.pk]},
        follow=True,
    )
    notes = [str(m) for m in response.context["messages"]]
    assert "“Ready story” published." in notes
    assert (
        "“Unready story” not published. Not ready to publish: add at least one author and "
        "a lead image." in notes
    )
    assert "“Live story” was already published; left as it was." in notes
    ready.refresh_from_db()
    unready.refresh_from_db()
    assert ready.is_published and unready.status == "review"


def test_bulk_publish_keeps_a_future_time_as_a_schedule(client, editor):
    later = timezone.now() + timedelta(days=2)
    article = complete_article(title="Embargoed", status="review", published_at=later)
    client.force_login(editor)
    response = client.post(
        LIST_URL, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )
    article.refresh_from_db()
    assert article.is_scheduled
    assert any("“Embargoed” scheduled for" in str(m) for m in response.context["messages"])


def test_bulk_unpublish_and_archive(client, editor):
    one, two = complete_article(), complete_article()
    client.force_login(editor)
    client.post(LIST_URL, {"action": "unpublish_selected", "_selected_action": [one.pk]})
    client.post(LIST_URL, {"action": "archive_selected", "_selected_action": [two.pk]})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == ("draft", "archived")
    assert client.get(two.get_absolute_url()).status_code == 200  # staff still see it
    client.logout()
    assert client.get(two.get_absolute_url()).status_code == 404


def test_bulk_action_makes_open_forms_stale(client, editor):
    article = complete_article()
    client.force_login(editor)
    stale = form_data(client.get(change_url(article)), title="Edited meanwhile")
    client.post(LIST_URL, {"action": "unpublish_selected", "_selected_action": [article.pk]})
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    assert "saved this article after you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "draft" and article.title != "Edited meanwhile"


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

    def slow_save(self, request, obj, form, change):
        time.sleep(0.5)  # the first save is still in its transaction when the second arrives
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", slow_save)
    statuses = []

    def post(client, data):
        try:
            statuses.append(client.post(change_url(article), data).status_code)
        finally:
            connection.close()

    first = threading.Thread(target=post, args=(clients[0], forms[0]))
    second = threading.Thread(target=post, args=(clients[1], forms[1]))
    first.start()
    time.sleep(0.2)
    second.start()
    first.join()
    second.join()
    assert sorted(statuses) == [200, 302]
    article.refresh_from_db()
    assert (article.title, article.version) == ("Title 0", 2)


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
