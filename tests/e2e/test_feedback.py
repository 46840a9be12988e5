"""The whole loop in a real browser: a reader reports an error from an article page; a
feedback staff member triages it; an editor publishes a correction; readers see it."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core import mail

from articles.models import Correction
from feedback.models import ErrorReport
from tests.e2e.conftest import assert_accessible, login_admin, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.workflow_helpers import ensure_groups

pytestmark = pytest.mark.django_db(transaction=True)

groups_migration = importlib.import_module("feedback.migrations.0002_feedback_staff_group")


@pytest.fixture(autouse=True)
def _fast_enough_for_a_script(settings):
    # The form refuses answers sent back within FEEDBACK_MIN_FORM_SECONDS; a script types
    # faster than a person, so allow it one second.
    settings.FEEDBACK_MIN_FORM_SECONDS = 1


@pytest.fixture
def article():
    return ArticleFactory(
        title="Army takes delivery of its first wheeled howitzers",
        standfirst="Twelve systems arrived at the artillery school this week.",
        body="<p>The army said the twelve howitzers have a range of 40 kilometres.</p>"
        "<p>Training starts next month.</p>",
        section=SectionFactory(name="Land", slug="land"),
        lead_image=ImageFactory(),
        authors=[AuthorFactory(name="Mara Lindqvist")],
    )


@pytest.fixture
def staff_users(django_user_model):
    ensure_groups()  # the newsroom's roles (Editor publishes), gone after another test's flush
    groups_migration.create_groups(apps)
    triager = django_user_model.objects.create_user(
        "triager", "triager@example.org", "pw-triage-1", is_staff=True
    )
    triager.groups.add(Group.objects.get(name="Feedback staff"))
    editor = django_user_model.objects.create_user(
        "editor", "editor@example.org", "pw-editor-1", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_article", "change_article", "add_correction", "view_correction"],
        )
    )
    return triager, editor


def test_reader_report_becomes_a_published_correction(
    page, browser, live_server, article, staff_users
):
    # 1. A reader finds the error line under the article and follows it.
    page.goto(article.get_absolute_url())
    line = page.locator(".report-error")
    assert line.inner_text() == "Found a grammatical or factual error? Tell us"
    line.get_by_role("link", name="Tell us").click()
    page.wait_for_url(f"**/feedback/report/?article={article.pk}")
    assert (
        "Army takes delivery of its first wheeled howitzers"
        in page.locator(".feedback-about").inner_text()
    )
    assert_accessible(page)

    # Sending it half-filled shows what to fix, keeping what was typed.
    page.get_by_label("Your e-mail address (optional)").fill("reader@example.org")
    page.get_by_label("Tell me what you did about it").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send report").click()
    summary = page.get_by_role("alert")
    assert "Tell us what is wrong" in summary.inner_text()
    assert page.get_by_label("Your e-mail address (optional)").input_value() == (
        "reader@example.org"
    )
    assert_accessible(page)
    screenshot(page, "feedback-form-errors")

    page.get_by_label("Factual error").check()
    page.get_by_label("The text that is wrong").fill("a range of 40 kilometres")
    page.get_by_label("What it should say").fill("a range of 50 kilometres")
    page.get_by_label("Anything else we should know").fill(
        "The manufacturer's data sheet gives 50 km with assisted shells."
    )
    screenshot(page, "feedback-form-filled")
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(f"**/feedback/thanks/?article={article.pk}")
    assert page.locator("h1").inner_text() == "Thank you"
    assert_accessible(page)
    screenshot(page, "feedback-thanks")

    report = ErrorReport.objects.get()
    assert report.status == ErrorReport.Status.NEW and report.wants_reply
    assert {tuple(m.to) for m in mail.outbox} == {("triager@example.org",), ("reader@example.org",)}

    # 2. Feedback staff find it on the admin front page and triage it.
    triager_context = browser.new_context(base_url=live_server.url)
    triage = triager_context.new_page()
    login_admin(triage, "triager", "pw-triage-1")
    panel = triage.locator(".dashboard-panel", has_text="New error reports")
    assert panel.locator(".panel-count").inner_text() == "1"
    screenshot(triage, "feedback-admin-dashboard")
    panel.get_by_role("link", name="All new reports").click()
    triage.wait_for_url("**/admin/feedback/errorreport/?status__exact=new")
    rows = triage.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Army takes delivery" in rows.first.inner_text()
    screenshot(triage, "feedback-admin-list")
    rows.first.locator("th a").click()
    triage.wait_for_selector("#errorreport_form")
    assert triage.get_by_role("link", name="Publish correction from this report").count() == 0
    assert (
        "Only editors can publish corrections"
        in triage.locator(".correction-handover").inner_text()
    )
    triage.select_option("#id_status", "triaged")
    triage.select_option("#id_assignee", label="triager")
    triage.fill("#id_staff_notes", "Checked the data sheet: 50 km is right.")
    screenshot(triage, "feedback-admin-report")
    triage.click("input[name=_save]")
    triage.wait_for_selector(".messagelist .success")
    assert triage.request.get("/admin/articles/article/").status == 403
    triager_context.close()
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.TRIAGED

    # 3. An editor publishes a correction from the report.
    editor_context = browser.new_context(base_url=live_server.url)
    desk = editor_context.new_page()
    login_admin(desk, "editor", "pw-editor-1")
    desk.goto(f"/admin/feedback/errorreport/{report.pk}/change/")
    desk.get_by_role("link", name="Publish correction from this report").click()
    desk.wait_for_url(f"**/admin/feedback/errorreport/{report.pk}/correction/")
    assert "a range of 40 kilometres" in desk.locator("#id_text").input_value()
    desk.fill(
        "#id_text",
        "An earlier version of this article gave the howitzer's range as 40 kilometres. "
        "With assisted shells it is 50 kilometres.",
    )
    # This one only adds to the record; the next test fixes the text with the correction.
    desk.get_by_label("The article's text needs no change").check()
    screenshot(desk, "feedback-admin-correction-form")
    desk.get_by_role("button", name="Publish correction and resolve the report").click()
    desk.wait_for_selector(".messagelist .success")
    assert "The reader will be told by e-mail." in desk.locator(".messagelist").inner_text()
    editor_context.close()

    correction = Correction.objects.get()
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.FIXED and report.correction == correction
    notice = mail.outbox[-1]
    assert notice.to == ["reader@example.org"] and "50 kilometres" in notice.body

    # 4. Readers see it on the article and in the corrections log.
    page.goto(article.get_absolute_url())
    shown = page.locator(f"#correction-{correction.pk}")
    assert shown.inner_text().startswith("Correction, ")
    assert "With assisted shells it is 50 kilometres." in shown.inner_text()
    assert_accessible(page)
    screenshot(page, "feedback-correction-on-article")

    page.locator(".site-footer").get_by_role("link", name="Corrections", exact=True).click()
    page.wait_for_url("**/corrections/")
    entry = page.locator(".correction-entry").first
    assert "Army takes delivery of its first wheeled howitzers" in entry.inner_text()
    assert_accessible(page)
    screenshot(page, "feedback-corrections-log")
    entry.get_by_role("link").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#correction-{correction.pk}")
    assert not page.console_errors


def test_reader_without_javascript_reports_a_broken_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/corrections/")
        page.get_by_role("link", name="report a problem with another page").click()
        page.wait_for_url("**/feedback/report/")
        page.get_by_label("Address of the page").fill("/authors/")
        page.get_by_label("Broken link or image").check()
        page.get_by_label("Anything else we should know").fill(
            "The photo of the editor is missing."
        )
        page.wait_for_timeout(1100)
        page.get_by_role("button", name="Send report").click()
        page.wait_for_url("**/feedback/thanks/")
        screenshot(page, "feedback-no-js-thanks")
    finally:
        context.close()

    report = ErrorReport.objects.get()
    assert report.page_url == "/authors/" and report.kind == ErrorReport.Kind.BROKEN
    assert report.article is None


def test_report_form_on_a_phone(page, article):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/feedback/report/?article={article.pk}")
    screenshot(page, "feedback-form-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def select_words(page, editable, words):
    """Select `words` inside a CKEditor editable as a person would with the mouse."""
    page.evaluate(
        """([selector, words]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(walker.currentNode, at);
                range.setEnd(walker.currentNode, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return;
            }
            throw new Error("not in the editor: " + words);
        }""",
        [editable, words],
    )


def test_correction_fixes_the_story_and_readers_see_what_changed(
    page, browser, live_server, staff_users
):
    """Issue 13: the correction said "fourteen" but the body still said "forty". Now the
    editor fixes the body beside the correction, one save publishes both, and readers can
    open exactly what changed."""
    article = ArticleFactory(
        title="Brigade tests its drone swarm",
        body="<p>The brigade flew forty drones at a time over the range.</p>"
        "<p>The exercise lasted a week.</p>",
        section=SectionFactory(name="Air", slug="air"),
        lead_image=ImageFactory(),
        authors=[AuthorFactory(name="Ines Okafor")],
    )
    triager, editor = staff_users
    editor.first_name, editor.last_name = "Dana", "Desk"
    editor.save()
    # Feedback staff triaged the reader's report and handed it to the editor.
    report = ErrorReport.objects.create(
        article=article,
        quoted_text="It flew forty drones at a time.",
        suggested_correction="fourteen drones",
        status=ErrorReport.Status.TRIAGED,
        assignee=editor,
    )

    # Feedback staff who try the editor's action are told why not and who can.
    triage_context = browser.new_context(base_url=live_server.url)
    triage = triage_context.new_page()
    login_admin(triage, "triager", "pw-triage-1")
    refused = triage.goto(f"/admin/feedback/errorreport/{report.pk}/correction/")
    assert refused.status == 403
    text = triage.locator("#content-main").inner_text()
    assert "Only editors can publish corrections" in text
    assert "This report is assigned to Dana Desk, an editor, who can publish it." in text
    screenshot(triage, "corrections-refused-feedback-staff")
    triage_context.close()

    # The editor finds it under "Assigned to me" (front page and header).
    desk_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 1000}
    )
    desk = desk_context.new_page()
    login_admin(desk, "editor", "pw-editor-1")
    assert desk.locator(".assigned-link .assigned-count").inner_text().startswith("1")
    mine = desk.locator(".dashboard-panel", has_text="Assigned to me")
    assert mine.locator(".panel-count").inner_text() == "1"
    screenshot(desk, "corrections-admin-assigned-to-me")
    mine.get_by_role("link", name=f"#{report.pk} Factual error").click()
    desk.wait_for_url(f"**/admin/feedback/errorreport/{report.pk}/change/")
    desk.get_by_role("link", name="Publish correction from this report").click()
    desk.wait_for_url(f"**/admin/feedback/errorreport/{report.pk}/correction/")

    # The body is open beside the correction; fix the word and save once.
    desk.wait_for_selector(".correction-article .ck-editor__editable")
    editable = ".correction-article .ck-editor__editable"
    assert "forty drones" in desk.locator(editable).inner_text()
    desk.locator(editable).click()
    select_words(desk, editable, "forty")
    desk.keyboard.type("fourteen")
    assert "fourteen drones" in desk.locator(editable).inner_text()
    desk.fill(
        "#id_text",
        "An earlier version of this article said the brigade flew forty drones at a time. "
        "It flew fourteen.",
    )
    assert_accessible(desk)
    screenshot(desk, "corrections-admin-correction-screen")
    desk.get_by_role("button", name="Publish correction and resolve the report").click()
    desk.wait_for_selector(".messagelist .success")
    assert "with the corrected text" in desk.locator(".messagelist").inner_text()
    desk_context.close()

    correction = Correction.objects.get()
    article.refresh_from_db()
    assert "fourteen drones" in article.body and "forty" not in article.body
    assert correction.revision is not None

    # Readers see the corrected body, the notice, and what changed.
    page.goto(article.get_absolute_url())
    body = page.locator(".article-body").inner_text()
    assert "The brigade flew fourteen drones at a time" in body and "forty" not in body
    notice = page.locator(f"#correction-{correction.pk}")
    assert "It flew fourteen." in notice.inner_text()
    screenshot(page, "corrections-reader-article-with-notice")
    notice.get_by_role("link", name="See what we changed").click()
    page.wait_for_url(f"**{article.get_absolute_url()}changes/{correction.revision_id}/")
    assert page.locator("h1").inner_text() == "What we changed"
    assert page.locator(".changes-field del").text_content() == "[removed:] forty [end]"
    assert page.locator(".changes-field ins").text_content() == "[added:] fourteen [end]"
    assert (
        page.locator(".changes-field del").evaluate("el => getComputedStyle(el).textDecorationLine")
        == "line-through"
    )
    assert "It flew fourteen." in page.locator(".corrections").inner_text()
    assert_accessible(page)
    screenshot(page, "corrections-reader-diff-page")
    assert not page.console_errors
