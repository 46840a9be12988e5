"""The daily rollup: the 7- and 30-day screens and an older article's chart read it and
show the same numbers the hourly rows give; rolling a day up again changes nothing; hits
that arrive late for a past day fold in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stats import buffer, reports, rollup, tasks
from stats.models import ArticleDay, ArticleHour, SourceDay
from tests.stats.conftest import days_ago, queue
from tests.workflow_helpers import member

pytestmark = pytest.mark.django_db


def daily_rows():
    return sorted(
        ArticleDay.objects.values_list(
            "day", "article_id", "views", "visitors", "engaged", "timed", "engaged_seconds"
        )
    )


@pytest.fixture
def editor_client(client):
    client.force_login(member("Editor", "eve"))
    return client


def test_marked_days_are_rolled_up_by_the_worker(month):
    assert ArticleDay.objects.count() == 0
    done = tasks.roll_up_days.call()
    assert len(done) == 8
    assert buffer.take_days() == []
    assert ArticleDay.objects.count() == 24
    assert SourceDay.objects.exists()


@pytest.mark.parametrize("key", ["7d", "30d"])
def test_daily_rollup_gives_the_hourly_numbers(month, key):
    rollup.roll_up()
    start = reports.period(key).start
    for report in (reports.totals, reports.top_articles, reports.top_sections):
        assert report(start, daily=True) == report(start, daily=False), report
    assert reports.top_authors(start, daily=True) == reports.top_authors(start, daily=False)
    assert reports.sources(start, daily=True) == reports.sources(start, daily=False)
    by_day = reports.series(start, False, daily=False)
    assert reports.series(start, False, daily=True) == by_day
    assert sum(views for _, views, _ in by_day) == reports.totals(start)["views"] > 0


def test_screens_read_the_daily_rollup(editor_client, month):
    rollup.roll_up()
    start = reports.period("30d").start
    views = reports.totals(start, daily=False)["views"]
    html = editor_client.get("/admin/stats/articlehour/?period=30d").content.decode()
    assert f"<dd>{views}</dd>" in html
    ArticleHour.objects.filter(hour__lt=timezone.now() - timedelta(days=2)).delete()
    html = editor_client.get("/admin/stats/articlehour/?period=30d").content.decode()
    assert f"<dd>{views}</dd>" in html  # still: the hourly rows are not read
    ArticleDay.objects.all().delete()
    html = editor_client.get("/admin/stats/articlehour/?period=30d").content.decode()
    assert "<dd>0</dd>" in html and "No article was read in this period." in html


def test_today_stays_on_the_hourly_rows(editor_client, month):
    html = editor_client.get("/admin/stats/articlehour/?period=today").content.decode()
    today = reports.totals(reports.period("today").start)["views"]
    assert today > 0 and f"<dd>{today}</dd>" in html  # nothing rolled up yet


def test_an_older_articles_chart_reads_the_daily_rollup(editor_client, month):
    jet = month["jet"]
    jet.published_at = timezone.now() - timedelta(days=20)
    jet.save()
    rollup.roll_up()
    report = reports.article_report(jet)
    assert not report["by_hour"]
    hourly = ArticleHour.objects.filter(article=jet, hour__gte=days_ago(20, 0))
    views = sum(hourly.values_list("views", flat=True))
    assert report["totals"]["views"] == views
    assert sum(v for _, v, _ in report["series"]) == views
    ArticleHour.objects.filter(article=jet).delete()
    html = editor_client.get(f"/admin/stats/articlehour/article/{jet.pk}/").content.decode()
    assert f"<dd>{views}</dd>" in html


def test_rolling_a_day_up_again_gives_the_same_counts(month):
    rollup.roll_up()
    before = daily_rows()
    for days in (0, 3, 29):
        rollup.roll_up_day(days_ago(days).date())
    rollup.rebuild(days_ago(31).date(), days_ago(0).date())
    assert daily_rows() == before
    assert rollup.roll_up() == []  # nothing marked since


def test_late_hits_for_a_past_day_fold_in(month, stats_redis):
    tasks.roll_up_days.call()
    tank = month["tank"]
    day = days_ago(3).date()
    before = ArticleDay.objects.get(article=tank, day=day).views
    url = tank.get_absolute_url()
    for visitor in (900_001, 900_002):
        queue(stats_redis, url, visitor=visitor, at=days_ago(3, 23))
    tasks.flush_hits.call()  # writes them, and (here at once) rolls their day up
    assert ArticleDay.objects.get(article=tank, day=day).views == before + 2
    start = reports.period("7d").start
    assert reports.totals(start, daily=True) == reports.totals(start, daily=False)


def test_a_failed_rollup_keeps_its_days_marked(month, monkeypatch):
    def broken(day):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rollup, "roll_up_day", broken)
    with pytest.raises(RuntimeError):
        rollup.roll_up()
    assert len(buffer.take_days()) == 8
