"""The error-report admin: who sees what, the list, bulk actions, the CSV export, possible
duplicates and the front page's panels."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from feedback.models import ErrorReport
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.helpers.feedback_admin import CHANGELIST, action, change_url, login, make_report

pytestmark = pytest.mark.django_db


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
