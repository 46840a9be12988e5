import logging
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.spam import form_token
from feedback.models import ErrorReport
from tests.factories import ArticleFactory

from .conftest import report_data

pytestmark = pytest.mark.django_db

REPORT_URL = "/feedback/report/"


def report_url(article):
    return f"{REPORT_URL}?article={article.pk}"


def test_form_names_the_article_and_is_never_cached(client, article):
    response = client.get(report_url(article))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Army orders new armoured recovery vehicles" in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert 'name="page_url"' not in html  # the article says where the problem is
    for kind in ("Grammar or spelling", "Factual error", "Broken link or image"):
        assert kind in html
    assert '<meta name="robots" content="noindex">' in html


def test_form_for_an_unpublished_or_unknown_article_is_not_found(client):
    draft = ArticleFactory(status="draft", published_at=None)

    assert client.get(report_url(draft)).status_code == 404
    assert client.get(f"{REPORT_URL}?article=999999").status_code == 404
    assert client.get(f"{REPORT_URL}?article=abc").status_code == 404


def test_valid_report_is_stored_and_redirects_to_the_thank_you_page(client, article):
    response = client.post(report_url(article), report_data())

    assert response.status_code == 302
    assert response["Location"] == f"/feedback/thanks/?article={article.pk}"
    report = ErrorReport.objects.get()
    assert report.article == article
    assert report.status == ErrorReport.Status.NEW
    assert report.kind == ErrorReport.Kind.FACTUAL
    assert report.quoted_text == "The contract covers 44 vehicles"
    assert report.suggested_correction == "The contract covers 54 vehicles"

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in thanks.content.decode()
    assert f'href="{article.get_absolute_url()}"' in thanks.content.decode()


def test_site_wide_report_needs_an_address_on_this_site(client, settings):
    settings.SITE_URL = "https://news.example.org"

    missing = client.post(REPORT_URL, report_data())
    elsewhere = client.post(REPORT_URL, report_data(page_url="https://spam.example.com/x"))
    accepted = client.post(
        REPORT_URL, report_data(page_url="https://news.example.org/authors/", kind="broken")
    )
    as_path = client.post(REPORT_URL, report_data(page_url="/support/"))

    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    assert "Give the address of a page on this site" in elsewhere.content.decode()
    assert accepted.status_code == 302 and as_path.status_code == 302
    assert sorted(ErrorReport.objects.values_list("page_url", flat=True)) == [
        "/support/",
        "https://news.example.org/authors/",
    ]
    assert not ErrorReport.objects.filter(article__isnull=False).exists()


def test_report_must_say_what_is_wrong(client, article):
    response = client.post(
        report_url(article), report_data(quoted_text="", suggested_correction="", details="")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check the form" in html
    assert "Tell us what is wrong" in html
    assert not ErrorReport.objects.exists()


def test_asking_to_hear_back_needs_an_email_address(client, article):
    response = client.post(report_url(article), report_data(wants_reply="on"))

    html = response.content.decode()
    assert "Give your e-mail address so we can reply" in html
    assert 'aria-invalid="true"' in html
    assert "The contract covers 44 vehicles" in html  # the reader's text is kept
    assert not ErrorReport.objects.exists()


def test_overlong_text_is_refused_with_a_clear_message(client, article):
    response = client.post(report_url(article), report_data(quoted_text="x" * 1001))

    assert "Ensure this value has at most 1000 characters (it has 1001)." in (
        response.content.decode()
    )
    assert not ErrorReport.objects.exists()


def test_bad_email_address_is_refused(client, article):
    response = client.post(report_url(article), report_data(email="not-an-address"))

    assert "Enter a valid email address." in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_honeypot_report_is_kept_as_spam_and_nobody_is_notified(
    client, article, feedback_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(article), report_data(website="http://cheap.example"))

    assert response.status_code == 302  # a script learns nothing
    report = ErrorReport.objects.get()
    assert report.status == ErrorReport.Status.SPAM
    assert "hidden field" in report.spam_reason
    assert report.resolved_at is not None
    assert mail.outbox == []


def test_link_heavy_report_is_kept_as_spam(client, article, django_capture_on_commit_callbacks):
    links = " ".join(f"https://shop{n}.example/buy" for n in range(4))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(article), report_data(details=links, email="x@example.org"))

    report = ErrorReport.objects.get()
    assert report.status == ErrorReport.Status.SPAM
    assert report.spam_reason == "4 links in the text (more than 3)."
    assert mail.outbox == []


