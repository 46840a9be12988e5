"""The editor's desk in real Chromium: what CKEditor sends back is compared as stored, so
the history names only real changes."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail

from articles import figures
from articles.models import Article
from tests.e2e.conftest import login_admin
from tests.factories import ArticleFactory, ImageFactory
from tests.workflow_helpers import PASSWORD, change_url, member

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/work/shots/h25"
User = get_user_model()


def change_messages(article):
    entries = LogEntry.objects.filter(object_id=str(article.pk)).order_by("pk")
    return [entry.get_change_message() for entry in entries]


def test_saving_a_picture_untouched_in_ckeditor_does_not_log_a_body_change(page):
    member("Editor", "eve")
    image = ImageFactory()
    body = f"<p>The boat at sea.</p>{figures.figure_html(image, 'On trials')}<p>More.</p>"
    article = ArticleFactory(title="Boat on trials", body=body, status="draft")
    login_admin(page, "eve", PASSWORD)

    page.goto(change_url(article))
    page.wait_for_selector(".ck-editor__editable img")
    page.fill("#id_title", "Boat on sea trials")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert change_messages(article)[-1] == "Changed Title."

    editable = page.locator(".ck-editor__editable")
    editable.locator("p", has_text="More.").click()
    page.keyboard.press("End")
    page.keyboard.type(" Trials end in May.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert change_messages(article)[-1] == "Changed Body."
    assert not page.console_errors


def test_contributor_submits_and_is_told_the_truth_and_the_editor_is_emailed(
    page, browser, live_server
):
    member("Contributor", "carl", first_name="Carl", last_name="Berg")
    member("Editor", "eve")
    article = ArticleFactory(title="Coast guard orders patrol boats", status="draft")
    Article.objects.filter(pk=article.pk).update(created_by=User.objects.get(username="carl"))
    login_admin(page, "carl", PASSWORD)

    page.goto(change_url(article))
    page.select_option("#id_status", "review")
    page.click("input[name=_continue]")
    message = page.locator(".messagelist .success")
    assert "submitted for review and the editors have been told" in message.inner_text()
    assert "You may edit it again" not in page.content()
    assert page.locator("input[name=_continue]").count() == 0  # read-only indeed
    page.screenshot(path=f"{SHOTS}/review-submitted-contributor.png", full_page=True)
    assert [m.to for m in mail.outbox] == [["eve@example.org"]]
    assert "from Carl Berg" in mail.outbox[0].subject

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    editor = context.new_page()
    login_admin(editor, "eve", PASSWORD)
    panel = editor.locator(".dashboard-panel", has_text="In review")
    assert "Coast guard orders patrol boats" in panel.inner_text()
    editor.screenshot(path=f"{SHOTS}/review-dashboard-editor.png", full_page=True)
    context.close()
    assert not page.console_errors
