"""Times in the reader's terms, in real Chromium with its clock set: today's stories say
the time of day, older ones the date, "Updated" says how long ago; and a page kept in a
cache until the next day says the date again instead of a stale "14:05"."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PUBLISHED = datetime(2026, 7, 2, 13, 5, tzinfo=UTC)  # 14:05 in London (BST)


@pytest.fixture
def stories():
    naval = SectionFactory(name="Naval", slug="naval")
    ArticleFactory(
        title="Frigate sails for sea trials",
        slug="frigate-sails",
        section=naval,
        published_at=PUBLISHED,
        content_updated_at=PUBLISHED + timedelta(minutes=40),
        featured=True,
    )
    ArticleFactory(
        title="Shipyard wins the support contract",
        slug="support-contract",
        section=naval,
        published_at=datetime(2026, 6, 28, 9, 0, tzinfo=UTC),
    )


def teaser_time(page, title):
    teaser = page.locator(".teaser", has=page.get_by_role("link", name=title, exact=True))
    return teaser.locator("time")


def test_today_says_the_time_older_days_the_date_and_updated_how_long_ago(page, stories):
    page.clock.install(time=PUBLISHED + timedelta(minutes=42))
    page.goto("/")

    today = teaser_time(page, "Frigate sails for sea trials")
    older = teaser_time(page, "Shipyard wins the support contract")
    expect(today).to_have_text("14:05")
    assert today.get_attribute("datetime") == "2026-07-02T14:05:00+01:00"
    assert today.get_attribute("title") == "2 July 2026, 14:05 BST"
    expect(older).to_have_text("28 June 2026")
    screenshot(page, "reader-times", full_page=False)

    page.get_by_role("link", name="Frigate sails for sea trials", exact=True).first.click()
    updated = page.locator(".updated time")
    expect(updated).to_have_text("2 min ago")
    assert updated.get_attribute("title") == "2 July 2026, 14:45 BST"
    expect(page.locator(".dateline time")).to_have_text("2 July 2026, 14:05 BST")
    screenshot(page, "reader-times-updated", full_page=False)

    page.clock.run_for("10:00")  # the open page keeps counting
    expect(updated).to_have_text("12 min ago")
    assert page.console_errors == []


def test_a_page_served_again_the_next_day_says_the_date_not_yesterdays_time(page, stories):
    page.clock.install(time=PUBLISHED + timedelta(minutes=42))
    page.goto("/")
    today = teaser_time(page, "Frigate sails for sea trials")
    expect(today).to_have_text("14:05")

    page.clock.run_for("12:00:00")  # past midnight in London, page still open
    expect(today).to_have_text("2 July 2026")

    page.goto("/")  # the same cached HTML, read the next day
    expect(teaser_time(page, "Frigate sails for sea trials")).to_have_text("2 July 2026")
    updated_page = page.goto("/2026/07/02/frigate-sails/")
    assert updated_page.ok
    expect(page.locator(".updated time")).to_have_text("12 h ago")
    page.clock.run_for("24:00:00")  # more than a day: the exact time again
    expect(page.locator(".updated time")).to_have_text("2 July 2026, 14:45 BST")


def test_without_script_every_time_is_the_servers_exact_text(browser, live_server, stories):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    expect(teaser_time(page, "Frigate sails for sea trials")).to_have_text("2 July 2026")
    page.goto("/2026/07/02/frigate-sails/")
    expect(page.locator(".updated time")).to_have_text("2 July 2026, 14:45 BST")
    context.close()
