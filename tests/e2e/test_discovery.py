import pytest

from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive():
    naval = SectionFactory(name="Naval", slug="naval")
    land = SectionFactory(name="Land", slug="land")
    reporter = AuthorFactory(name="Ingrid Halvorsen", slug="ingrid-halvorsen")
    target = ArticleFactory(
        title="Navy's new frigate completes its first sea trials",
        standfirst="The ship spent two weeks testing engines, radar and weapons off the coast.",
        body="<p>The frigate returned to harbour on Friday after trials that tested its "
        "propulsion, sensors and the new air-defence radar.</p>",
        section=naval,
        lead_image=ImageFactory(alt_text="A grey frigate at sea"),
        authors=[reporter],
        tags=["Frigates"],
    )
    ArticleFactory(
        title="Shipyard hires 400 welders for the frigate programme",
        body="<p>Recruitment will continue until the third frigate's keel is laid.</p>",
        section=naval,
    )
    ArticleFactory(title="Army orders tracked howitzers", section=land, body="<p>Guns.</p>")
    return target


def test_reader_searches_from_the_header_and_opens_a_result(page, archive):
    page.goto("/")
    page.get_by_role("searchbox", name="Search articles").fill("frigate trials")
    page.get_by_role("searchbox", name="Search articles").press("Enter")

    page.wait_for_url("**/search/?q=frigate+trials")
    assert page.locator(".search-count").inner_text() == "1 article matches “frigate trials”."
    result = page.locator(".search-result").first
    assert result.locator("mark").first.inner_text().lower() in {"frigate", "trials"}
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, follow"
    assert_accessible(page)
    screenshot(page, "search-results")

    result.get_by_role("heading").get_by_role("link").click()
    page.wait_for_url(f"**{archive.get_absolute_url()}")
    assert page.locator("h1").inner_text() == archive.title


def test_reader_filters_results_and_gets_suggestions_for_a_typo(page, archive):
    page.goto("/search/?q=frigate")
    assert page.locator(".search-result").count() == 2
    page.locator(".search-filters summary").click()  # the filters are folded until used
    page.get_by_label("Author").select_option(label="Ingrid Halvorsen")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**author=ingrid-halvorsen**")
    assert page.locator(".search-result").count() == 1

    page.goto("/")
    page.get_by_role("searchbox", name="Search articles").fill("howitzrs")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    page.wait_for_url("**/search/?q=howitzrs")
    # The typo is corrected from the archive's own words, and says so.
    assert "Showing results for howitzers" in page.locator("main").inner_text()
    assert page.locator(".search-result").count() == 1
    screenshot(page, "search-typo-corrected")
    # As typed, nothing matches: the page suggests headlines instead.
    page.get_by_role("link", name="howitzrs", exact=True).click()
    assert "No articles match" in page.locator(".search-count").inner_text()
    page.get_by_role("link", name="Army orders tracked howitzers").click()
    page.locator("h1", has_text="Army orders tracked howitzers").wait_for()
    screenshot(page, "search-suggestion-followed")


PHONE = {"width": 390, "height": 844}


def test_search_page_on_a_phone_shows_the_first_result_in_the_first_screen(page, archive):
    page.set_viewport_size(PHONE)
    page.goto("/search/?q=radar")
    screenshot(page, "search-phone", full_page=False)
    first = page.locator(".search-result").first
    title = first.get_by_role("heading").bounding_box()
    assert title["y"] + title["height"] <= PHONE["height"]  # the first headline, unscrolled
    assert not page.console_errors
    assert_accessible(page)

    # The filters are one tap away, in a native <details> (no script), and work.
    filters = page.get_by_role("group", name="Narrow the results")
    assert not page.get_by_label("Section", exact=True).is_visible()
    page.locator(".search-filters summary").click()
    page.get_by_label("Section", exact=True).select_option(label="Land")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**section=land**")
    assert "No articles match" in page.locator(".search-count").inner_text()
    # A filter in use keeps them open, so the reader sees why.
    assert page.get_by_label("Section", exact=True).is_visible()
    assert filters.count() == 1
    assert_accessible(page)
    screenshot(page, "search-phone-filtered", full_page=False)
