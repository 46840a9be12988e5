"""What the screens read from precomputed numbers equals what the counts themselves give:
the overview's one statement (stats/overview.py), the referrers summed over the site
(SiteSourceHour, SiteSourceDay), and the "Now" list the worker keeps (stats/live.py)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stats import ingest, live, overview, reports, rollup, tasks
from stats.models import HIT_TABLE, SiteSourceDay, SiteSourceHour, SourceDay, SourceHour
from tests.factories import ArticleFactory
from tests.stats.conftest import days_ago, queue
from tests.workflow_helpers import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["today", "7d", "30d"])
def test_overview_in_one_statement_gives_each_tables_numbers(month, key):
    rollup.roll_up()
    chosen = reports.period(key)
    start, daily = chosen.start, chosen.daily
    numbers = overview.numbers(chosen)
    assert numbers["totals"] == reports.totals(start, daily) and numbers["totals"]["views"] > 0
    assert numbers["series"] == reports.series(start, chosen.by_hour, daily=daily)
    assert numbers["articles"] == reports.top_articles(start, daily=daily)
    assert numbers["sections"] == reports.top_sections(start, daily=daily)
    assert numbers["authors"] == reports.top_authors(start, daily=daily)
    assert [r["article"].title for r in numbers["articles"]][:1] == ["Submarine sea trials"]


def test_overview_of_an_empty_period_is_zero():
    numbers = overview.numbers(reports.period("today"))
    assert numbers["totals"] == reports.totals(reports.period("today").start)
    assert numbers["totals"]["views"] == 0
    assert numbers["articles"] == numbers["sections"] == numbers["authors"] == []


def site_sums(model, moment):
    rows = model.objects.values_list(moment, "source", "host").annotate(n=Sum("views"))
    return sorted(rows.order_by())


def test_site_referrers_are_the_articles_referrers_summed(month, stats_redis):
    tank = month["tank"]
    for _ in range(3):  # a second batch into an hour that has its rows already
        queue(stats_redis, tank.get_absolute_url(), at=days_ago(0, 1), source="social", host="t.co")
    ingest.flush()
    rollup.roll_up()
    for per_article, site, moment in [
        (SourceHour, SiteSourceHour, "hour"),
        (SourceDay, SiteSourceDay, "day"),
    ]:
        kept = sorted(site.objects.values_list(moment, "source", "host", "views"))
        assert kept == site_sums(per_article, moment) and kept
    for key in ("today", "30d"):
        chosen = reports.period(key)
        articles = sum(
            reports.sources(chosen.start, a, daily=chosen.daily)[0][0][1] for a in month.values()
        )
        by_class = reports.sources(chosen.start, daily=chosen.daily)[0]
        assert by_class[0] == ("Search", articles, by_class[0][2])


def raw_now():
    """The last half hour counted straight from the raw hits, as the screen once did."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT path, max(article_id), count(*), count(DISTINCT visitor) FROM {HIT_TABLE} "  # noqa: S608
            "WHERE at >= %s AND kind = 1 GROUP BY path ORDER BY 3 DESC, 1",
            [timezone.now() - timedelta(minutes=30)],
        )
        return cursor.fetchall()


@pytest.fixture
def reading(stats_redis):
    tank = ArticleFactory(title="Tank order signed")
    jet = ArticleFactory(title="Jet deliveries slip")
    for visitor in (1, 2, 2, 3):
        queue(stats_redis, tank.get_absolute_url(), visitor=visitor)
    queue(stats_redis, tank.get_absolute_url(), kind=2)
    queue(stats_redis, jet.get_absolute_url(), visitor=1)
    queue(stats_redis, jet.get_absolute_url(), visitor=4, at=timezone.now() - timedelta(hours=1))
    queue(stats_redis, "/", visitor=None)
    return {"tank": tank, "jet": jet}


def test_the_worker_keeps_the_now_list_the_raw_hits_give(reading, client):
    tasks.flush_hits.call()
    kept = cache.get(live.CACHE_KEY)
    assert [(p, a, v, r) for p, a, _, v, r in kept["rows"]] == raw_now()
    assert kept["rows"][0][1:] == (reading["tank"].pk, "Tank order signed", 4, 3)
    client.force_login(member("Editor", "eve"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/stats/articlehour/now/").content.decode()
    assert not [q for q in queries.captured_queries if HIT_TABLE in q["sql"]]
    row = html.split("Tank order signed</a></td>")[1].split("</tr>")[0]
    assert row == '<td class="num">4</td><td class="num">3</td>'
    assert "<td>/</td>" in html


def test_a_stale_now_list_is_counted_again(reading, client):
    old = timezone.now() - timedelta(seconds=live.FRESH_SECONDS + 1)
    cache.set(live.CACHE_KEY, {"moment": old, "rows": []})
    ingest.flush()  # hits written, but no worker refresh
    client.force_login(member("Editor", "eve"))
    html = client.get("/admin/stats/articlehour/now/").content.decode()
    assert "Nobody has read a page" not in html and "Jet deliveries slip" in html
    assert cache.get(live.CACHE_KEY)["moment"] > old
