"""Publishing a correction from a report: the correction screen, its checks and what it
saves, tells and refuses."""

import logging
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Correction
from feedback.models import ErrorReport
from tests.helpers.feedback_admin import CHANGELIST, change_url, login, make_report

pytestmark = pytest.mark.django_db


# --- Corrections from reports ----------------------------------------------------------


def correction_data(article, **overrides):
    """The correction screen as an editor sends it: the correction and the article's text."""
    article.refresh_from_db()
    return {
        "kind": "correction",
        "text": "An earlier version gave the displacement as 4,000 tonnes; it is 6,000.",
        "published_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "position": "end",
        "article-title": article.title,
        "article-standfirst": article.standfirst,
        "article-body": article.body,
        "article-loaded_version": str(article.version),
        **overrides,
    }


def test_editor_publishes_a_correction_from_a_report(
    client, editor, article, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=article.pk).update(
        body="<p>The frigate displaces 4,000 tonnes fully loaded.</p><p>It has a crew of 120.</p>"
    )
    report = make_report(article, email="reader@example.org", wants_reply=True, name="Sam")
    Article.objects.filter(pk=article.pk).update(modified=timezone.now() - timedelta(days=2))
    login(client, editor)
    url = f"{CHANGELIST}{report.pk}/correction/"

    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["text"] == (
        "An earlier version of this article said “The frigate displaces 4,000 tonnes.” It "
        "should have said “It displaces 6,000 tonnes.”"
    )
    html = form.content.decode()
    # the article's text beside the correction, in the article's own editor
    assert 'name="article-body"' in html and "django_ckeditor_5/dist/bundle.js" in html
    assert "4,000 tonnes fully loaded" in html
    assert "These words are in the body" in html
    corrected = (
        "<p>The frigate displaces 6,000 tonnes fully loaded.</p><p>It has a crew of 120.</p>"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, correction_data(article, **{"article-body": corrected}))

    assert response.status_code == 302 and response["Location"] == change_url(report)
    correction = Correction.objects.get()
    report.refresh_from_db()
    article.refresh_from_db()
    assert correction.article == article and correction.created_by == editor
    assert article.body == corrected and article.version == 2
    assert report.correction == correction
    assert report.status == ErrorReport.Status.FIXED and report.resolved_at is not None
    assert report.assignee == editor
    assert article.modified > timezone.now() - timedelta(minutes=1)
    # One revision holds the corrected article and the correction; a baseline before it
    # keeps the text as it was (the article was never saved through the admin).
    revision = correction.revision
    assert revision is not None and revision.user == editor
    assert {v.content_type.model for v in revision.version_set.all()} >= {"article", "correction"}
    assert "report #" in revision.get_comment()
    history = Version.objects.get_for_object(article).order_by("pk")
    assert [v.revision_id for v in history][-1] == revision.pk and history.count() == 2
    assert "4,000 tonnes" in history.first().field_dict["body"]
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "it is 6,000" in message.body
    assert f"#correction-{correction.pk}" in message.body
    assert f"{settings.SITE_URL}{correction.get_changes_url()}" in message.body

    page = client.get(article.get_absolute_url()).content.decode()
    assert f'id="correction-{correction.pk}"' in page
    assert "6,000 tonnes fully loaded" in page and "4,000 tonnes fully" not in page
    assert f'href="{correction.get_changes_url()}"' in page
    again = client.get(change_url(report)).content.decode()
    assert "Publish correction from this report" not in again
    assert client.get(url).status_code == 302  # already corrected: back to the report


def test_correction_with_the_text_unchanged_needs_saying_so(client, editor, article):
    report = make_report(article)
    login(client, editor)
    url = f"{CHANGELIST}{report.pk}/correction/"

    refused = client.post(url, correction_data(article))

    assert refused.status_code == 200
    assert "The article&#x27;s text is unchanged" in refused.content.decode()
    assert not Correction.objects.exists()
    accepted = client.post(url, correction_data(article, kind="clarification", text_unchanged="on"))
    assert accepted.status_code == 302
    correction = Correction.objects.get()
    assert correction.revision is None and correction.get_changes_url() == ""
    article.refresh_from_db()
    assert article.version == 2  # still one save, kept in the history
    assert "See what we changed" not in client.get(article.get_absolute_url()).content.decode()


