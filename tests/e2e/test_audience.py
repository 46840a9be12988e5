"""The audience in real Chromium: a reader reads an article (no cookie set, no request to
another host); the beacon's view, 15 s engagement, read depth and engaged time arrive;
"Most read" lists the article; an editor sees the numbers on the Audience screens.
Screenshots go to test-artifacts/ and, when SHOTS_DIR is set, there too."""

import os
import shutil
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from stats import most_read
from stats.models import ArticleHour, SourceHour
from tests.e2e.conftest import assert_accessible, login_admin, screenshot
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.stats.conftest import BROWSER, stats_redis  # noqa: F401 - the real Redis buffer
from tests.workflow_helpers import PASSWORD, member

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "".join(
    f"<p>Paragraph {n} of the report on the frigate programme, its costs and its delays, "
    "as the shipyard and the ministry told it to us over several weeks of interviews.</p>"
    for n in range(40)
)


def shot(page, name):
    path = screenshot(page, name)
    if os.environ.get("SHOTS_DIR"):
        shutil.copy(path, os.path.join(os.environ["SHOTS_DIR"], path.name))


def wait_for(condition, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("condition not met in time")


def test_reader_beacon_reaches_the_editors_audience_screen(browser, live_server):
    section = SectionFactory(name="Naval", slug="naval")
    author = AuthorFactory(name="Ada Reporter")
    article = ArticleFactory(
        title="Frigate programme: the cost of delay",
        body=BODY,
        section=section,
        authors=[author],
        published_at=timezone.now() - timedelta(hours=3),
    )
    ArticleFactory(title="Older tanker story", section=section)
    member("Editor", "eve")

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, user_agent=BROWSER
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.clock.install()  # the beacon's 15 s of engagement, without waiting them out
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(article.get_absolute_url(), referer="https://www.google.com/search?q=frigate")

    hour = wait_for(lambda: ArticleHour.objects.filter(article=article, views=1).first())
    assert hour.visitors == 1
    assert SourceHour.objects.get(article=article).host == "www.google.com"

    page.mouse.wheel(0, 2500)  # half-way through the body
    page.wait_for_timeout(300)
    page.mouse.wheel(0, 20000)  # to its end
    wait_for(lambda: ArticleHour.objects.filter(article=article, read_most=1).exists())
    # Engaged: 15 s on the visible page with recent activity.
    page.mouse.wheel(0, -200)
    page.clock.run_for(16_000)
    wait_for(lambda: ArticleHour.objects.filter(article=article, engaged=1).exists())
    assert context.cookies() == []
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert any(url.endswith("/static/stats/beacon.js") for url in requests)

    # Leaving sends the engaged time (the event the browser fires as the page goes; here
    # fired while the page is still open, so the request is seen through).
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    hour = wait_for(lambda: ArticleHour.objects.filter(article=article, timed=1).first())
    assert hour.engaged_seconds >= 15
    assert context.cookies() == []
    page.goto("/")

    most_read.refresh()  # what the worker does at most once a minute while hits arrive
    page.reload()
    most = page.locator(".most-read")
    assert "Frigate programme: the cost of delay" in most.inner_text()
    most.scroll_into_view_if_needed()
    shot(page, "audience-most-read")
    context.close()

    editor = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    admin = editor.new_page()
    login_admin(admin, "eve", PASSWORD)
    admin.click('a[href="/admin/stats/articlehour/"]')
    admin.wait_for_url("**/admin/stats/articlehour/")
    row = admin.locator("tr", has_text="Frigate programme: the cost of delay")
    cells = row.locator("td").all_inner_texts()
    assert cells[1:4] == ["1", "1", "1"]  # views, readers, engaged reads
    assert "www.google.com" in admin.locator("#content-main").inner_text()
    assert_accessible(admin)
    shot(admin, "audience-overview")
    row.locator("a").click()
    admin.wait_for_selector("text=Since publication")
    shot(admin, "audience-article")
    admin.goto("/admin/stats/articlehour/now/")
    assert "Frigate programme: the cost of delay" in admin.locator(".audience-wide").inner_text()
    shot(admin, "audience-now")
    editor.close()


def test_reader_view_arrives_through_the_outbox_thread(browser, live_server, settings):
    """As in production: the request only queues the hit; the process's sender thread
    takes it to Redis and asks for the flush, which writes it."""
    settings.STATS_OUTBOX_SECONDS = 0.05
    article = ArticleFactory(
        title="Corvette trials", published_at=timezone.now() - timedelta(hours=1)
    )
    context = browser.new_context(base_url=live_server.url, user_agent=BROWSER)
    page = context.new_page()
    page.goto(article.get_absolute_url())
    hour = wait_for(lambda: ArticleHour.objects.filter(article=article, views=1).first())
    assert hour.visitors == 1
    assert context.cookies() == []
    context.close()
