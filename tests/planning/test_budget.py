"""The budget's rules: assigning, starting the article, following its workflow, people
leaving, deadlines passing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from planning import budget
from planning.emails import flag_overdue
from planning.models import BudgetLine
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the e-mail tasks) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_assigning_tells_the_writer_by_email_and_moves_an_idea_to_assigned(line, carl, committed):
    with committed():
        budget.assign(line, [carl])

    line.refresh_from_db()
    assert line.status == BudgetLine.Status.ASSIGNED
    assert line.assigned_at is not None
    assert [m.to for m in mail.outbox] == [["carl@example.org"]]
    assert "New assignment: frigate-sea-trials" in mail.outbox[0].subject
    assert "what the delay cost" in mail.outbox[0].body


def test_assigning_again_tells_only_the_new_writer(line, carl, freelancer, committed):
    with committed():
        budget.assign(line, [carl])
    with committed():
        budget.assign(line, [carl, freelancer])

    assert [m.to for m in mail.outbox] == [["carl@example.org"], ["ines@example.org"]]


def test_starting_the_article_fills_the_draft_from_the_line_and_links_them(line, carl, contributor):
    budget.assign(line, [carl])

    article = budget.start_article(line, contributor)

    assert article.status == Article.Status.DRAFT
    assert article.section == line.section
    assert article.standfirst.startswith("The second frigate")
    assert article.created_by == contributor
    assert list(article.authors.all()) == [carl]
    line.refresh_from_db()
    assert line.article == article


def test_a_line_cannot_be_linked_to_two_articles(line, editor):
    article = budget.start_article(line, editor)
    with pytest.raises(budget.PlanningError, match="already has its article"):
        budget.start_article(line, editor)
    other = BudgetLine.objects.create(slug="other", pitch="Another story.")
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=other.pk).update(article=article)


def test_submitting_files_the_line_and_publishing_publishes_it(line, carl, editor):
    budget.assign(line, [carl])
    article = budget.start_article(line, editor)

    article.status = Article.Status.IN_REVIEW
    article.save()
    line.refresh_from_db()
    assert line.status == BudgetLine.Status.FILED

    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
    article.save()
    line.refresh_from_db()
    assert line.status == BudgetLine.Status.PUBLISHED
    assert line.published_at == article.published_at


def test_a_scheduled_article_leaves_its_line_ready_until_it_appears(line, editor):
    article = budget.start_article(line, editor)
    BudgetLine.objects.filter(pk=line.pk).update(status=BudgetLine.Status.READY)

    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() + timedelta(hours=5)
    article.save()

    line.refresh_from_db()
    assert line.status == BudgetLine.Status.READY


def test_an_article_without_a_line_is_untouched(db):
    ArticleFactory()  # no error, nothing planned
    assert BudgetLine.objects.count() == 0


def test_deleting_a_writer_unassigns_and_flags_the_line_and_keeps_it(line, freelancer):
    budget.assign(line, [freelancer])

    freelancer.delete()

    line.refresh_from_db()
    assert line.status == BudgetLine.Status.IDEA
    assert line.assignments.count() == 0
    assert "Writer Ines Freelance was deleted" in line.needs_attention
    assert line.pitch.startswith("The second frigate")


def test_deleting_the_editor_flags_the_line(line, editor):
    editor.delete()

    line.refresh_from_db()
    assert line.editor is None
    assert "Editor Hana Berg was deleted" in line.needs_attention


def test_a_passed_deadline_without_a_filed_draft_is_flagged_to_the_editor_once(line, carl):
    budget.assign(line, [carl])
    mail.outbox.clear()
    later = line.deadline + timedelta(minutes=1)

    assert flag_overdue(now=later) == 1
    assert flag_overdue(now=later) == 0

    assert [m.to for m in mail.outbox] == [["hana@example.org"]]
    assert "Overdue: frigate-sea-trials" in mail.outbox[0].subject


def test_a_filed_line_is_not_overdue(line, carl, editor):
    budget.assign(line, [carl])
    article = budget.start_article(line, editor)
    article.status = Article.Status.IN_REVIEW
    article.save()
    mail.outbox.clear()

    assert flag_overdue(now=line.deadline + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_the_demo_plans_a_week_with_a_commission_and_runs_again_without_doubles(roles):
    from django.core.management import call_command

    call_command("load_demo", stdout=__import__("io").StringIO())
    call_command("load_demo", stdout=__import__("io").StringIO())

    assert BudgetLine.objects.count() == 4
    assert BudgetLine.objects.filter(status=BudgetLine.Status.ASSIGNED).count() == 3
    assert BudgetLine.objects.exclude(fee=None).get().currency == "EUR"
    assert BudgetLine.objects.exclude(event=None).count() == 2