def test_correction_refuses_to_overwrite_a_newer_save(client, editor, article):
    report = make_report(article)
    login(client, editor)
    url = f"{CHANGELIST}{report.pk}/correction/"
    data = correction_data(article, **{"article-body": "<p>Six thousand tonnes.</p>"})
    Article.objects.filter(pk=article.pk).update(version=5, body="<p>Someone else's.</p>")

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "saved this article after you opened it" in refused.content.decode()
    assert refused.context["text_form"]["loaded_version"].value() == "5"
    assert not Correction.objects.exists()
    article.refresh_from_db()
    assert article.body == "<p>Someone else's.</p>"
    # A second, deliberate save goes through, with what the editor typed.
    assert client.post(url, {**data, "article-loaded_version": "5"}).status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Six thousand tonnes.</p>" and article.version == 6


def test_correction_keeps_the_published_article_readable(client, editor, article):
    report = make_report(article)
    login(client, editor)

    response = client.post(
        f"{CHANGELIST}{report.pk}/correction/", correction_data(article, **{"article-body": ""})
    )

    assert response.status_code == 200
    assert "A published article needs body text" in response.content.decode()
    assert not Correction.objects.exists()


def test_corrected_body_is_sanitised(client, editor, article):
    report = make_report(article)
    login(client, editor)

    client.post(
        f"{CHANGELIST}{report.pk}/correction/",
        correction_data(
            article, **{"article-body": '<p onclick="x()">Fixed.</p><script>alert(1)</script>'}
        ),
    )

    article.refresh_from_db()
    assert article.body == "<p>Fixed.</p>"


def test_feedback_staff_trying_to_publish_get_an_explanation(
    client, feedback_staff, editor, article
):
    editor.first_name, editor.last_name = "Dana", "Desk"
    editor.save()
    report = make_report(article, assignee=editor)
    login(client, feedback_staff)

    response = client.get(f"{CHANGELIST}{report.pk}/correction/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "What you tried" in html and f"Publish a correction from report #{report.pk}" in html
    assert "Only editors can publish corrections" in html
    assert "This report is assigned to Dana Desk, an editor, who can publish it." in html
    assert client.post(f"{CHANGELIST}{report.pk}/correction/", {}).status_code == 403
    assert not Correction.objects.exists()
    # The report's own page says it too, instead of offering the button.
    form = client.get(change_url(report)).content.decode()
    assert "Publish correction from this report" not in form
    assert "Only editors can publish corrections" in form


def test_correction_is_kept_when_the_readers_email_fails(
    client, editor, article, django_capture_on_commit_callbacks, caplog
):
    report = make_report(article, email="reader@example.org", wants_reply=True)
    login(client, editor)
    failing = mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPException("down"),
    )
    with failing, caplog.at_level(logging.ERROR, logger="core.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"{CHANGELIST}{report.pk}/correction/",
                correction_data(
                    article,
                    kind="clarification",
                    text="We have clarified the tonnage.",
                    position="top",
                    text_unchanged="on",
                ),
            )

    report.refresh_from_db()
    assert report.status == ErrorReport.Status.FIXED and report.correction is not None
    assert "feedback.tasks.tell_reader_about_correction gave up after 5 attempts" in caplog.text


def test_correction_form_refuses_empty_text_and_publishes_nothing(client, editor, article):
    report = make_report(article)
    login(client, editor)

    response = client.post(
        f"{CHANGELIST}{report.pk}/correction/",
        correction_data(article, text="", published_at=""),
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Correction.objects.exists()
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.NEW


def test_site_wide_report_cannot_become_a_correction(client, editor):
    report = make_report(page_url="/authors/")
    login(client, editor)

    response = client.get(f"{CHANGELIST}{report.pk}/correction/", follow=True)

    assert "not about an article" in response.content.decode()
    assert not Correction.objects.exists()
