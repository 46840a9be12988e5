"""A pasted YouTube link in real Chromium: a facade that sends nothing to any third party
until the reader clicks, then the privacy-enhanced player (served here by a stub: nothing
leaves the machine)."""

from urllib.parse import urlsplit

import pytest

from embeds import http
from embeds.oembed import resolve
from tests.e2e.conftest import assert_accessible, screenshot
from tests.embeds.conftest import FakeProviders
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = "https://www.youtube.com/watch?v=M7lc1UVf-VE"
LOCAL = {"127.0.0.1", "localhost"}


def test_youtube_embed_loads_nothing_from_youtube_until_the_reader_asks(page, monkeypatch):
    monkeypatch.setattr(http, "get", FakeProviders().get)
    resolve(VIDEO)  # as the save's background task does, from the recorded answer
    article = ArticleFactory(
        title="Inside the new air-defence radar",
        standfirst="A walk-through of the system, on video.",
        body=f"<p>The manufacturer's film shows the radar at work.</p><p>{VIDEO}</p>",
    )
    third_party = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).hostname not in LOCAL and third_party.append(request.url)
        ),
    )

    def stub(route):
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body="<p>Stub player</p>")

    page.route("**/*", stub)

    page.goto(article.get_absolute_url())
    button = page.get_by_role("button", name="Load from YouTube")
    button.wait_for()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.locator(".embed").scroll_into_view_if_needed()
    screenshot(page, "embed-facade", full_page=False)
    assert third_party == []
    assert page.locator(".embed iframe").count() == 0

    nocookie = "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE"
    with page.expect_request(lambda request: request.url.startswith(nocookie)):
        button.click()
    player = page.locator(f'.embed iframe[src^="{nocookie}"]')
    player.wait_for()
    assert player.get_attribute("title") == (
        "YouTube Developers Live: Embedded Web Player Customization"
    )
    assert third_party and all(
        urlsplit(url).hostname == "www.youtube-nocookie.com" for url in third_party
    )  # the frame's own request, allowed by the page's CSP; no other host
    assert page.console_errors == []
