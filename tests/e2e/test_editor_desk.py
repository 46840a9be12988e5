"""The editor's desk in real Chromium: what CKEditor sends back is compared as stored, so
the history names only real changes."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Error as PlaywrightError

from articles.models import Article, EditSession
from media import figures
from tests.e2e.conftest import choose_image, login_admin, screenshot
from tests.factories import ArticleFactory, ImageFactory
from tests.workflow_helpers import PASSWORD, change_url, member

pytestmark = pytest.mark.django_db(transaction=True)
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
    screenshot(page, "review-submitted-contributor", full_page=True)
    assert [m.to for m in mail.outbox] == [["eve@example.org"]]
    assert "from Carl Berg" in mail.outbox[0].subject

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    editor = context.new_page()
    login_admin(editor, "eve", PASSWORD)
    panel = editor.locator(".dashboard-panel", has_text="In review")
    assert "Coast guard orders patrol boats" in panel.inner_text()
    screenshot(editor, "review-dashboard-editor", full_page=True)
    context.close()
    assert not page.console_errors


def test_autosave_restore_guard_shortcut_and_presence(page, browser, live_server):
    member("Editor", "eve", first_name="Eve", last_name="Lund")
    member("Editor", "hana", first_name="Hana", last_name="Novak")
    article = ArticleFactory(
        title="Radar upgrade", body="<p>Six sites.</p>", status="draft", published_at=None
    )
    login_admin(page, "eve", PASSWORD)
    page.goto(change_url(article))
    page.wait_for_function("window.articleDesk !== undefined")
    assert page.evaluate("window.articleDesk.dirty()") is False  # the editor's start-up

    # Typing in the body is kept on the server within seconds, not saved to the article.
    page.locator(".ck-editor__editable p", has_text="Six sites.").click()
    page.keyboard.press("End")
    page.keyboard.type(" Contract signed on Monday.")
    status = page.locator(".article-desk-status")
    status.filter(has_text="Unsaved changes kept at").wait_for(timeout=12_000)
    session = EditSession.objects.get(user__username="eve")
    assert "Contract signed on Monday." in session.changes["body"]
    article.refresh_from_db()
    assert "Contract signed" not in article.body

    # Leaving asks first.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):
        page.goto("/admin/")  # the guard asks; dismissed, the navigation is abandoned
    assert dialogs == ["beforeunload"]
    assert "/change/" in page.url

    # Hana opens the article and sees Eve is editing it.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    hana = context.new_page()
    login_admin(hana, "hana", PASSWORD)
    hana.goto(change_url(article))
    assert "Eve Lund is editing this article." in hana.locator(".article-desk-others").inner_text()
    screenshot(hana, "desk-someone-else-editing", full_page=False)
    page.evaluate("window.articleDesk.beat()")
    page.locator(".article-desk-others", has_text="Hana Novak is editing").wait_for()
    context.close()

    # The tab closes (the guard is passed by reopening); reopening offers the text back.
    fresh = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    again = fresh.new_page()
    login_admin(again, "eve", PASSWORD)
    again.goto(change_url(article))
    offer = again.locator(".article-desk-offer")
    assert "Restore unsaved changes from" in offer.inner_text()
    screenshot(again, "desk-restore-offer", full_page=False)
    offer.get_by_role("link", name="Restore").click()
    again.wait_for_selector(".ck-editor__editable p:has-text('Contract signed on Monday.')")
    screenshot(again, "desk-restored", full_page=False)

    # Ctrl+S saves and stays on the page.
    again.wait_for_function("window.articleDesk !== undefined")
    again.keyboard.press("Control+s")
    again.wait_for_selector(".messagelist .success")
    screenshot(again, "desk-after-ctrl-s", full_page=False)
    assert again.url.endswith(change_url(article))
    article.refresh_from_db()
    assert "Contract signed on Monday." in article.body
    assert "Restore unsaved changes" not in again.content()
    fresh.close()
    assert not page.console_errors


def test_search_and_sharing_preview_follows_the_form(page):
    member("Editor", "eve", first_name="Eve", last_name="Lund")
    ImageFactory(caption="Patrol boat in the fjord", alt_text="")
    login_admin(page, "eve", PASSWORD)
    page.goto("/admin/articles/article/add/")
    preview = page.locator(".sharing-preview")
    warnings = preview.locator(".sharing-warnings")
    assert "The standfirst is empty" in warnings.inner_text()
    assert "No lead image" in warnings.inner_text()

    page.fill("#id_title", "Coast guard orders four patrol boats")
    page.fill("#id_standfirst", "The boats replace a fleet built in the 1980s.")
    title = preview.locator(".search-preview-title")
    assert title.inner_text().startswith("Coast guard orders four patrol boats | ")
    assert (
        preview.locator(".card-preview-description").inner_text()
        == "The boats replace a fleet built in the 1980s."
    )
    assert "The standfirst is empty" not in warnings.inner_text()

    long_title = "Coast guard orders four patrol boats to replace its ageing fleet"
    page.fill("#id_seo_title", long_title)
    count = page.locator("#id_seo_title-count")
    assert count.inner_text().startswith(f"{len(long_title)} of about 60 characters")
    assert "seo-count-over" in count.get_attribute("class")
    assert title.inner_text().endswith("… | Defence Blog")

    choose_image(page, "patrol", "Patrol boat")
    preview.locator(".card-preview-image").wait_for()
    warnings.filter(has_text="The lead image has no alt text").wait_for()
    preview.scroll_into_view_if_needed()
    screenshot(page, "sharing-preview", full_page=False)
    assert not page.console_errors
