"""A reader signs up from an article's form, confirms with the link from the e-mail,
receives an edition and leaves with one click on its unsubscribe link."""

import re

import pytest
from django.conf import settings
from django.core import mail

from newsletter import editions, tasks
from newsletter.models import Edition, StoryClicks, Subscriber
from tests.e2e.conftest import assert_accessible, login_admin, screenshot
from tests.factories import ArticleFactory, ImageFactory, SectionFactory
from tests.helpers.browser import serve_media_from_disk
from tests.workflow_helpers import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_enough_for_a_script(settings):
    settings.FEEDBACK_MIN_FORM_SECONDS = 1


def local(url, live_server):
    return url.replace(settings.SITE_URL, live_server.url)


def test_reader_signs_up_confirms_and_unsubscribes_in_one_click(page, live_server):
    article = ArticleFactory(
        title="Navy orders two more replenishment ships",
        standfirst="The tankers will keep the fleet at sea for longer.",
        section=SectionFactory(name="Naval", slug="naval"),
    )

    # 1. The form after the article: no CSRF token, no cookie, on a cacheable page.
    page.goto(article.get_absolute_url())
    form = page.locator(".newsletter-signup--article")
    assert form.locator("input[name=csrfmiddlewaretoken]").count() == 0
    assert page.context.cookies() == []
    page.wait_for_timeout(1100)
    form.get_by_label("Your e-mail address").fill("reader@example.org")
    form.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/newsletter/check-your-inbox/")
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert_accessible(page)

    subscriber = Subscriber.objects.get()
    assert subscriber.status == "pending" and subscriber.source == "article"
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]

    # 2. The link from the e-mail, then one button.
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", mail.outbox[0].body).group(0)
    page.goto(local(link, live_server))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my subscription").click()
    assert page.locator("h1").inner_text() == "You are subscribed"
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    screenshot(page, "newsletter-confirmed")

    # 3. An edition arrives; its unsubscribe link takes one click.
    edition = Edition.objects.create(subject="The week at sea")
    editions.fill_with_top_stories(edition)
    tasks.send_now(edition)
    message = mail.outbox[-1]
    assert message.subject == "The week at sea" and message.to == ["reader@example.org"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].split(",")[0].strip("<> ")
    page.goto(local(unsubscribe, live_server))
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"

    # 4. The edition is in the public archive.
    page.goto("/newsletter/archive/")
    page.get_by_role("link", name="The week at sea").click()
    assert "Navy orders two more replenishment ships" in page.locator("main").inner_text()
    assert_accessible(page)
    assert page.console_errors == []


def test_signup_page_and_footer_form_are_accessible(page, live_server):
    page.goto("/newsletter/")
    assert_accessible(page)
    page.get_by_role("button", name="Subscribe").first.click()
    assert "Give the e-mail address" in page.get_by_role("alert").inner_text()
    screenshot(page, "newsletter-signup-errors")
    page.goto("/")
    footer = page.locator("footer .newsletter-signup")
    assert footer.get_by_role("button", name="Subscribe").is_visible()
    assert page.locator("footer").get_by_role("link", name="Newsletter", exact=True).is_visible()


def test_send_now_asks_first_naming_the_count_and_a_test_stays_one_click(page):
    member("Editor", "eve")
    for n in range(3):
        Subscriber.objects.create(
            email=f"reader{n}@example.org",
            status=Subscriber.Status.CONFIRMED,
            consent_text="Send me the newsletter.",
            consent_at="2026-01-01T00:00Z",
        )
    ArticleFactory(title="Frigate programme delayed")
    edition = Edition.objects.create(subject="The week in defence")
    editions.fill_with_top_stories(edition)
    login_admin(page, "eve", PASSWORD)
    page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")

    subject = page.locator("#id_subject")
    subject.fill("The week in defence, 12 December 2026: frigates, tankers and the budget")
    assert subject.evaluate("el => el.scrollWidth <= el.clientWidth")  # the whole subject
    page.reload()
    page.get_by_role("button", name="Send a test to me").click()
    page.wait_for_selector(".messagelist")
    assert [m.to for m in mail.outbox] == [["eve@example.org"]]  # one click, no question

    page.get_by_role("button", name="Send now to every confirmed subscriber").click()
    question = page.locator(".newsletter-confirm")
    assert "Send “The week in defence” to 3 confirmed subscribers?" in question.inner_text()
    screenshot(page, "newsletter-send-confirm")
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    page.get_by_role("button", name="Yes, send to 3 subscribers").click()
    page.wait_for_selector(".messagelist .success")
    assert "Sending has started." in page.locator(".messagelist").inner_text()
    assert not page.console_errors


