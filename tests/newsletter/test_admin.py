"""The newsletter in the admin: who may do what, CSV export, erasure, and an edition's
life from a pre-filled draft to sent."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail

from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import ArticleFactory
from tests.workflow_helpers import member

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db

groups_migration = __import__(
    "newsletter.migrations.0002_newsletter_editor_group", fromlist=["create_groups"]
)


@pytest.fixture
def editor(client):
    from django.apps import apps

    user = member("Editor", "editor1")
    groups_migration.create_groups(apps)
    client.force_login(user)
    return user


@pytest.fixture
def contributor(client):
    user = member("Contributor", "writer1")
    client.force_login(user)
    return user


@pytest.fixture
def subscribers():
    return [
        make_subscriber("alice@example.org"),
        make_subscriber("bob@example.org", status=Subscriber.Status.PENDING),
        make_subscriber("=cmd@example.org", status=Subscriber.Status.UNSUBSCRIBED),
    ]


def read_csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_editor_searches_and_filters_subscribers(client, editor, subscribers):
    url = "/admin/newsletter/subscriber/"
    found = client.get(url, {"q": "alice"})
    assert found.status_code == 200
    assert b"alice@example.org" in found.content and b"bob@example.org" not in found.content
    pending = client.get(url, {"status__exact": "pending"})
    assert b"bob@example.org" in pending.content and b"alice@example.org" not in pending.content


def test_csv_export_follows_the_filter_and_defuses_formulas(client, editor, subscribers):
    response = client.get("/admin/newsletter/subscriber/export/", {"status__exact": "unsubscribed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][:2] == ["e-mail", "status"]
    assert [row[0] for row in rows[1:]] == ["'=cmd@example.org"]
    everyone = read_csv(client.get("/admin/newsletter/subscriber/export/"))
    assert len(everyone) == 4
    assert everyone[1][4] == "Send me the newsletter."  # the consent text


def test_contributors_see_no_subscribers_and_cannot_export(client, contributor, subscribers):
    assert client.get("/admin/newsletter/subscriber/").status_code == 403
    assert client.get("/admin/newsletter/subscriber/export/").status_code == 403


def test_nobody_adds_subscribers_by_hand(client, editor):
    assert client.get("/admin/newsletter/subscriber/add/").status_code == 403


def test_deleting_a_subscriber_leaves_nothing_behind(client, editor, subscribers):
    alice = subscribers[0]
    edition = Edition.objects.create(subject="Sent one", status="sent")
    Delivery.objects.create(edition=edition, subscriber=alice, status="sent")
    LogEntry.objects.log_actions(editor.pk, [alice], 2, change_message="Changed alice@example.org")
    response = client.post(f"/admin/newsletter/subscriber/{alice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="alice@example.org").exists()
    assert not Delivery.objects.exists()
    reprs = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert reprs == [(f"Subscriber #{alice.pk} (erased on request)", "")]
    assert "alice" not in str(reprs)


def test_bulk_delete_is_anonymised_too(client, editor, subscribers):
    ids = [s.pk for s in subscribers]
    response = client.post(
        "/admin/newsletter/subscriber/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert "example.org" not in str(list(LogEntry.objects.values_list("object_repr", flat=True)))


def test_new_edition_is_prefilled_with_the_top_stories(client, editor):
    ArticleFactory(title="Ordinary story")
    ArticleFactory(title="Lead story", featured=True)
    response = client.post(
        "/admin/newsletter/edition/add/",
        {
            "subject": "The week",
            "intro": "Hello",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    edition = Edition.objects.get()
    assert [i.article.title for i in edition.items.all()] == ["Lead story", "Ordinary story"]
    assert edition.created_by == editor
    page = client.get(response["Location"])
    assert b"Preview e-mail" in page.content
    assert b"Send a test to me" in page.content


def edition_with_story():
    edition = Edition.objects.create(subject="The week in defence")
    from newsletter import editions

    ArticleFactory(title="Frigate programme delayed")
    editions.fill_with_top_stories(edition)
    return edition


def test_preview_shows_the_email(client, editor):
    edition = edition_with_story()
    html = client.get(f"/admin/newsletter/edition/{edition.pk}/preview/")
    assert html.status_code == 200
    assert b"Frigate programme delayed" in html.content and b"<table" in html.content
    text = client.get(f"/admin/newsletter/edition/{edition.pk}/preview/?format=text")
    assert text["Content-Type"].startswith("text/plain")
    assert b"Frigate programme delayed" in text.content


def test_send_a_test_to_myself(client, editor):
    edition = edition_with_story()
    response = client.post(f"/admin/newsletter/edition/{edition.pk}/send/", {"action": "test"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["editor1@example.org"]]
    assert mail.outbox[0].subject == "[Test] The week in defence"
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_send_now_asks_first_naming_the_count(client, editor):
    edition = edition_with_story()
    make_subscriber("reader@example.org")
    make_subscriber("other@example.org")
    response = client.post(f"/admin/newsletter/edition/{edition.pk}/send/", {"action": "send"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Send “The week in defence” to 2 confirmed subscribers?" in html
    assert 'name="confirmed" value="2"' in html
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT  # nothing sent until confirmed
    assert mail.outbox == []


def test_send_now_from_the_admin(client, editor, django_capture_on_commit_callbacks):
    edition = edition_with_story()
    make_subscriber("reader@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/newsletter/edition/{edition.pk}/send/", {"action": "send", "confirmed": "1"}
        )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    # A sent edition is frozen: no editing, no deleting.
    page = client.get(f"/admin/newsletter/edition/{edition.pk}/change/")
    assert b'name="subject"' not in page.content


def test_schedule_and_unschedule(client, editor):
    edition = edition_with_story()
    url = f"/admin/newsletter/edition/{edition.pk}/send/"
    client.post(url, {"action": "schedule", "when": "2099-05-01T07:00"})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    assert edition.scheduled_for.year == 2099
    client.post(url, {"action": "unschedule"})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_schedule_in_the_past_is_refused_with_a_message(client, editor):
    edition = edition_with_story()
    response = client.post(
        f"/admin/newsletter/edition/{edition.pk}/send/",
        {"action": "schedule", "when": "2001-01-01T07:00"},
        follow=True,
    )
    assert b"That time has passed" in response.content
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_contributor_cannot_send(client, contributor):
    edition = edition_with_story()
    response = client.post(f"/admin/newsletter/edition/{edition.pk}/send/", {"action": "send"})
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_a_subscribers_unsubscribe_address_is_not_their_view_on_site_link(client, editor):
    """The unsubscribe address is a secret (it shows the address and ends the
    subscription): even an editor of the newsletter is not sent there by the admin."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    subscriber = make_subscriber("reader@example.org")
    content_type = ContentType.objects.get_for_model(Subscriber)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, subscriber.pk]))
    assert response.status_code == 404
    assert subscriber.token not in response.get("Location", "")
    change = client.get(reverse("admin:newsletter_subscriber_change", args=[subscriber.pk]))
    assert change.status_code == 200
    assert "View on site" not in change.content.decode()
    assert subscriber.token not in change.content.decode()


def test_story_picker_finds_articles_by_headline(client, editor):
    edition = edition_with_story()
    ArticleFactory(title="Howitzer deliveries speed up")
    page = client.get(f"/admin/newsletter/edition/{edition.pk}/change/").content.decode()
    assert "admin-autocomplete" in page and 'name="items-0-article"' in page
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "howitzer",
            "app_label": "newsletter",
            "model_name": "editionitem",
            "field_name": "article",
        },
    ).json()
    assert [result["text"] for result in found["results"]] == ["Howitzer deliveries speed up"]
