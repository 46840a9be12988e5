import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from feedback.models import ErrorReport
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_report_about_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        ErrorReport.objects.create(quoted_text="Something")


def test_database_refuses_a_reply_request_without_an_address():
    with pytest.raises(IntegrityError), transaction.atomic():
        ErrorReport.objects.create(page_url="/about/", wants_reply=True)


def test_database_refuses_a_resolved_status_without_a_date():
    report = ErrorReport.objects.create(page_url="/about/")
    with pytest.raises(IntegrityError), transaction.atomic():
        ErrorReport.objects.filter(pk=report.pk).update(status="fixed")


def test_report_reads_well_in_lists():
    article = ArticleFactory(title="Minehunter enters service")
    on_article = ErrorReport.objects.create(article=article, kind="grammar")
    on_page = ErrorReport.objects.create(page_url="/authors/", kind="broken")

    assert str(on_article) == f"#{on_article.pk} Grammar or spelling: “Minehunter enters service”"
    assert str(on_page) == f"#{on_page.pk} Broken link or image: /authors/"


def test_migrations_make_the_feedback_staff_group_with_only_report_permissions(groups):
    staff = Group.objects.get(name="Feedback staff")
    editor = Group.objects.get(name="Editor")

    assert sorted(staff.permissions.values_list("codename", flat=True)) == [
        "change_errorreport",
        "view_errorreport",
    ]
    assert {"view_errorreport", "change_errorreport"} <= set(
        editor.permissions.values_list("codename", flat=True)
    )


def test_group_migration_can_run_again_without_losing_anything(groups):
    from django.apps import apps

    from tests.feedback.conftest import _groups_migration

    staff = Group.objects.get(name="Feedback staff")
    staff.user_set.create(username="kept")
    _groups_migration.create_groups(apps)

    assert Group.objects.filter(name="Feedback staff").count() == 1
    assert staff.user_set.filter(username="kept").exists()
