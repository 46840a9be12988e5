"""The reader layout in Chromium (issue 13): on a phone (390×844) the first headline is on the
first screen, the menu opens without JavaScript and is announced as an expandable button,
type is one coherent set, and the article page passes axe in light and dark. Screenshots of
the article page, desktop and phone, light and dark, go to test-artifacts/layout-*.png."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from demo.pictures import portrait, scene
from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SECTIONS = ["Land", "Air", "Naval", "Cyber & Space"]


def slug_of(name):
    return name.lower().replace(" & ", "-")


@pytest.fixture
def newsroom():
    sections = {name: SectionFactory(name=name, slug=slug_of(name)) for name in SECTIONS}
    editor = AuthorFactory(
        name="Hana Okafor",
        slug="hana-okafor",
        role="Executive Editor",
        short_bio="Hana leads the newsroom and writes about European procurement.",
    )
    editor.photo.save("hana.png", ContentFile(portrait((120, 60, 40), 1, size=400)))
    reporter = AuthorFactory(name="Tomas Reyes", slug="tomas-reyes", role="Land Correspondent")
    inline = ImageFactory(file=ContentFile(scene(2, "land", 1280, 720), name="crew.jpg"))
    lead = ArticleFactory(
        title="Army orders 120 new tracked howitzers in its largest ever artillery deal",
        slug="army-orders-howitzers",
        standfirst="The contract doubles the service's long-range fires within five years.",
        body=(
            "<p>The army signed the largest artillery contract in its history on Monday, "
            "ordering 120 tracked howitzers and the vehicles that keep them supplied.</p>"
            f'<figure class="image"><img src="{inline.src()}" alt="A howitzer crew at work" '
            'width="1280" height="720"><figcaption>A crew rehearses a fire mission '
            "(Supplied: Army)</figcaption></figure>"
            "<h2>What the deal covers</h2><p>Deliveries start next year, two guns a month.</p>"
            "<blockquote><p>Range is the currency of modern artillery.</p></blockquote>"
            "<h3>Ammunition</h3><p>A second contract funds a domestic shell line.</p>"
            '<figure class="table"><table><thead><tr><th>Item</th><th>Quantity</th></tr>'
            "</thead><tbody><tr><td>Tracked howitzers</td><td>120</td></tr>"
            "<tr><td>Resupply vehicles</td><td>60</td></tr></tbody></table></figure>"
        ),
        section=sections["Land"],
        featured=True,
        lead_image=ImageFactory(
            file=ContentFile(scene(1, "land"), name="howitzer.jpg"),
            alt_text="A tracked howitzer fires during a winter exercise",
            caption="A tracked howitzer during a winter exercise",
            credit="Supplied: Army",
        ),
        authors=[editor, reporter],
        tags=["Artillery", "Procurement"],
    )
    for n in range(8):
        ArticleFactory(
            title=f"{SECTIONS[n % 4]} story number {n} with a headline of a usual length",
            section=sections[SECTIONS[n % 4]],
            lead_image=ImageFactory(
                file=ContentFile(scene(n + 3, slug_of(SECTIONS[n % 4]), 960, 540), name="s.jpg")
            ),
            authors=[reporter],
            tags=["Artillery"],
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    return lead


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(path, **options):
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_on_first_screen(page, locator):
    box = locator.bounding_box()
    assert box, f"{locator} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


def menu_button_state(page):
    """The summary as Chromium's accessibility tree gives it to a screen reader."""
    cdp = page.context.new_cdp_session(page)
    for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
        if node.get("name", {}).get("value") == "Menu" and not node.get("ignored"):
            properties = {p["name"]: p["value"]["value"] for p in node.get("properties", [])}
            return node["role"]["value"], properties.get("expanded")
    raise AssertionError("no Menu button in the accessibility tree")


def load_every_picture(page):
    """Full-page screenshots do not scroll, so lazy pictures would show as blanks."""
    page.evaluate(
        """async () => {
          const images = [...document.images];
          images.forEach(img => { img.loading = "eager"; });
          await Promise.all(images.map(img => img.complete ? null :
            new Promise(done => { img.onload = img.onerror = done; })));
        }"""
    )