def sent_edition_html(settings, live_server):
    """Send an edition through the real sending code and return the HTML part of the
    message the first subscriber got (links on the live server, so Chromium can follow
    them)."""
    settings.SITE_URL = live_server.url
    naval = SectionFactory(name="Naval", slug="naval")
    ArticleFactory(
        title="Navy orders two more replenishment ships for the carrier strike group",
        standfirst="The tankers will keep the fleet at sea for longer, and cost less to run.",
        section=naval,
        featured=True,
        lead_image=ImageFactory(),
    )
    ArticleFactory(
        title="Counter-drone lasers: what the trials at Hebrides range showed",
        slug="counter-drone-lasers",
        standfirst="Three systems, one winner, and the question of power on a small ship.",
        lead_image=ImageFactory(),
    )
    ArticleFactory(
        title="Interoperabilityandsustainabilityrequirementsdocument published",
        standfirst="A headline with one very long word must wrap, not push the page wide.",
    )
    ArticleFactory(title="Frigate programme delayed", lead_image=ImageFactory(), section=naval)
    for name in ("ann", "bob"):
        Subscriber.objects.create(
            email=f"{name}@example.org",
            status=Subscriber.Status.CONFIRMED,
            consent_text="Send me the newsletter.",
            consent_at="2026-01-01T00:00Z",
        )
    edition = Edition.objects.create(
        subject="The week in defence, 7 December 2026",
        intro="Good morning. Four stories from a busy week at sea and on the ranges.",
    )
    editions.fill_with_top_stories(edition)
    tasks.send_now(edition)
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]
    return mail.outbox[0].alternatives[0][0]


OVERFLOW = """() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    images: [...document.images].map(img => {
        const box = img.getBoundingClientRect();
        return {left: box.left, right: box.right, loaded: img.complete && img.naturalWidth > 0};
    }),
})"""


@pytest.mark.parametrize("width", [390, 320])
def test_sent_edition_reads_on_a_phone_without_sideways_scrolling(
    page, live_server, settings, width
):
    html = sent_edition_html(settings, live_server)
    serve_media_from_disk(page)
    page.set_viewport_size({"width": width, "height": 800})
    page.set_content(html, wait_until="load")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    layout = page.evaluate(OVERFLOW)
    assert layout["page"] <= layout["screen"] == width
    assert len(layout["images"]) == 3  # one wide picture, two thumbnails, none made up
    assert all(0 <= img["left"] and img["right"] <= width for img in layout["images"])
    lead, *thumbs = page.locator("img").all()
    assert lead.bounding_box()["width"] > width * 0.8  # the top story's picture leads
    assert all(thumb.bounding_box()["width"] < 80 for thumb in thumbs)  # phones: small
    footer = page.locator("address").inner_text()
    assert footer == f"{settings.PUBLISHER_LEGAL_NAME}, {settings.PUBLISHER_ADDRESS}"
    if width == 390:
        screenshot(page, "newsletter-390")
    # The same message on a desktop: the container stops at 600 pixels.
    page.set_viewport_size({"width": 1024, "height": 800})
    assert page.locator(".container").bounding_box()["width"] == 600


def test_a_reader_clicks_a_story_and_the_editor_sees_the_count(
    browser, page, live_server, settings
):
    html = sent_edition_html(settings, live_server)
    # A reader's browser: headless Chromium says so in its user agent, which a robot does.
    user_agent = page.evaluate("navigator.userAgent").replace("HeadlessChrome", "Chrome")
    reader = browser.new_context(user_agent=user_agent).new_page()
    serve_media_from_disk(reader)
    reader.set_content(html, wait_until="load")
    reader.get_by_role("link", name="Counter-drone lasers").click()
    reader.wait_for_url("**/counter-drone-lasers/?utm_source=newsletter*")
    assert "Counter-drone lasers" in reader.locator("h1").inner_text()
    reader.context.close()
    edition = Edition.objects.get()
    assert list(StoryClicks.objects.filter(clicks__gt=0).values_list("position", "clicks")) == [
        (2, 1)
    ]

    member("Editor", "eve")
    login_admin(page, "eve", PASSWORD)
    page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")
    table = page.get_by_role("table", name="Clicks per story")
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    assert rows.nth(1).inner_text().split("\t") == [
        "2",
        "Counter-drone lasers: what the trials at Hebrides range showed",
        "1",
    ]
    headers = table.get_by_role("columnheader").all_text_contents()
    assert headers == ["Place", "Story", "Clicks"]
    table.scroll_into_view_if_needed()
    screenshot(page, "newsletter-clicks", full_page=False)
