"""The admin reads as one product with the site: the site's date style, a favicon, an
article list that fits a 1366-pixel laptop screen, byline rows named by their author,
and no section icons for those who cannot use them."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import login_admin, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.workflow_helpers import PASSWORD, change_url, member

pytestmark = pytest.mark.django_db(transaction=True)

PUBLISHED = datetime(2026, 7, 2, 13, 5, tzinfo=UTC)  # 14:05 in London


@pytest.fixture
def desk():
    writers = [
        AuthorFactory(name="Hana Okafor", slug="hana-okafor"),
        AuthorFactory(name="Tomas Reyes-Castellano", slug="tomas-reyes"),
        AuthorFactory(name="Mira Lindqvist", slug="mira-lindqvist"),
    ]
    sections = [
        SectionFactory(name=name, slug=name.lower()) for name in ("Land", "Cyber and space")
    ]
    articles = [
        ArticleFactory(
            title=(
                "Army orders 120 new tracked howitzers in a record artillery deal that doubles "
                f"the service's long-range fires within five years ({n})"
            ),
            section=sections[n % 2],
            lead_image=ImageFactory() if n % 3 == 0 else None,
            authors=writers if n % 2 else writers[:1],
            published_at=PUBLISHED - timedelta(hours=n),
            featured=n == 0,
        )
        for n in range(12)
    ]
    ArticleFactory(
        title="Frigate refit scheduled",
        status="published",
        published_at=datetime(2030, 1, 5, 9, 0, tzinfo=UTC),
    )
    return articles


def test_the_article_list_fits_a_laptop_screen_in_the_sites_date_style(page, desk):
    member("Editor", "eve")
    page.set_viewport_size({"width": 1366, "height": 768})
    login_admin(page, "eve", PASSWORD)
    page.goto("/admin/articles/article/")

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    results = page.locator("#changelist .results")  # scrolls sideways by itself if too wide
    assert results.evaluate("r => r.scrollWidth - r.clientWidth") <= 0
    title = page.locator("#result_list td.field-title").first
    assert title.evaluate("t => t.getBoundingClientRect().width") >= 200  # room to read
    cells = page.locator("#result_list td.field-published_at").all_inner_texts()
    assert "2 July 2026, 14:05" in [" ".join(cell.split()) for cell in cells]
    assert "Scheduled\n5 January 2030, 09:00" in page.locator("#result_list").inner_text()
    icon = page.locator('link[rel="icon"][type="image/svg+xml"]')
    assert icon.get_attribute("href") == "/static/img/favicon.svg"
    screenshot(page, "desk-article-list-1366", full_page=False)


def test_byline_rows_are_named_by_their_author(page, desk):
    member("Editor", "eve")
    login_admin(page, "eve", PASSWORD)
    page.goto(change_url(desk[1]))

    labels = page.locator("#bylines-group tr.has_original td.original p").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Hana Okafor",
        "Tomas Reyes-Castellano",
        "Mira Lindqvist",
    ]
    page.locator("#bylines-group").scroll_into_view_if_needed()
    screenshot(page, "desk-byline-rows", full_page=False)


def test_section_icons_only_for_who_may_edit_sections(page, desk):
    member("Contributor", "carl")
    member("Editor", "eve")
    login_admin(page, "carl", PASSWORD)
    page.goto("/admin/articles/article/add/")
    wrapper = page.locator("#id_section").locator(
        "xpath=ancestor::div[contains(@class,'related-widget-wrapper')]"
    )
    assert wrapper.locator("a.related-widget-wrapper-link").count() == 0

    page.context.clear_cookies()
    login_admin(page, "eve", PASSWORD)
    page.goto("/admin/articles/article/add/")
    wrapper = page.locator("#id_section").locator(
        "xpath=ancestor::div[contains(@class,'related-widget-wrapper')]"
    )
    assert wrapper.locator("a.related-widget-wrapper-link").count() >= 2  # change, add
