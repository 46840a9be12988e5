"""The hand-off: open reports assigned to someone stay in sight on their admin front page
("Assigned to me") and in every admin page's header, with a count."""

import pytest
from django.contrib.auth.models import Permission

from feedback.models import ErrorReport
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feedback/errorreport/"


@pytest.fixture
def editor(groups):
    user = UserFactory(username="dana", is_staff=True)
    user.groups.add(groups["Editor"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_article"]))
    return user


def panel(response, title="Assigned to me"):
    return next(p for p in response.context["dashboard_panels"] if p["title"] == title)


def test_report_handed_to_an_editor_stays_on_their_front_page(
    client, feedback_staff, editor, article
):
    report = ErrorReport.objects.create(article=article, quoted_text="forty drones")
    client.force_login(feedback_staff)
    client.post(
        f"{CHANGELIST}{report.pk}/change/",
        {
            "kind": "factual",
            "status": "triaged",
            "assignee": editor.pk,
            "duplicate_of": "",
            "staff_notes": "Over to the desk.",
        },
    )
    report.refresh_from_db()
    assert report.assignee == editor and report.status == "triaged"

    client.force_login(editor)
    response = client.get("/admin/")

    mine = panel(response)
    assert mine["count"] == 1
    [(label, url, note)] = mine["items"]
    assert label == f"#{report.pk} Factual error: {article.title}"
    assert url == f"{CHANGELIST}{report.pk}/change/"
    assert note.startswith("Triaged, reported")
    assert mine["link"] == (
        "All my open reports",
        f"{CHANGELIST}?assignee__id__exact={editor.pk}&open=yes",
    )
    assert "New error reports" in response.content.decode()  # and it left that panel
    assert panel(response, "New error reports")["count"] == 0


def test_assigned_panel_shows_only_open_reports_of_this_person(client, editor, feedback_staff):
    article = ArticleFactory()
    mine = [
        ErrorReport.objects.create(article=article, assignee=editor, quoted_text=f"c{n}")
        for n in range(7)
    ]
    ErrorReport.objects.create(article=article, assignee=editor, status="fixed")
    ErrorReport.objects.create(article=article, assignee=feedback_staff)
    ErrorReport.objects.create(article=article)
    client.force_login(editor)

    found = panel(client.get("/admin/"))

    assert found["count"] == 7 and len(found["items"]) == 5
    assert found["items"][0][1].endswith(f"/{mine[0].pk}/change/")  # longest waiting first


def test_header_counts_open_reports_assigned_to_me_and_keeps_up(client, editor, article):
    client.force_login(editor)
    link = f'href="{CHANGELIST}?assignee__id__exact={editor.pk}&amp;open=yes"'

    html = client.get("/admin/").content.decode()
    assert link in html
    assert 'Assigned to me <span class="assigned-count">0' in html

    report = ErrorReport.objects.create(article=article, assignee=editor)
    html = client.get(CHANGELIST).content.decode()
    assert (
        'Assigned to me <span class="assigned-count">1<span class="visually-hidden"> open '
        "report</span>" in html
    )

    ErrorReport.objects.filter(pk=report.pk).set_status(ErrorReport.Status.FIXED)  # bulk
    assert 'class="assigned-count">0' in client.get("/admin/").content.decode()


def test_header_count_costs_no_query_once_cached(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    page = "/admin/articles/section/"  # no report lists or panels of its own
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    assert 'Assigned to me <span class="assigned-count">0' in response.content.decode()
    assert not [q for q in queries if ErrorReport._meta.db_table in q["sql"]]


def test_staff_who_do_not_handle_reports_see_no_assigned_link(client, article):
    client.force_login(UserFactory(is_staff=True))
    html = client.get("/admin/").content.decode()
    assert "Assigned to me" not in html


def test_list_filter_open_reports(client, editor, article):
    ErrorReport.objects.create(article=article, assignee=editor, quoted_text="open one")
    ErrorReport.objects.create(article=article, assignee=editor, quoted_text="done", status="fixed")
    client.force_login(editor)

    response = client.get(f"{CHANGELIST}?assignee__id__exact={editor.pk}&open=yes")

    assert [r.quoted_text for r in response.context["cl"].result_list] == ["open one"]
    closed = client.get(f"{CHANGELIST}?open=no")
    assert [r.quoted_text for r in closed.context["cl"].result_list] == ["done"]


def test_header_count_stops_at_99(client, editor, article, monkeypatch):
    monkeypatch.setattr("feedback.assigned.CAP", 3)
    for _ in range(5):
        ErrorReport.objects.create(article=article, assignee=editor)
    client.force_login(editor)
    assert 'class="assigned-count">3+<' in client.get(CHANGELIST).content.decode()
