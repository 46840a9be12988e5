"""Editions: pre-filled stories, e-mail-safe rendering, sending in batches with one delivery
per subscriber, resuming after a crash, unsubscribe headers and one-click unsubscribing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter import editions, sending, tasks
from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import ArticleFactory, ImageFactory

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def stories():
    return [
        ArticleFactory(title="Older plain story", published_at=ago(hours=5)),
        ArticleFactory(title="Featured story", published_at=ago(hours=10), featured=True),
        ArticleFactory(title="Newest story", published_at=ago(hours=1), lead_image=ImageFactory()),
    ]


@pytest.fixture
def edition(stories):
    edition = Edition.objects.create(subject="The week in defence", intro="Hello.\n\nSecond.")
    editions.fill_with_top_stories(edition)
    return edition


def test_top_stories_are_those_since_the_last_sent_edition_featured_first(stories):
    ArticleFactory(title="Before the last edition", published_at=ago(days=3))
    Edition.objects.create(subject="Last week", status=Edition.Status.SENT, sent_at=ago(days=2))
    ArticleFactory(title="Draft", status="draft", published_at=None)
    titles = [a.title for a in editions.top_stories()]
    assert titles == ["Featured story", "Newest story", "Older plain story"]


def test_edition_html_is_email_safe_with_inlined_css_and_absolute_urls(edition, settings):
    html, text = editions.render(edition)
    # One <style> block is left: the phones' @media rule, which cannot be inlined.
    assert html.count("<style") == 1
    style = html[html.index("<style") : html.index("</style>")]
    assert "@media only screen and (max-width: 480px)" in style
    assert ".masthead {" not in style  # everything else is inlined
    assert 'class="masthead" style="' in html
    assert "<table" in html
    assert f'href="{settings.SITE_URL}/' in html
    assert 'src="/' not in html and 'href="/' not in html
    assert f'src="{settings.SITE_URL}/' in html  # the lead image
    assert "Featured story" in text and "Second." in text
    assert html.index("Featured story") < html.index("Newest story")


def test_the_top_story_leads_with_a_wide_picture_and_the_others_get_thumbnails(edition, settings):
    quiet = ArticleFactory(
        title="Quiet story", published_at=ago(hours=2), lead_image=ImageFactory()
    )
    edition.items.all().delete()
    editions.fill_with_top_stories(edition)  # Featured, Newest, Quiet, Older plain
    html, _ = editions.render(edition)
    lead, *others = re.split(r'<td class="story(?: story-lead)?"', html)[1:]
    assert "Featured story" in lead and "<h2" in lead
    assert "lead-image" not in lead  # the featured story has no picture: none is made up
    assert ["Newest story" in others[0], "Quiet story" in others[1]] == [True, True]
    assert ['class="thumb-image"' in story for story in others] == [True, True, False]
    square = settings.SITE_URL + quiet.lead_image.crop_url("crop_1x1")
    assert f'src="{square}"' in others[1]
    assert not any("lead-image" in story or "<h2" in story for story in others)


def test_the_footer_carries_the_publishers_postal_address(edition, settings):
    settings.PUBLISHER_LEGAL_NAME = "Defence Blog Media Ltd"
    settings.PUBLISHER_ADDRESS = "4 Harbour Row, Portsmouth PO1 3LJ, United Kingdom"
    html, text = editions.render(edition)
    expected = "Defence Blog Media Ltd, 4 Harbour Row, Portsmouth PO1 3LJ, United Kingdom"
    assert expected in html[html.index('class="footer"') :]
    assert text.rstrip().endswith(expected)


def test_reordering_changes_the_email(edition):
    item = edition.items.get(article__title="Older plain story")
    item.position = 1
    item.save()
    html, _ = editions.render(edition)
    assert html.index("Older plain story") < html.index("Featured story")


def send(edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_now(edition)
    edition.refresh_from_db()


def test_sending_gives_each_confirmed_subscriber_exactly_one_message(
    edition, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        make_subscriber(f"reader{n}@example.org")
    make_subscriber("pending@example.org", status=Subscriber.Status.PENDING)
    make_subscriber("left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    send(edition, django_capture_on_commit_callbacks)
    assert edition.status == Edition.Status.SENT
    assert edition.recipients == 5
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [f"reader{n}@example.org" for n in range(5)]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 5
    assert edition.html and edition.text


def test_every_message_carries_one_click_unsubscribe_headers(
    edition, django_capture_on_commit_callbacks, settings
):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "leave@example.org"
    subscriber = make_subscriber("reader@example.org")
    send(edition, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    url = f"{settings.SITE_URL}/newsletter/unsubscribe/{subscriber.token}/"
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<{url}>, <mailto:leave@example.org?subject=unsubscribe%20{subscriber.token}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert url in html and url in message.body
    assert "%%UNSUBSCRIBE_URL%%" not in html
    assert message.from_email == settings.NEWSLETTER_FROM_EMAIL


def test_delivery_rows_are_unique_per_subscriber_and_edition(edition):
    from django.db import IntegrityError, transaction

    subscriber = make_subscriber("reader@example.org")
    Delivery.objects.create(edition=edition, subscriber=subscriber)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(edition=edition, subscriber=subscriber)


def test_batches_reuse_one_smtp_connection_each(
    edition, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    for n in range(7):
        make_subscriber(f"reader{n}@example.org")
    opened = []
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.open

    def counting_open(self):
        opened.append(self)
        return original(self)

    monkeypatch.setattr(EmailBackend, "open", counting_open, raising=False)
    send(edition, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 7
    assert len(opened) == 3  # batches of 3, 3 and 1


def test_a_crash_mid_send_resumes_without_duplicates_or_gaps(
    edition, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """In-process version of tests/newsletter/test_worker_kill.py: the mail server goes
    away after three messages; the retry sends the rest, nobody twice."""
    settings.NEWSLETTER_BATCH_SIZE = 100
    for n in range(6):
        make_subscriber(f"reader{n}@example.org")
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionResetError("server went away")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    send(edition, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.org" for n in range(6)]
    assert edition.status == Edition.Status.SENT


def test_rows_left_sending_by_a_dead_worker_are_sent_after_the_lease(edition, settings):
    subscriber = make_subscriber("reader@example.org")
    other = make_subscriber("other@example.org")
    edition.status = Edition.Status.SENDING
    edition.save()
    editions.freeze(edition)
    Delivery.objects.create(
        edition=edition, subscriber=subscriber, status="sending", claimed_at=ago(hours=1)
    )
    Delivery.objects.create(
        edition=edition, subscriber=other, status="sending", claimed_at=timezone.now()
    )
    sending.send_batch(edition.pk)
    # The expired claim is taken again; the fresh one belongs to a live worker.
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert Delivery.objects.get(subscriber=other).status == "sending"
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING


def test_sent_deliveries_are_never_sent_again(edition):
    subscriber = make_subscriber("reader@example.org")
    edition.status = Edition.Status.SENDING
    edition.save()
    Delivery.objects.create(edition=edition, subscriber=subscriber, status="sent")
    tasks.start_edition.call(edition.pk)
    assert mail.outbox == []
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_a_refused_recipient_is_marked_failed_and_the_rest_go_out(
    edition, django_capture_on_commit_callbacks, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    make_subscriber("bad@example.org")
    make_subscriber("good@example.org")
    original = EmailBackend.send_messages

    def refusing(self, messages):
        if messages[0].to == ["bad@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"bad@example.org": (550, b"no such user")})
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)
    send(edition, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["good@example.org"]]
    assert Delivery.objects.get(subscriber__email="bad@example.org").status == "failed"
    assert edition.status == Edition.Status.SENT


def test_unsubscribed_between_start_and_batch_is_skipped(edition):
    subscriber = make_subscriber("reader@example.org")
    edition.status = Edition.Status.SCHEDULED
    edition.save()
    assert sending.start(edition.pk) is True  # the rows are made; the batch is a task
    Subscriber.objects.filter(pk=subscriber.pk).update(status="unsubscribed")
    sending.send_batch(edition.pk)
    assert mail.outbox == []
    assert Delivery.objects.get().status == "skipped"


def test_scheduled_edition_waits_for_its_time(edition, django_capture_on_commit_callbacks):
    import time_machine

    make_subscriber("reader@example.org")
    when = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule(edition, when)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    assert mail.outbox == []
    with time_machine.travel(when + timedelta(minutes=1)):
        tasks.start_edition.call(edition.pk)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert len(mail.outbox) == 1


def test_an_edition_without_stories_cannot_be_sent():
    edition = Edition.objects.create(subject="Empty")
    with pytest.raises(sending.EditionNotReady):
        tasks.send_now(edition)


# --- Unsubscribing --------------------------------------------------------------------


def test_unsubscribe_get_shows_one_button_and_changes_nothing(client):
    subscriber = make_subscriber("reader@example.org")
    response = client.get(subscriber.unsubscribe_path())
    assert response.status_code == 200
    assert b">Unsubscribe</button>" in response.content
    assert "no-store" in response["Cache-Control"]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_unsubscribe_button_post_needs_no_login_or_csrf(client):
    from django.test import Client

    subscriber = make_subscriber("reader@example.org")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(subscriber.unsubscribe_path())
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_rfc8058_one_click_post(client):
    from django.test import Client

    subscriber = make_subscriber("reader@example.org")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        subscriber.unsubscribe_path(),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    again = strict.post(
        subscriber.unsubscribe_path(),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200


def test_unknown_unsubscribe_token_is_404(client):
    assert client.get("/newsletter/unsubscribe/nope/").status_code == 404
    assert client.post("/newsletter/unsubscribe/nope/").status_code == 404


def test_unsubscribed_reader_gets_no_further_edition(
    edition, client, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber("reader@example.org")
    make_subscriber("stays@example.org")
    client.post(subscriber.unsubscribe_path())
    send(edition, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["stays@example.org"]]


def test_text_part_is_not_html_escaped(stories):
    ArticleFactory(title="Ships & subs: what's next", published_at=ago(minutes=5))
    edition = Edition.objects.create(subject="Plain", intro="Tom's note & more")
    editions.fill_with_top_stories(edition)
    html, text = editions.render(edition)
    assert "Ships & subs: what's next" in text and "Tom's note & more" in text
    assert "Ships &amp; subs" in html


@pytest.mark.django_db(transaction=True)
def test_fast_marks_leave_no_setting_on_the_connection_between_messages(
    edition, settings, monkeypatch
):
    """Behind PgBouncer in transaction mode, a session setting left between two
    transactions would reach other clients on that server connection (core.db)."""
    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    settings.NEWSLETTER_BATCH_SIZE = 5
    for n in range(3):
        make_subscriber(f"reader{n}@example.org")
    seen = []
    original = EmailBackend.send_messages

    def send_and_look(self, messages):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_and_look)
    tasks.send_now(edition)  # outside a transaction: the tasks run at once
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and len(mail.outbox) == 3
    assert seen == ["on", "on", "on"]