def test_a_few_links_are_fine(client, article):
    client.post(report_url(article), report_data(details="Source: https://example.org/notice"))

    assert ErrorReport.objects.get().status == ErrorReport.Status.NEW


def test_form_sent_back_too_fast_is_refused_and_keeps_the_text(client, article):
    response = client.post(report_url(article), report_data(rendered=form_token()))

    html = response.content.decode()
    assert response.status_code == 200
    assert "quicker than a person usually types" in html
    assert "The contract covers 44 vehicles" in html
    assert not ErrorReport.objects.exists()


def test_form_sent_back_too_late_is_refused_and_keeps_the_text(client, article, settings):
    stale = form_token(now=time.time() - settings.FEEDBACK_MAX_FORM_AGE - 60)

    response = client.post(report_url(article), report_data(rendered=stale))

    html = response.content.decode()
    assert "This form was open for a long time" in html
    assert "The ministry&#x27;s notice says 54." in html
    assert not ErrorReport.objects.exists()


def test_a_refused_form_can_be_sent_again_once_it_is_old_enough(client, article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = client.post(report_url(article), report_data(rendered="forged"))
    assert "Something went wrong with this form" in first.content.decode()
    fresh_token = first.context["form"]["rendered"].value()

    time_machine.shift(20)
    second = client.post(report_url(article), report_data(rendered=fresh_token))

    assert second.status_code == 302
    assert ErrorReport.objects.count() == 1


def test_rate_limit_answers_a_polite_429_and_keeps_earlier_reports(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 2

    codes = [client.post(report_url(article), report_data()).status_code for _ in range(3)]

    assert codes == [302, 302, 429]
    limited = client.post(report_url(article), report_data(details="One more thing."))
    html = limited.content.decode()
    assert limited.status_code == 429
    assert limited["Retry-After"] == str(settings.FEEDBACK_RATE_WINDOW)
    assert "Please wait a little" in html
    assert "One more thing." in html  # their text, to copy
    assert ErrorReport.objects.count() == 2


def test_rate_limit_is_per_client_and_ends_with_the_window(client, article, settings, time_machine):
    settings.FEEDBACK_RATE_LIMIT = 1
    settings.FEEDBACK_RATE_WINDOW = 600
    time_machine.move_to(timezone.now(), tick=False)
    a, b = {"REMOTE_ADDR": "203.0.113.5"}, {"REMOTE_ADDR": "198.51.100.7"}
    token = report_data(rendered=form_token(now=time.time() - 30))

    assert client.post(report_url(article), token, **a).status_code == 302
    assert client.post(report_url(article), token, **a).status_code == 429
    assert client.post(report_url(article), token, **b).status_code == 302

    time_machine.shift(660)
    later = report_data(rendered=form_token(now=time.time() - 30))
    assert client.post(report_url(article), later, **a).status_code == 302


def test_only_a_salted_hash_of_the_address_is_stored(client, article):
    client.post(report_url(article), report_data(), REMOTE_ADDR="203.0.113.5")

    report = ErrorReport.objects.get()
    stored = " ".join(str(value) for value in ErrorReport.objects.values().get().values())
    assert "203.0.113.5" not in stored
    assert len(report.client_hash) == 64


def test_staff_hear_about_a_new_report_after_it_is_saved(
    client, article, feedback_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(article), report_data(email="reader@example.org", name="Ana"))

    report = ErrorReport.objects.get()
    [message] = mail.outbox
    assert message.to == ["triager@example.org"]
    assert message.reply_to == ["reader@example.org"]
    assert "Factual error reported on “Army orders new armoured recovery vehicles”" in (
        message.subject
    )
    assert "The contract covers 44 vehicles" in message.body
    assert f"/admin/feedback/errorreport/{report.pk}/change/" in message.body


def test_configured_list_replaces_the_group_for_notifications(
    client, article, feedback_staff, settings, django_capture_on_commit_callbacks
):
    settings.FEEDBACK_NOTIFY_EMAILS = ["desk@example.org", "chief@example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(article), report_data())

    assert [m.to for m in mail.outbox] == [["desk@example.org", "chief@example.org"]]


def test_reader_who_asks_to_hear_back_gets_an_acknowledgement_without_their_text(
    client, article, feedback_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            report_url(article),
            report_data(email="reader@example.org", name="Buy pills now", wants_reply="on"),
        )

    acknowledgement = next(m for m in mail.outbox if m.to == ["reader@example.org"])
    assert "We have received your report" in acknowledgement.subject
    assert "Army orders new armoured recovery vehicles" in acknowledgement.body
    assert "Buy pills now" not in acknowledgement.body
    assert "44 vehicles" not in acknowledgement.body
    assert len(mail.outbox) == 2  # and the staff notification


def test_email_failure_is_retried_then_logged_and_the_report_stays(
    client, article, feedback_staff, django_capture_on_commit_callbacks, caplog
):
    failing = mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPException("mail server down"),
    )
    with failing as send, caplog.at_level(logging.WARNING, logger="core.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                report_url(article), report_data(email="r@example.org", wants_reply="on")
            )

    assert response.status_code == 302
    assert ErrorReport.objects.get().status == ErrorReport.Status.NEW
    assert send.call_count == 10  # two e-mails, five attempts each
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("feedback.tasks.notify_staff gave up after 5 attempts" in m for m in messages)
    assert any("feedback.tasks.acknowledge_reader gave up after 5 attempts" in m for m in messages)


def test_email_that_fails_once_is_sent_on_the_retry(
    client, article, feedback_staff, django_capture_on_commit_callbacks
):
    real_send = mail.get_connection().__class__.send_messages
    calls = []

    def down_once(backend, messages):
        calls.append(messages)
        if len(calls) == 1:
            raise smtplib.SMTPException("mail server down")
        return real_send(backend, messages)

    with (
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", down_once),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(report_url(article), report_data())

    [message] = mail.outbox
    assert message.to == ["triager@example.org"]  # the staff notification, on its second try
    assert len(calls) == 2


def test_no_email_leaves_before_the_transaction_commits(client, article, feedback_staff):
    # Without running on-commit callbacks (the test's transaction never commits), the
    # report exists and nothing has been sent.
    client.post(report_url(article), report_data())

    assert ErrorReport.objects.count() == 1
    assert mail.outbox == []


def test_form_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, warm_site):
    for size in (2, 12):
        articles = [ArticleFactory() for _ in range(size)]
        warm_site()
        # the article (navigation and footer from process memory)
        with django_assert_num_queries(1):
            assert client.get(report_url(articles[-1])).status_code == 200


@pytest.mark.django_db(transaction=True)  # real commits: the e-mail is enqueued on commit
def test_report_is_answered_at_once_and_a_worker_sends_the_emails_later(
    client, article, feedback_staff, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.post(
        report_url(article), report_data(email="reader@example.org", wants_reply="on")
    )

    assert response.status_code == 302
    assert ErrorReport.objects.count() == 1
    assert mail.outbox == []  # the request did not wait for the mail server
    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("feedback.tasks.acknowledge_reader", "READY"),
        ("feedback.tasks.notify_staff", "READY"),
    ]

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    assert sorted(m.to[0] for m in mail.outbox) == ["reader@example.org", "triager@example.org"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
