"""The private iCalendar feeds: valid iCalendar, times with their time zone, only what
concerns the person, and addresses that can be revoked."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone

from planning import budget, calendar
from planning.models import BudgetLine, Event

SAMPLE = Path(__file__).with_name("sample-feed.ics")


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_desk_feed_holds_lines_events_and_scheduled_articles(client, line, editor):
    from tests.factories import ArticleFactory

    ArticleFactory(title="Tanker contract signed", published_at=timezone.now() + timedelta(days=1))
    Event.objects.create(
        title="Budget hearing",
        starts_at=timezone.now() + timedelta(days=4),
        place="Parliament, committee room 2",
    )

    feed = _parse(client.get(calendar.feed_url(calendar.feed_for(None))))

    events = {str(e["summary"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {
        "Due: frigate-sea-trials",
        "Runs: frigate-sea-trials",
        "Scheduled: Tanker contract signed",
        "Budget hearing",
    }
    due = events["Due: frigate-sea-trials"]["dtstart"].dt
    assert due.tzinfo is not None
    assert due == line.deadline.replace(microsecond=0)
    assert str(events["Budget hearing"]["description"]) == "Parliament, committee room 2"
    assert str(events["Due: frigate-sea-trials"]["url"]).startswith("http")


def test_a_persons_feed_holds_only_their_lines(client, contributor, carl, line):
    budget.assign(line, [carl])
    BudgetLine.objects.create(
        slug="not-carls", pitch="Someone else's.", deadline=timezone.now() + timedelta(days=1)
    )

    feed = _parse(client.get(calendar.feed_url(calendar.feed_for(contributor))))

    assert {str(e["summary"]) for e in feed.walk("VEVENT")} == {
        "Due: frigate-sea-trials",
        "Runs: frigate-sea-trials",
    }


def test_revoking_stops_the_old_address_and_a_forged_one_never_works(client, editor):
    feed = calendar.feed_for(editor)
    old = calendar.feed_url(feed)
    assert client.get(old).status_code == 200

    calendar.revoke(feed)

    assert client.get(old).status_code == 404
    assert client.get(calendar.feed_url(feed)).status_code == 200
    assert client.get("/planning/calendar/WzEsMV0:forged:signature.ics").status_code == 404


def test_the_feed_is_never_cached_and_sets_no_cookie(client, editor):
    response = client.get(calendar.feed_url(calendar.feed_for(editor)))
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_the_admin_page_hands_out_and_revokes_addresses(client, editor):
    client.force_login(editor)
    page = client.get("/admin/planning/budgetline/feeds/")
    urls = [url for _, _, url in page.context["feeds"]]
    assert len(urls) == 2  # mine and the desk's
    client.post("/admin/planning/budgetline/feeds/", {"feed": "desk"})
    assert client.get(urls[1].replace("http://testserver", "")).status_code == 404
    assert client.get(urls[0].replace("http://testserver", "")).status_code == 200


@pytest.mark.django_db
def test_the_feed_matches_the_recorded_sample(time_machine):
    """A feed made at a fixed moment equals the recorded one (tests/planning/sample-feed.ics,
    read line by line when it was recorded), so its structure cannot drift unnoticed."""
    moment = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    time_machine.move_to(moment, tick=False)
    line = BudgetLine.objects.create(
        slug="frigate-sea-trials",
        pitch="The second frigate starts sea trials.",
        deadline=moment + timedelta(days=2),
        publish_at=moment + timedelta(days=3),
    )
    Event.objects.create(
        title="Budget hearing",
        starts_at=moment + timedelta(days=4),
        ends_at=moment + timedelta(days=4, hours=2),
        place="Parliament",
    )
    made = calendar.ical(calendar.feed_for(None), now=moment).decode().replace("\r\n", "\n")
    for pattern, same in (
        (r"/\d+/change/", "/N/change/"),
        (r"line-\d+-", "line-N-"),
        (r"event-\d+@", "event-N@"),
    ):
        made = re.sub(pattern, same, made)
    assert line.deadline.tzinfo is not None
    assert made == SAMPLE.read_text()
