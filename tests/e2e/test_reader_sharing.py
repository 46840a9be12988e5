"""The share button under an article: the browser's share sheet where it has one
(navigator.share, stubbed here by an init script, as a phone's browser has it), and
copy-link where it has not."""

import pytest

from tests.e2e.conftest import screenshot
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

STUB_SHARE = """
window.__shared = [];
navigator.share = function (data) {
  window.__shared.push({ title: data.title, url: data.url });
  return Promise.resolve();
};
"""
NO_SHARE = "delete Navigator.prototype.share; delete Navigator.prototype.canShare;"


@pytest.fixture
def article():
    return ArticleFactory(title="Frigate sea trials begin", slug="frigate-sea-trials")


def test_the_share_button_opens_the_share_sheet_where_the_browser_has_one(page, article):
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(STUB_SHARE)
    page.goto(article.get_absolute_url())

    button = page.locator(".share-copy")
    assert button.inner_text() == "Share…"
    button.click()
    page.wait_for_function("window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared == {
        "title": "Frigate sea trials begin",
        "url": f"http://127.0.0.1:8000{article.get_absolute_url()}",
    }
    assert page.locator(".share-status").inner_text() == ""
    button.scroll_into_view_if_needed()
    screenshot(page, "reader-share-phone", full_page=False)
    assert page.console_errors == []


def test_without_a_share_sheet_the_button_copies_the_link(page, article):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script(NO_SHARE)
    page.goto(article.get_absolute_url())

    button = page.locator(".share-copy")
    assert button.inner_text() == "Copy link"
    button.click()
    page.get_by_role("status").filter(has_text="Link copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"http://127.0.0.1:8000{article.get_absolute_url()}"
    assert page.console_errors == []
