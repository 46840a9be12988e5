from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def newsroom():
    from django.core.files.base import ContentFile

    land = SectionFactory(name="Land", slug="land")
    air = SectionFactory(name="Air", slug="air")
    editor = AuthorFactory(
        name="Hana Okafor",
        slug="hana-okafor",
        role="Executive Editor",
        short_bio="Hana leads the newsroom and writes about European procurement.",
    )
    editor.photo.save("hana.png", ContentFile(image_bytes(400, 400, "PNG", (120, 60, 40))))
    reporter = AuthorFactory(name="Tomas Reyes", slug="tomas-reyes", role="Land Correspondent")
    lead = ArticleFactory(
        title="Army orders 120 new tracked howitzers in a record artillery deal",
        slug="army-orders-howitzers",
        standfirst="The contract doubles the service's long-range fires within five years.",
        body=(
            "<p>The army signed the largest artillery contract in its history on Monday.</p>"
            "<h2>What the deal covers</h2><p>Deliveries start next year.</p>"
            "<blockquote><p>Range is the currency of modern artillery.</p></blockquote>"
        ),
        section=land,
        featured=True,
        lead_image=ImageFactory(
            file=ContentFile(image_bytes(1600, 900, color=(70, 90, 60)), name="howitzer.jpg"),
            alt_text="A tracked howitzer fires during a winter exercise",
            caption="A tracked howitzer during a winter exercise",
            credit="Supplied: Army",
        ),
        authors=[editor, reporter],
        tags=["Artillery", "Procurement"],
    )
    for n in range(5):
        ArticleFactory(
            title=f"Artillery story number {n}",
            section=land if n % 2 else air,
            lead_image=ImageFactory(),
            authors=[reporter],
            tags=["Artillery"],
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    return lead


def test_reader_goes_from_front_page_to_article_author_and_tag(page, newsroom):
    page.goto("/")
    assert_accessible(page)
    screenshot(page, "front-desktop")

    page.get_by_role("link", name=newsroom.title).first.click()
    page.wait_for_url(f"**{newsroom.get_absolute_url()}")
    assert page.locator("h1").inner_text() == newsroom.title
    assert page.locator(".lead-figure figcaption").inner_text().endswith("(Supplied: Army)")
    assert page.locator(".lead-figure img").get_attribute("fetchpriority") == "high"
    assert page.locator(".author-box").count() == 2
    assert page.locator(".related .teaser").count() >= 3
    assert_accessible(page)
    screenshot(page, "article-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "article-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(".author-box").first.get_by_role("link", name="Read more").click()
    page.wait_for_url("**/author/hana-okafor/")
    assert "Executive Editor" in page.locator(".profile-header").inner_text()
    assert page.get_by_role("link", name=newsroom.title).count() == 1
    assert_accessible(page)
    screenshot(page, "author-desktop")

    page.go_back()
    page.get_by_role("link", name="Artillery", exact=True).click()
    page.wait_for_url("**/tag/artillery/")
    assert page.locator(".teaser").count() == 6
    assert_accessible(page)
    assert not page.console_errors


def test_dark_mode_and_phone_layout_render(browser, live_server, newsroom):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
    )
    page = context.new_page()
    page.goto(newsroom.get_absolute_url())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 20, 22)"
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    screenshot(page, "article-phone-dark")
    context.close()
