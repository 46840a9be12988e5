"""Who may publish a correction from a report, and what a refusal says (feedback/rules.py)."""

import pytest
from django.contrib.auth.models import Permission

from feedback import rules
from feedback.models import ErrorReport
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(groups):
    user = UserFactory(username="dana", first_name="Dana", last_name="Desk", is_staff=True)
    user.groups.add(groups["Editor"])
    return user


@pytest.fixture
def report(article):
    return ErrorReport.objects.create(article=article, quoted_text="forty drones")


def test_editors_may_publish_corrections(editor, report):
    assert rules.can_publish_corrections(editor)
    assert rules.correction_refusal(editor, report) is None


def test_superusers_may_publish_corrections(report):
    boss = UserFactory(is_staff=True, is_superuser=True)
    assert rules.correction_refusal(boss, report) is None


def test_feedback_staff_may_not_and_are_told_who_the_report_is_assigned_to(
    feedback_staff, editor, report
):
    report.assignee = editor

    refusal = rules.correction_refusal(feedback_staff, report)

    assert refusal.tried == f"Publish a correction from report #{report.pk}"
    assert refusal.reason.startswith("Only editors can publish corrections")
    assert refusal.who.startswith("This report is assigned to Dana Desk, an editor, who can")
    assert "Assigned to me" in refusal.who


def test_unassigned_report_names_the_editors_who_can(feedback_staff, editor, report):
    other = UserFactory(username="zed", is_staff=True)
    other.groups.add(editor.groups.get())
    UserFactory(username="gone", is_staff=True, is_active=False).groups.add(editor.groups.get())

    refusal = rules.correction_refusal(feedback_staff, report)

    assert "Editors can: Dana Desk and zed." in refusal.who
    assert "gone" not in refusal.who
    assert "Assign the report to one of them" in refusal.who


def test_report_assigned_to_someone_who_cannot_publish_says_so(feedback_staff, editor, report):
    colleague = UserFactory(username="pat", is_staff=True)
    report.assignee = colleague

    refusal = rules.correction_refusal(feedback_staff, report)

    assert refusal.who.startswith("It is assigned to pat, who cannot publish it either.")
    assert "Editors can: Dana Desk." in refusal.who


def test_long_lists_of_editors_are_cut_short(feedback_staff, editor, report):
    for n in range(7):
        UserFactory(username=f"ed{n}", is_staff=True).groups.add(editor.groups.get())

    who = rules.correction_refusal(feedback_staff, report).who

    assert "and other editors" in who and who.count(", ") == 4


def test_nobody_able_to_publish_is_said_plainly(feedback_staff, report):
    assert "ask an administrator" in rules.correction_refusal(feedback_staff, report).who


def test_publish_permission_without_the_correction_permission_is_not_enough(groups, report):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="publish_article"))

    refusal = rules.correction_refusal(user, report)

    assert refusal is not None and "Only editors" in refusal.reason


def test_editor_role_on_an_unreadable_article_is_explained(report):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["publish_article", "add_correction"])
    )
    refusal = rules.correction_refusal(user, report)

    assert "may not change this article" in refusal.reason


def test_report_on_another_article_is_judged_on_that_article(editor):
    report = ErrorReport.objects.create(article=ArticleFactory(status="draft", published_at=None))
    assert rules.correction_refusal(editor, report) is None
