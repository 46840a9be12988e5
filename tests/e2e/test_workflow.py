"""The editorial workflow in real Chromium: a contributor writes and submits, an editor reviews
and schedules, the article appears at its time; a preview link for someone without an
account; two editors on the same article.

Time: the scheduled article is set an hour ahead, as an editor would, and the test then moves
the server's clock past that time with time-machine (the live server runs in this process,
so its `timezone.now()` moves too; the browser and Playwright's own timers use their own
clocks and are unaffected). Nothing is waited for and no row is edited behind the server's
back: the article appears because `Article.objects.published()` compares with the clock.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.e2e.conftest import (
    assert_accessible,
    choose_autocomplete,
    choose_image,
    login_admin,
    screenshot,
)
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.workflow_helpers import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)


def new_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context


def type_in_body(page, text):
    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_contributor_submits_editor_schedules_and_it_appears_on_time(
    page, browser, live_server, time_machine
):
    SectionFactory(name="Naval", slug="naval")
    AuthorFactory(name="Mira Lindqvist", slug="mira-lindqvist")
    ImageFactory(caption="Patrol boat in the fjord", alt_text="A grey patrol boat")
    member("Contributor", "carl")
    member("Editor", "eve")

    # The contributor writes and submits for review.
    login_admin(page, "carl", PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Coast guard orders four patrol boats")
    page.fill("#id_standfirst", "The boats replace a fleet built in the 1980s.")
    choose_autocomplete(page, "id_section", "Naval")
    choose_image(page, "patrol", "Patrol boat")
    type_in_body(page, "The contract was signed in Bergen on Monday.")
    page.click("#bylines-group .add-row a")
    choose_autocomplete(page, "id_bylines-0-author", "Mira Lindqvist")
    options = page.locator("#id_status option").all_inner_texts()
    assert options == ["Draft", "In review"]  # no publishing for contributors
    assert page.locator("#id_published_at_0").count() == 0  # nor scheduling
    page.select_option("#id_status", "review")
    screenshot(page, "workflow-contributor-submits")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get()
    assert (article.status, article.created_by.username) == ("review", "carl")
    assert not page.console_errors

    # The editor finds it on the dashboard, reviews it and schedules it an hour ahead.
    editor_context = new_context(browser, live_server)
    editor = editor_context.new_page()
    login_admin(editor, "eve", PASSWORD)
    panel = editor.locator(".dashboard-panel", has_text="In review")
    assert "Coast guard orders four patrol boats" in panel.inner_text()
    screenshot(editor, "workflow-dashboard")
    panel.get_by_role("link", name="Coast guard orders four patrol boats").click()
    editor.wait_for_selector("#id_status")
    when = timezone.localtime(timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    editor.select_option("#id_status", "published")
    editor.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
    editor.fill("#id_published_at_1", when.strftime("%H:%M:%S"))
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")
    assert "Scheduled" in editor.locator("#result_list").inner_text()
    screenshot(editor, "workflow-scheduled-list")
    editor_context.close()

    article.refresh_from_db()
    assert article.is_scheduled
    url = article.get_absolute_url()

    # A reader sees nothing until the time comes, then the article.
    reader_context = new_context(browser, live_server)
    reader = reader_context.new_page()
    assert reader.goto(url).status == 404
    reader.goto("/")
    assert "Coast guard orders four patrol boats" not in reader.content()

    time_machine.move_to(when + timedelta(seconds=30))
    reader_context.close()  # the front page it saw may be in its cache for a minute
    reader_context = new_context(browser, live_server)
    reader = reader_context.new_page()
    assert reader.goto(url).status == 200
    assert reader.locator("h1").inner_text() == "Coast guard orders four patrol boats"
    reader.goto("/")
    assert "Coast guard orders four patrol boats" in reader.content()
    screenshot(reader, "workflow-appeared-on-time")
    reader_context.close()


def test_preview_link_works_logged_out_and_stops_after_expiry(
    page, browser, live_server, time_machine
):
    member("Editor", "eve")
    article = ArticleFactory(
        title="Draft: the missile budget explained",
        status="draft",
        published_at=None,
        lead_image=ImageFactory(),
        authors=[AuthorFactory(name="Ana Kos")],
    )
    login_admin(page, "eve", PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.get_by_role("link", name="Share preview").click()
    page.get_by_role("button", name="Make a new preview link").click()
    page.wait_for_selector(".messagelist .success")
    link = page.locator("a.preview-url").first.get_attribute("href")
    screenshot(page, "workflow-preview-links")
    assert_accessible(page)

    outsider_context = new_context(browser, live_server)
    outsider = outsider_context.new_page()
    response = outsider.goto(link)
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]
    assert outsider.locator("h1").inner_text() == "Draft: the missile budget explained"
    assert "Preview: not published." in outsider.locator(".status-banner").inner_text()
    assert outsider.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    screenshot(outsider, "workflow-preview-page")
    assert_accessible(outsider)

    time_machine.move_to(timezone.now() + timedelta(days=8))
    response = outsider.goto(link)
    assert response.status == 410
    assert "This preview link no longer works" in outsider.locator("h1").inner_text()
    assert "missile budget" not in outsider.content()
    screenshot(outsider, "workflow-preview-expired")
    outsider_context.close()


def test_second_editor_gets_a_conflict_and_keeps_their_text(page, browser, live_server):
    member("Editor", "eve", first_name="Eve", last_name="Lund")
    member("Editor", "olga")
    article = ArticleFactory(
        title="Artillery deliveries slip",
        lead_image=ImageFactory(),
        authors=[AuthorFactory()],
    )
    change = f"/admin/articles/article/{article.pk}/change/"

    login_admin(page, "eve", PASSWORD)
    page.goto(change)
    other_context = new_context(browser, live_server)
    other = other_context.new_page()
    login_admin(other, "olga", PASSWORD)
    other.goto(change)

    # Eve saves first.
    page.fill("#id_title", "Artillery deliveries slip to 2027")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    # Olga, who opened the article before that save, writes and saves second.
    type_in_body(other, "A second source confirms the delay.")
    other.fill("#id_standfirst", "Olga's new standfirst.")
    other.click("input[name=_save]")
    other.wait_for_selector(".errornote")
    errors = other.locator(".errorlist.nonfield").inner_text()
    assert "Eve Lund" in errors and "saved this article after you opened it" in errors
    assert (
        "A second source confirms the delay." in other.locator(".ck-editor__editable").inner_text()
    )
    assert other.input_value("#id_standfirst") == "Olga's new standfirst."
    assert other.input_value("#id_title") == "Artillery deliveries slip"  # what she loaded
    screenshot(other, "workflow-edit-conflict")
    article.refresh_from_db()
    assert article.title == "Artillery deliveries slip to 2027"
    assert "second source" not in article.body

    # Having read the warning, she saves again on purpose: her version wins, nothing is lost.
    other.fill("#id_title", "Artillery deliveries slip to 2027")
    other.click("input[name=_save]")
    other.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert "A second source confirms the delay." in article.body
    assert article.standfirst == "Olga's new standfirst."
    other_context.close()


def test_editor_compares_and_restores_a_revision(page):
    member("Editor", "eve")
    article = ArticleFactory(
        title="Tank plant reopens",
        body="<p>The plant reopened on Monday.</p><p>It employs 800 people.</p>",
        lead_image=ImageFactory(),
        authors=[AuthorFactory()],
    )
    change = f"/admin/articles/article/{article.pk}/change/"
    login_admin(page, "eve", PASSWORD)
    page.goto(change)
    page.click("input[name=_continue]")  # the first revision: the article as it was
    page.wait_for_selector(".messagelist .success")
    page.fill("#id_title", "Tank plant reopens after two years")
    type_in_body(page, "Unions welcomed the decision.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    page.get_by_role("link", name="History").click()
    page.get_by_role("link", name="Compare with now").last.click()  # the oldest revision
    diff = page.locator(".revision-diff")
    assert "after two years" in diff.locator(".diff-field ins").first.inner_text()
    assert "Unions welcomed the decision." in diff.inner_text()
    screenshot(page, "workflow-revision-diff")
    assert_accessible(page)

    page.get_by_role("link", name="Restore this revision…").click()
    assert page.input_value("#id_title") == "Tank plant reopens"
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.title == "Tank plant reopens"
    assert "Unions" not in article.body


def test_restoring_a_draft_revision_keeps_a_live_article_live(page):
    member("Editor", "eve")
    article = ArticleFactory(
        title="Depot contract signed",
        status="draft",
        published_at=None,
        lead_image=ImageFactory(),
        authors=[AuthorFactory()],
    )
    login_admin(page, "eve", PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.click("input[name=_continue]")  # the first revision: a draft
    page.wait_for_selector(".messagelist .success")
    published_at = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    Article.objects.filter(pk=article.pk).update(
        status="published", published_at=published_at, title="Depot contract signed for £40m"
    )
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.click("input[name=_continue]")  # the second: published
    page.wait_for_selector(".messagelist .success")
    page.goto(f"/admin/articles/article/{article.pk}/history/")
    page.get_by_role("link", name="Restore…").last.click()
    choice = page.locator("fieldset", has_text="Status after the restore")
    assert "This revision was saved as “Draft”, not on the site." in choice.inner_text()
    assert "status (“Draft”) and publication time" in choice.inner_text()
    assert "Warning: this takes the live article off the site at once." in choice.inner_text()
    assert not page.is_checked("#id_restore_old_status")
    screenshot(page, "workflow-restore-keeps-status", full_page=False)

    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.title == "Depot contract signed"
    assert (article.status, article.published_at) == ("published", published_at)


def test_media_library_shows_uses_and_refuses_to_delete_an_image_in_use(page):
    member("Editor", "eve")
    image = ImageFactory(caption="Howitzer on the range", alt_text="A howitzer firing")
    ArticleFactory(title="Howitzer trials end", lead_image=image)
    login_admin(page, "eve", PASSWORD)
    page.goto("/admin/media/image/")
    row = page.locator("#result_list tbody tr", has_text="Howitzer on the range")
    assert "Howitzer trials end" in row.locator(".field-used_in").inner_text()
    screenshot(page, "workflow-media-library")
    assert_accessible(page)

    page.goto(f"/admin/media/image/{image.pk}/delete/")
    assert "This image is in use, so it cannot be deleted." in page.content()
    assert page.locator("input[type=submit]").count() == 0
    screenshot(page, "workflow-image-in-use")
