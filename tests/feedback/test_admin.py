import csv
import io
import logging
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Correction
from feedback.models import ErrorReport
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feedback/errorreport/"


def change_url(report):
    return f"{CHANGELIST}{report.pk}/change/"


def make_report(article=None, **fields):
    values = {
        "article": article,
        "page_url": "" if article else "/about/",
        "kind": ErrorReport.Kind.FACTUAL,
        "quoted_text": "The frigate displaces 4,000 tonnes",
        "suggested_correction": "It displaces 6,000 tonnes",
        **fields,
    }
    return ErrorReport.objects.create(**values)


@pytest.fixture
def editor(groups):
    user = UserFactory(username="desk-editor", email="desk@example.org", is_staff=True)
    user.groups.add(groups["Editor"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_article", "change_article", "add_correction", "view_correction"],
        )
    )
    return user


@pytest.fixture
def article():
    return ArticleFactory(
        title="Navy launches second frigate", section=SectionFactory(name="Naval")
    )


def login(client, user):
    client.force_login(user)
    return client


def action(client, name, reports, **params):
    return client.post(
        CHANGELIST + (f"?{params['query']}" if params else ""),
        {"action": name, "_selected_action": [r.pk for r in reports], "index": 0},
    )


# --- Who sees what ---------------------------------------------------------------------


