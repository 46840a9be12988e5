"""A live blog in real Chromium: an editor posts an update from the compact form on the
article's admin page, and a reader's page, open all along, offers it with the polite "1
new update" button and shows it when pressed, without a reload. The poll interval is one
second here (settings.LIVEBLOG_POLL_SECONDS); the page cache is on, as in production."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from liveblog.models import LiveBlog, LiveUpdate, UpdateCorrection
from tests.e2e.conftest import assert_accessible, login_admin, screenshot
from tests.factories import ArticleFactory, SectionFactory
from tests.workflow_helpers import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_posts_and_an_open_reader_page_shows_it_without_a_reload(
    page, browser, live_server, settings
):
    settings.LIVEBLOG_POLL_SECONDS = 1
    settings.PAGE_CACHE = True
    editor_user = member("Editor", "eve")
    importlib.import_module("liveblog.migrations.0002_roles").create_groups(apps)
    article = ArticleFactory(
        title="Live: Harbour defence drill",
        section=SectionFactory(name="Naval", slug="naval"),
        published_at=timezone.now() - timedelta(hours=2),
    )
    blog = LiveBlog.objects.create(article=article, coverage_start=article.published_at)
    LiveUpdate.objects.create(
        live_blog=blog,
        headline="Minesweepers clear the approaches",
        body="<p>Two practice mines were found and marked overnight.</p>",
        key_event=True,
        published_at=timezone.now() - timedelta(minutes=30),
    )

    # The reader opens the page and starts reading.
    page.goto(article.get_absolute_url())
    page.wait_for_selector("text=Minesweepers clear the approaches")
    page.evaluate("window.openedOnce = true")  # gone if the page were reloaded
    button = page.locator(".live-new-button")
    assert button.is_hidden()
    assert page.locator(".live-new").get_attribute("aria-live") == "polite"
    assert_accessible(page)

    # The editor posts from the article's admin page.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 1000}
    )
    context.set_default_timeout(15_000)
    editor = context.new_page()
    login_admin(editor, editor_user.username, PASSWORD)
    editor.goto(f"/admin/articles/article/{article.pk}/change/")
    panel = editor.locator("#live-blog")
    panel.locator("#id_live-headline").fill("Landing craft ashore")
    panel.locator(".ck-editor__editable").click()
    editor.keyboard.type("The first landing craft reached the beach at 09:40.")
    panel.locator("#id_live-key_event").check()
    screenshot(editor, "liveblog-admin-form", full_page=False)
    panel.locator("button.live-panel-post").click()
    editor.wait_for_selector(".messagelist .success")
    assert "Update posted at" in editor.locator(".messagelist").inner_text()
    assert "Landing craft ashore" in editor.locator(".live-panel-updates").inner_text()
    context.close()

    # The reader's page offers it politely, and shows it when asked.
    button.wait_for(state="visible")
    assert button.inner_text() == "Show 1 new update"
    # The list of updates has not moved; the key events box names the new key event.
    assert "Landing craft ashore" not in page.locator(".live-updates").inner_text()
    assert "Landing craft ashore" in page.locator(".key-events").inner_text()
    screenshot(page, "liveblog-reader-new-update", full_page=False)
    button.click()
    first = page.locator(".live-updates .live-update").first
    assert "Landing craft ashore" in first.inner_text()
    assert "The first landing craft reached the beach at 09:40." in first.inner_text()
    assert button.is_hidden()
    assert page.evaluate("window.openedOnce") is True
    assert page.locator(".live-updates .live-update").count() == 2
    assert not page.console_errors


def test_open_page_gets_a_new_pin_new_key_event_and_an_edited_update(page, settings):
    settings.LIVEBLOG_POLL_SECONDS = 1
    settings.PAGE_CACHE = True
    article = ArticleFactory(
        title="Live: Storm over the naval base",
        section=SectionFactory(name="Naval", slug="naval"),
        published_at=timezone.now() - timedelta(hours=2),
    )
    blog = LiveBlog.objects.create(article=article, coverage_start=article.published_at)
    first = LiveUpdate.objects.create(
        live_blog=blog,
        headline="Wind picks up",
        body="<p>Gusts of 60 knots at the pier.</p>",
        published_at=timezone.now() - timedelta(minutes=30),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(article.get_absolute_url())
    page.evaluate("window.openedOnce = true")
    assert page.locator(".key-events").count() == 0
    # Live, and how fresh, in the first phone screen; no reading time on a live blog.
    status = page.locator(".live-status")
    status.filter(has_text="min ago").wait_for()
    assert status.bounding_box()["y"] + status.bounding_box()["height"] <= 844
    assert page.locator(".reading-time").count() == 0

    # An editor pins a safety notice and marks a key event; another update is corrected.
    LiveUpdate.objects.create(
        live_blog=blog,
        headline="Safety notice",
        body="<p>Stay away from the harbour wall.</p>",
        pinned=True,
        key_event=True,
        published_at=timezone.now() - timedelta(minutes=1),
    )
    first.body = "<p>Gusts of 70 knots at the pier.</p>"
    first.save()
    UpdateCorrection.objects.create(update=first, text="An earlier version said 60 knots.")

    page.locator(".live-highlights .live-update", has_text="Safety notice").wait_for()
    assert "Safety notice" in page.locator(".key-events").inner_text()
    edited = page.locator(f'.live-updates [data-update="{first.pk}"]')
    edited.filter(has_text="An earlier version said 60 knots.").wait_for()
    assert "Gusts of 70 knots" in edited.inner_text()
    assert page.evaluate("window.openedOnce") is True  # no reload
    screenshot(page, "liveblog-phone-new-pin", full_page=False)
    assert not page.console_errors
