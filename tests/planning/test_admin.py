"""The planning desk in the admin, as editors and contributors use it."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from planning import budget
from planning.models import BudgetLine, Event

CHANGELIST = "/admin/planning/budgetline/"


def _split(name, moment):
    local = timezone.localtime(moment)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def _line_data(section, writers=(), deadline=None, **extra):
    data = {
        "slug": "budget-hearing-preview",
        "pitch": "What the committee will ask about the tanker delay.",
        "section": section.pk,
        "priority": "2",
        "status": "idea",
        "writers": [w.pk for w in writers],
        **_split("deadline", deadline or timezone.now() + timedelta(days=1)),
        **extra,
    }
    return data


def test_an_editor_plans_and_assigns_a_line_and_the_writer_is_told(
    client, editor, section, carl, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}add/", _line_data(section, [carl]))

    assert response.status_code == 302
    line = BudgetLine.objects.get(slug="budget-hearing-preview")
    assert line.status == BudgetLine.Status.ASSIGNED
    assert line.created_by == editor
    assert [m.to for m in mail.outbox] == [["carl@example.org"]]


def test_a_deadline_in_the_past_asks_for_confirmation_and_keeps_what_was_typed(
    client, editor, section, carl
):
    client.force_login(editor)
    past = timezone.now() - timedelta(hours=3)

    response = client.post(f"{CHANGELIST}add/", _line_data(section, [carl], deadline=past))

    assert response.status_code == 200
    assert "The deadline has already passed" in response.content.decode()
    assert "What the committee will ask" in response.content.decode()
    assert not BudgetLine.objects.exists()

    data = _line_data(section, [carl], deadline=past, confirm_past_deadline="on")
    assert client.post(f"{CHANGELIST}add/", data).status_code == 302
    assert BudgetLine.objects.get().status == BudgetLine.Status.ASSIGNED


def test_a_fee_needs_a_freelance_writer_and_a_currency(client, editor, section, carl, freelancer):
    client.force_login(editor)

    staff_only = client.post(f"{CHANGELIST}add/", _line_data(section, [carl], fee="300"))
    assert "A fee is for freelance commissions" in staff_only.content.decode()
    no_currency = client.post(f"{CHANGELIST}add/", _line_data(section, [freelancer], fee="300"))
    assert "Choose the fee" in no_currency.content.decode()

    ok = client.post(
        f"{CHANGELIST}add/", _line_data(section, [freelancer], fee="300", currency="EUR")
    )
    assert ok.status_code == 302
    assert BudgetLine.objects.get().fee == Decimal("300")


def test_contributors_see_only_their_own_assignments_and_no_fees(
    client, contributor, carl, line, section, freelancer
):
    budget.assign(line, [carl])
    other = BudgetLine.objects.create(slug="someone-elses-story", pitch="Not Carl's.")
    budget.assign(other, [freelancer])
    client.force_login(contributor)

    listing = client.get(CHANGELIST).content.decode()
    assert "frigate-sea-trials" in listing
    assert "someone-elses-story" not in listing
    assert client.get(f"{CHANGELIST}{other.pk}/change/").status_code == 302  # not theirs
    own = client.get(f"{CHANGELIST}{line.pk}/change/").content.decode()
    assert "Start the article" in own
    assert "Freelance commission" not in own
    assert client.get(reverse("admin:planning_commissions")).status_code == 403


def test_a_contributor_starts_the_draft_from_their_line_but_not_from_anothers(
    client, contributor, carl, line, freelancer
):
    budget.assign(line, [carl])
    other = BudgetLine.objects.create(slug="someone-elses-story", pitch="Not Carl's.")
    budget.assign(other, [freelancer])
    client.force_login(contributor)

    response = client.post(reverse("admin:planning_budgetline_start", args=[line.pk]))

    article = Article.objects.get()
    assert response.url == reverse("admin:articles_article_change", args=[article.pk])
    assert article.created_by == contributor
    assert (
        client.post(reverse("admin:planning_budgetline_start", args=[other.pk])).status_code == 404
    )
    assert Article.objects.count() == 1


def test_my_assignments_and_overdue_on_the_dashboard(client, contributor, editor, carl, line):
    budget.assign(line, [carl])
    late = BudgetLine.objects.create(
        slug="late-story",
        pitch="It was due yesterday.",
        deadline=timezone.now() - timedelta(days=1),
    )

    client.force_login(contributor)
    mine = client.get("/admin/").content.decode()
    assert "My assignments" in mine
    assert "frigate-sea-trials" in mine
    assert "Overdue stories" not in mine

    client.force_login(editor)
    desk = client.get("/admin/").content.decode()
    assert "Overdue stories" in desk
    assert late.slug in desk


def test_views_today_this_week_overdue_by_section_and_by_person(
    client, editor, carl, line, section
):
    budget.assign(line, [carl])
    BudgetLine.objects.create(
        slug="late-story", pitch="Due yesterday.", deadline=timezone.now() - timedelta(days=1)
    )
    BudgetLine.objects.create(
        slug="far-story", pitch="Next month.", deadline=timezone.now() + timedelta(days=40)
    )
    client.force_login(editor)

    def slugs(query):
        response = client.get(f"{CHANGELIST}?{query}")
        return {line.slug for line in response.context["cl"].result_list}

    assert slugs("when=overdue") == {"late-story"}
    assert slugs(f"section__id__exact={section.pk}") == {"frigate-sea-trials"}
    assert slugs(f"writer={carl.pk}") == {"frigate-sea-trials"}
    assert "far-story" not in slugs("when=week")


def test_the_calendar_shows_lines_scheduled_articles_and_events_with_links(client, editor, line):
    from tests.factories import ArticleFactory

    scheduled = ArticleFactory(
        title="Tanker contract signed", published_at=timezone.now() + timedelta(days=1)
    )
    event = Event.objects.create(
        title="Naval exercise Grey Harbour",
        starts_at=timezone.now() + timedelta(days=2),
        place="North Sea",
    )
    client.force_login(editor)
    due_day = timezone.localtime(line.deadline).date()

    week = client.get(reverse("admin:planning_calendar") + f"?start={due_day}")
    month = client.get(reverse("admin:planning_calendar") + f"?view=month&start={due_day}")

    for response in (week, month):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Due: frigate-sea-trials" in page
        assert reverse("admin:planning_budgetline_change", args=[line.pk]) in page
    assert "Week of" in week.context["heading"]
    page = client.get(
        reverse("admin:planning_calendar") + f"?view=month&start={event.starts_at.date()}"
    ).content.decode()
    assert "Scheduled: Tanker contract signed" in page
    assert reverse("admin:articles_article_change", args=[scheduled.pk]) in page
    assert reverse("admin:planning_event_change", args=[event.pk]) in page


def test_a_past_event_shows_what_was_published_from_it(client, editor, line):
    from tests.factories import ArticleFactory

    event = Event.objects.create(
        title="Arms fair", starts_at=timezone.now() - timedelta(days=3), place="Paris"
    )
    article = ArticleFactory(title="Drones dominate the arms fair")
    BudgetLine.objects.filter(pk=line.pk).update(
        event=event, article=article, status=BudgetLine.Status.PUBLISHED
    )
    client.force_login(editor)

    page = client.get(reverse("admin:planning_event_change", args=[event.pk])).content.decode()

    assert "Drones dominate the arms fair" in page
    assert article.get_absolute_url() in page


def test_commissions_become_payable_on_publication_with_a_csv_per_freelancer(
    client, editor, freelancer, section
):
    line = BudgetLine.objects.create(
        slug="shipyard-feature",
        pitch="Inside the yard.",
        section=section,
        fee=Decimal("450.00"),
        currency="EUR",
    )
    budget.assign(line, [freelancer])
    article = budget.start_article(line, editor)
    article.title = "Inside the northern shipyard"
    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
    article.save()
    budget.follow_article(article)
    client.force_login(editor)

    month = f"{timezone.localdate():%Y-%m}"
    summary = client.get(reverse("admin:planning_commissions") + f"?month={month}")
    assert "Ines Freelance" in summary.content.decode()
    assert "450.00 EUR" in summary.content.decode()

    download = client.get(
        reverse("admin:planning_commissions") + f"?month={month}&freelancer={freelancer.pk}"
    )
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0] == ["published", "story slug", "headline", "section", "fee", "currency"]
    assert rows[1][1:] == [
        "shipyard-feature",
        "Inside the northern shipyard",
        "Naval",
        "450.00",
        "EUR",
    ]


def test_reports_count_planned_against_published_and_time_to_publication(
    client, editor, section, carl
):
    now = timezone.now()
    for n in range(3):
        BudgetLine.objects.create(
            slug=f"planned-{n}", pitch="A story.", section=section, publish_at=now
        )
    BudgetLine.objects.filter(slug="planned-0").update(
        status=BudgetLine.Status.PUBLISHED,
        assigned_at=now - timedelta(hours=30),
        published_at=now,
    )
    client.force_login(editor)

    response = client.get(reverse("admin:planning_reports"))

    page = response.content.decode()
    assert "<td>3</td><td>1</td>" in page.replace("\n", "").replace("        ", "")
    assert "30.0 hours" in page
    assert "<svg" in page


def test_the_budget_writes_target_publication_like_the_due_time(client, editor, line):
    BudgetLine.objects.create(slug="no-date-yet", pitch="Undated idea.")
    client.force_login(editor)
    response = client.get(CHANGELIST)
    page = response.content.decode()
    runs = f"{timezone.localtime(line.publish_at):%a %d %b %H:%M}"
    due = f"{timezone.localtime(line.deadline):%a %d %b %H:%M}"
    assert f'<td class="field-runs">{runs}</td>' in page
    assert f'<td class="field-due">{due}</td>' in page
    assert '<td class="field-runs">—</td>' in page