def test_feedback_staff_see_only_error_reports(client, feedback_staff, article):
    report = make_report(article)
    login(client, feedback_staff)

    index = client.get("/admin/").content.decode()
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(change_url(report)).status_code == 200
    assert "Error reports" in index
    assert "/admin/articles/" not in index
    assert client.get("/admin/articles/article/").status_code == 403
    assert client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_feedback_staff_triage_but_cannot_add_delete_or_publish_corrections(
    client, feedback_staff, article
):
    report = make_report(article)
    login(client, feedback_staff)

    form = client.get(change_url(report)).content.decode()
    assert "Publish correction from this report" not in form
    assert client.get(f"{CHANGELIST}{report.pk}/correction/").status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert 'value="delete_selected"' not in client.get(CHANGELIST).content.decode()

    response = client.post(
        change_url(report),
        {
            "kind": "factual",
            "status": "needs_info",
            "assignee": feedback_staff.pk,
            "duplicate_of": "",
            "staff_notes": "Asked the reader for the source.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.NEEDS_INFO
    assert report.assignee == feedback_staff
    assert report.staff_notes == "Asked the reader for the source."
    assert report.quoted_text == "The frigate displaces 4,000 tonnes"  # the reader's words


def test_editors_see_reports_and_can_publish_corrections(client, editor, article):
    report = make_report(article)
    login(client, editor)

    assert client.get(CHANGELIST).status_code == 200
    form = client.get(change_url(report)).content.decode()
    assert "Publish correction from this report" in form
    assert f"/admin/articles/article/{article.pk}/change/" in form


def test_a_duplicate_pointer_needs_the_duplicate_status(client, feedback_staff, article):
    first, second = make_report(article), make_report(article)
    login(client, feedback_staff)
    data = {"kind": "factual", "assignee": "", "staff_notes": "", "duplicate_of": first.pk}

    refused = client.post(change_url(second), {**data, "status": "triaged"})
    accepted = client.post(change_url(second), {**data, "status": "duplicate"})

    assert "Only a report marked “Duplicate” can point" in refused.content.decode()
    assert accepted.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of == first and second.resolved_at is not None


# --- The list ----------------------------------------------------------------------------


def test_list_shows_status_kind_article_links_age_and_assignee(client, editor, article):
    make_report(article, assignee=editor, created=timezone.now() - timedelta(days=3))
    make_report(page_url="/support/", kind=ErrorReport.Kind.BROKEN, quoted_text="Dead link")
    login(client, editor)

    html = client.get(CHANGELIST).content.decode()

    assert "Factual error" in html and "Broken link or image" in html
    assert html.count(">New<") >= 2
    assert f'href="{article.get_absolute_url()}"' in html
    assert f'href="/admin/articles/article/{article.pk}/change/"' in html
    assert "3\xa0days" in html
    assert "desk-editor" in html
    # A page that is not an article: its full address, to open in a new tab.
    assert (
        f'<a href="{settings.SITE_URL}/support/" target="_blank" rel="noopener noreferrer">'
        "/support/</a>" in html
    )


def test_list_leaves_out_article_admin_links_for_feedback_staff(client, feedback_staff, article):
    make_report(article)
    login(client, feedback_staff)

    html = client.get(CHANGELIST).content.decode()

    assert f'href="{article.get_absolute_url()}"' in html
    assert "/admin/articles/article/" not in html


def test_list_filters_by_status_kind_section_assignee_and_date_and_searches(
    client, editor, article
):
    other_section = ArticleFactory(section=SectionFactory(name="Land"))
    wanted = make_report(article, assignee=editor, quoted_text="radar range of 300 km")
    make_report(article, status=ErrorReport.Status.TRIAGED, quoted_text="crew of twelve")
    make_report(other_section, kind=ErrorReport.Kind.GRAMMAR, quoted_text="there guns")
    make_report(article, created=timezone.now() - timedelta(days=40), quoted_text="old one")
    login(client, editor)

    def shown(query):
        response = client.get(f"{CHANGELIST}?{query}")
        return sorted(r.quoted_text for r in response.context["cl"].result_list)

    assert shown("status__exact=triaged") == ["crew of twelve"]
    assert shown("kind__exact=grammar") == ["there guns"]
    assert "there guns" not in shown(f"article__section__id__exact={article.section_id}")
    assert shown(f"assignee__id__exact={editor.pk}") == ["radar range of 300 km"]
    assert "old one" not in shown("created__gte=" + timezone.localdate().strftime("%Y-%m-%d"))
    assert shown("q=radar") == ["radar range of 300 km"]
    assert wanted.pk


@pytest.mark.parametrize("size", [3, 30])
def test_list_runs_a_fixed_number_of_queries(client, editor, django_assert_num_queries, size):
    for n in range(size):
        make_report(ArticleFactory(), assignee=editor if n % 2 else None)
    login(client, editor)
    client.get(CHANGELIST)  # the header's "Assigned to me" count, cached from then on
    # session, user, 2 × permissions, section and assignee filters, 2 counts, the rows,
    # 2 × date hierarchy
    with django_assert_num_queries(11):
        assert client.get(CHANGELIST).status_code == 200


# --- Bulk actions -------------------------------------------------------------------------


def test_bulk_actions_assign_triage_resolve_and_mark_spam(client, feedback_staff, article):
    reports = [make_report(article, quoted_text=f"claim {n}") for n in range(5)]
    login(client, feedback_staff)

    action(client, "assign_to_me", reports[:2])
    action(client, "mark_triaged", reports[:2])
    action(client, "resolve_fixed", reports[2:3])
    action(client, "resolve_no_change", reports[3:4])
    response = action(client, "mark_spam", reports[4:])

    assert response.status_code == 302
    states = {
        r.quoted_text: (r.status, r.assignee_id, r.resolved_at is not None)
        for r in ErrorReport.objects.all()
    }
    assert states == {
        "claim 0": ("triaged", feedback_staff.pk, False),
        "claim 1": ("triaged", feedback_staff.pk, False),
        "claim 2": ("fixed", None, True),
        "claim 3": ("no_change", None, True),
        "claim 4": ("spam", None, True),
    }
    history = LogEntry.objects.filter(object_id=str(reports[0].pk))
    assert history.count() == 2 and history.filter(user=feedback_staff).count() == 2


def test_reopening_a_resolved_report_clears_its_resolved_date(client, feedback_staff, article):
    report = make_report(article, status=ErrorReport.Status.NO_CHANGE)
    assert report.resolved_at is not None
    login(client, feedback_staff)

    action(client, "mark_triaged", [report])

    report.refresh_from_db()
    assert report.status == "triaged" and report.resolved_at is None


# --- CSV export -----------------------------------------------------------------------------


def test_csv_export_follows_the_filtered_list_and_defuses_formulas(client, feedback_staff, article):
    make_report(article, quoted_text="=HYPERLINK('http://evil.example')", email="r@example.org")
    make_report(article, status=ErrorReport.Status.SPAM, quoted_text="spam text")
    login(client, feedback_staff)

    listing = client.get(f"{CHANGELIST}?status__exact=new").content.decode()
    assert 'href="/admin/feedback/errorreport/export/?status__exact=new"' in listing
    response = client.get(f"{CHANGELIST}export/?status__exact=new")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["id", "created", "status", "kind"]
    assert len(rows) == 2
    assert rows[1][2] == "New" and rows[1][4] == "Navy launches second frigate"
    assert rows[1][6] == "'=HYPERLINK('http://evil.example')"
    assert rows[1][10] == "r@example.org"


def test_csv_export_needs_permission(client, article):
    make_report(article)
    login(client, UserFactory(is_staff=True))

    assert client.get(f"{CHANGELIST}export/").status_code == 403


# --- Duplicates -------------------------------------------------------------------------


def test_change_form_links_open_reports_quoting_similar_text(client, feedback_staff, article):
    original = make_report(article, quoted_text="The frigate displaces 4,000 tonnes fully loaded")
    closed = make_report(
        article, quoted_text="The frigate displaces 4,000 tonnes", status="no_change"
    )
    elsewhere = make_report(ArticleFactory(), quoted_text="The frigate displaces 4,000 tonnes")
    unrelated = make_report(article, quoted_text="commissioned in March")
    report = make_report(article, quoted_text="frigate displaces 4000 tonnes")
    login(client, feedback_staff)

    html = client.get(change_url(report)).content.decode()

    assert f'href="{change_url(original)}"' in html
    for other in (closed, elsewhere, unrelated):
        assert f'href="{change_url(other)}"' not in html
    lonely = client.get(change_url(unrelated)).content.decode()
    assert "None found" in lonely


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


# --- Admin front page ----------------------------------------------------------------


def test_admin_front_page_counts_new_reports_for_those_who_may_see_them(
    client, feedback_staff, article
):
    for n in range(7):
        make_report(article, quoted_text=f"claim {n}")
    make_report(article, status=ErrorReport.Status.TRIAGED)
    login(client, feedback_staff)

    response = client.get("/admin/")
    panel = next(p for p in response.context["dashboard_panels"] if "error reports" in p["title"])

    assert panel["count"] == 7
    assert len(panel["items"]) == 5
    assert panel["link"][1] == f"{CHANGELIST}?status__exact=new"
    assert "New error reports" in response.content.decode()

    client.force_login(UserFactory(username="someone-else", is_staff=True))
    html = client.get("/admin/").content.decode()
    assert "New error reports" not in html


def test_assignee_list_offers_only_people_who_may_act_on_reports_by_name(
    client, feedback_staff, editor, article
):
    feedback_staff.first_name, feedback_staff.last_name = "Tove", "Hagen"
    feedback_staff.save()
    UserFactory(username="bystander", first_name="Bo", last_name="Stander", is_staff=True)
    UserFactory(username="gone", first_name="Old", last_name="Hand", is_staff=True, is_active=False)
    report = make_report(article)
    login(client, feedback_staff)

    form = client.get(change_url(report)).context["adminform"].form
    offered = [label for value, label in form.fields["assignee"].choices if value]
    assert "Tove Hagen" in offered
    assert "desk-editor" in offered  # no full name: the username
    assert "Bo Stander" not in offered and "bystander" not in offered
    assert "Old Hand" not in offered
    assert all("@" not in label for label in offered)
