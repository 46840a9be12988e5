"""The planning desk in real Chromium: an editor plans a story and assigns a contributor, who
finds it under "My assignments", starts the draft from it and files it; the editor publishes
it, and the budget line shows it published."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from articles.models import Article
from planning.models import BudgetLine
from tests.e2e.conftest import assert_accessible, choose_image, login_admin, screenshot
from tests.factories import AuthorFactory, ImageFactory, SectionFactory
from tests.workflow_helpers import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)
_planning_groups = importlib.import_module("planning.migrations.0002_planning_groups")


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


def test_plan_assign_start_file_publish(page, browser, live_server):
    naval = SectionFactory(name="Naval", slug="naval")
    ImageFactory(caption="Frigate alongside", alt_text="A frigate alongside the quay")
    editor = member("Editor", "hana", first_name="Hana", last_name="Berg")
    carl = member("Contributor", "carl", first_name="Carl", last_name="Moss")
    _planning_groups.create_groups(apps)
    writer = AuthorFactory(name="Carl Moss", slug="carl-moss", user=carl)
    due = timezone.localtime(timezone.now() + timedelta(days=1)).replace(microsecond=0)

    # The editor plans the story and assigns Carl.
    login_admin(page, "hana", PASSWORD)
    page.goto("/admin/planning/budgetline/add/")
    page.fill("#id_slug", "frigate-sea-trials")
    page.fill("#id_pitch", "The second frigate starts sea trials; what the delay cost.")
    page.select_option("#id_section", str(naval.pk))
    page.select_option("#id_writers", str(writer.pk))
    page.select_option("#id_editor", str(editor.pk))
    page.fill("#id_deadline_0", due.strftime("%Y-%m-%d"))
    page.fill("#id_deadline_1", due.strftime("%H:%M:%S"))
    screenshot(page, "planning-line-form")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert "Assigned to Carl Moss" in page.locator(".messagelist").inner_text()
    assert "Assigned" in page.locator("#result_list").inner_text()
    screenshot(page, "planning-budget")
    assert [m.to for m in mail.outbox] == [["carl@example.org"]]

    # Carl finds it under "My assignments", starts the draft and files it.
    carl_context, carl_page = new_page(browser, live_server)
    login_admin(carl_page, "carl", PASSWORD)
    panel = carl_page.locator(".dashboard-panel", has_text="My assignments")
    assert "frigate-sea-trials" in panel.inner_text()
    screenshot(carl_page, "planning-my-assignments")
    assert_accessible(carl_page)
    panel.get_by_role("link", name="frigate-sea-trials").click()
    carl_page.get_by_role("button", name="Start the article").click()
    carl_page.wait_for_selector("#id_title")
    assert carl_page.input_value("#id_title") == "Frigate sea trials"
    carl_page.fill("#id_title", "Second frigate starts sea trials a year late")
    choose_image(carl_page, "frigate", "Frigate alongside")
    carl_page.locator(".ck-editor__editable").click()
    carl_page.keyboard.type("The frigate left the yard on Monday for eight weeks of trials.")
    carl_page.select_option("#id_status", "review")
    carl_page.click("input[name=_save]")
    carl_page.wait_for_selector(".messagelist .success")
    assert not carl_page.errors
    carl_context.close()

    article = Article.objects.get()
    line = BudgetLine.objects.get()
    assert (article.status, line.status, line.article_id) == ("review", "filed", article.pk)

    # The editor publishes it; the line shows it published.
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.select_option("#id_status", "published")
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Today").first.click()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").first.click()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    page.goto("/admin/planning/budgetline/")
    row = page.locator("#result_list tr", has_text="frigate-sea-trials")
    assert "Published" in row.inner_text()
    assert "Second frigate starts sea trials a year late" in row.inner_text()

    page.goto("/admin/planning/budgetline/calendar/?view=month")
    screenshot(page, "planning-calendar")
    assert_accessible(page)
    assert not page.console_errors


def test_calendar_week_reads_on_a_phone_and_its_items_carry_no_bullets(page, django_user_model):
    from planning.models import Event

    now = timezone.now()
    Event.objects.create(
        title="Defence committee hearing on the tanker programme",
        starts_at=now,
        ends_at=now + timedelta(hours=1),
    )
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-12345")
    login_admin(page, "boss", "pw-boss-12345")
    page.goto("/admin/planning/budgetline/calendar/")
    item = page.locator(".planning-grid li", has_text="tanker programme")
    assert item.evaluate("li => getComputedStyle(li).listStyleType") == "none"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert item.bounding_box()["width"] > 300  # a full-width row, not a column a word wide
    today = timezone.localdate()
    assert page.locator(".planning-today .planning-day").inner_text() == today.strftime("%a %-d %b")
    screenshot(page, "planning-calendar-phone")