def test_first_headline_is_on_a_phones_first_screen(phone, newsroom):
    front = phone("/")
    assert_on_first_screen(front, front.locator(".teaser-title").first)
    assert front.locator(".teaser-title").first.inner_text() == newsroom.title
    # Only the lead story's picture is full width; the other teasers have thumbnails.
    assert front.locator(".teaser--lead img").bounding_box()["width"] == PHONE["width"] - 32
    thumbnails = front.locator(".teaser--compact img")
    assert thumbnails.count() == 8
    for n in range(thumbnails.count()):
        assert thumbnails.nth(n).bounding_box()["width"] <= 110
    assert front.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(front)
    load_every_picture(front)
    screenshot(front, "layout-front-phone-light")

    article = phone(newsroom.get_absolute_url())
    assert_on_first_screen(article, article.locator("h1"))
    assert article.locator("h1").inner_text() == newsroom.title
    assert not article.locator(".site-nav").is_visible()  # the desktop bar waits for width


def test_menu_opens_without_javascript_and_lists_the_sections(phone, newsroom):
    page = phone(newsroom.get_absolute_url(), java_script_enabled=False)
    menu = page.locator(".menu")
    assert not menu.get_by_role("link", name="Air", exact=True).is_visible()
    assert menu_button_state(page) == ("DisclosureTriangle", False)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert_on_first_screen(page, skip)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    summary = menu.locator("summary")
    assert summary.evaluate("el => el === document.activeElement")
    assert summary.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("Enter")

    assert menu_button_state(page) == ("DisclosureTriangle", True)
    for name in ["Home", *SECTIONS, "Authors"]:
        assert menu.get_by_role("link", name=name, exact=True).is_visible(), name
    assert menu.get_by_role("link", name="Land", exact=True).get_attribute("aria-current") == (
        "page"
    )
    assert menu.get_by_role("searchbox", name="Search articles").is_visible()
    screenshot(page, "layout-menu-open-phone", full_page=False)

    menu.get_by_role("link", name="Naval", exact=True).click()
    page.wait_for_url("**/section/naval/")
    assert page.locator("h1").inner_text() == "Naval"
    assert menu_button_state(page) == ("DisclosureTriangle", False)


def test_menu_search_box_searches(phone, newsroom):
    page = phone("/")
    page.locator(".menu summary").click()
    assert_accessible(page)  # with the menu open
    page.locator(".menu").get_by_role("searchbox", name="Search articles").fill("howitzers")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=howitzers")
    assert "1 article matches" in page.locator(".search-count").inner_text()


def test_escape_closes_the_phone_menu(phone, newsroom):
    page = phone("/")
    menu = page.locator(".menu")
    menu.locator("summary").click()
    page.locator("#menu-search-q").focus()
    assert menu_button_state(page) == ("DisclosureTriangle", True)
    page.keyboard.press("Escape")
    assert menu_button_state(page) == ("DisclosureTriangle", False)
    assert menu.locator("summary").evaluate("el => el === document.activeElement")


def test_type_is_one_coherent_set(page, newsroom):
    page.goto(newsroom.get_absolute_url())

    def font(selector):
        return page.locator(selector).first.evaluate(
            "el => { const s = getComputedStyle(el); return [s.fontFamily, s.fontSize]; }"
        )

    serif = font("h1")[0]
    for story in [".standfirst", ".article-body p", ".article-body h2", ".article-body h3"]:
        assert font(story)[0] == serif, story
    assert font(".teaser-title")[0] == serif
    sans = font(".dateline")[0]
    assert sans != serif
    assert font(".lead-figure figcaption") == font(".article-body figcaption")
    assert font(".lead-figure figcaption")[0] == sans
    assert font(".meta")[0] == sans


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_article_page_light_and_dark_on_desktop_and_phone(browser, live_server, newsroom, scheme):
    background = {"light": "rgb(251, 250, 247)", "dark": "rgb(18, 20, 22)"}[scheme]
    for name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, color_scheme=scheme
        )
        page = context.new_page()
        page.goto(newsroom.get_absolute_url())
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.locator(".site-nav").is_visible() == (name == "desktop")
        assert page.locator(".menu").is_visible() == (name == "phone")
        assert_accessible(page)  # colour contrast included, in this scheme
        load_every_picture(page)
        screenshot(page, f"layout-article-{name}-{scheme}")
        context.close()
