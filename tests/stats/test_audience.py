"""What editors see (the Audience screens, the panel on an article's admin page) and what
readers see ("Most read"): numbers from the rollups, permissions on the server, fixed
query counts."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from stats import ingest, most_read, rollup, tasks
from stats.models import ArticleHour, SiteSourceHour, SourceHour
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.stats.conftest import queue
from tests.workflow_helpers import member

pytestmark = pytest.mark.django_db


def hour_ago(hours=0):
    now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return now - timedelta(hours=hours)


def counts(article, hours=0, views=10, engaged=4, **extra):
    return ArticleHour.objects.create(
        article=article,
        hour=hour_ago(hours),
        views=views,
        visitors=max(views - 2, 0),
        engaged=engaged,
        read_half=engaged,
        read_most=engaged // 2,
        timed=engaged,
        engaged_seconds=engaged * 45,
        **extra,
    )


@pytest.fixture
def newsroom():
    section = SectionFactory(name="Naval")
    author = AuthorFactory(name="Ada Reporter")
    tank = ArticleFactory(title="Tank order signed", section=section, authors=[author])
    jet = ArticleFactory(title="Jet deliveries slip", section=SectionFactory(name="Air"))
    counts(tank, views=120, engaged=60)
    counts(jet, views=30, engaged=5)
    counts(jet, hours=24 * 10, views=900, engaged=400)  # ten days ago: 30 days only
    SourceHour.objects.create(
        article=tank, hour=hour_ago(), source="search", host="www.google.com", views=70
    )
    SourceHour.objects.create(article=tank, hour=hour_ago(), source="direct", views=50)
    for source, host, views in [("search", "www.google.com", 70), ("direct", "", 50)]:
        SiteSourceHour.objects.create(hour=hour_ago(), source=source, host=host, views=views)
    rollup.rebuild(hour_ago(24 * 10).date(), hour_ago().date())
    return {"tank": tank, "jet": jet}


@pytest.fixture
def editor_client(client):
    client.force_login(member("Editor", "eve"))
    return client


def test_editor_sees_todays_numbers(editor_client, newsroom):
    response = editor_client.get("/admin/stats/articlehour/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    tank = html.index("Tank order signed")
    assert tank < html.index("Jet deliveries slip")  # more views first
    assert "<dd>150</dd>" in html  # views today
    assert "<dd>65</dd>" in html  # engaged reads
    assert "<dd>43%</dd>" in html  # engaged share 65/150
    assert "<dd>45 s</dd>" in html  # average engaged time
    assert "Naval" in html and "Ada Reporter" in html
    assert "www.google.com" in html
    assert "<svg" in html and "The chart's numbers" in html


def test_periods_reach_back_further(editor_client, newsroom):
    today = editor_client.get("/admin/stats/articlehour/?period=today").content.decode()
    month = editor_client.get("/admin/stats/articlehour/?period=30d").content.decode()
    assert "<dd>150</dd>" in today and "<dd>1050</dd>" in month
    assert editor_client.get("/admin/stats/articlehour/?period=7d").status_code == 200


def test_article_page_and_panel_show_its_chart_and_sources(editor_client, newsroom):
    tank = newsroom["tank"]
    html = editor_client.get(f"/admin/stats/articlehour/article/{tank.pk}/").content.decode()
    assert "Tank order signed" in html and "www.google.com" in html
    assert "<dd>120</dd>" in html
    panel = editor_client.get(f"/admin/articles/article/{tank.pk}/change/").content.decode()
    assert "Audience since publication" in panel
    assert "120 views, 60 engaged reads (50%)" in panel


def test_now_counts_the_last_half_hour(editor_client, newsroom, stats_redis):
    tank = newsroom["tank"]
    queue(stats_redis, tank.get_absolute_url(), visitor=1)
    queue(stats_redis, tank.get_absolute_url(), visitor=2)
    queue(stats_redis, "/", visitor=1)
    queue(stats_redis, "/", visitor=3, at=timezone.now() - timedelta(minutes=40))
    ingest.flush()
    html = editor_client.get("/admin/stats/articlehour/now/").content.decode()
    assert 'http-equiv="refresh"' in html
    row = html.split("Tank order signed</a></td>")[1].split("</tr>")[0]
    assert row == '<td class="num">2</td><td class="num">2</td>'
    front = html.split("<td>/</td>")[1].split("</tr>")[0]
    assert front == '<td class="num">1</td><td class="num">1</td>'


@pytest.mark.parametrize(
    "url",
    [
        "/admin/stats/articlehour/",
        "/admin/stats/articlehour/now/",
        "/admin/stats/articlehour/article/{pk}/",
    ],
)
def test_contributors_may_not_see_the_audience(client, newsroom, url):
    client.force_login(member("Contributor", "cara"))
    response = client.get(url.format(pk=newsroom["tank"].pk))
    assert response.status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/stats/" not in index
    panel = client.get(f"/admin/articles/article/{newsroom['tank'].pk}/change/")
    assert "Audience since publication" not in panel.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/stats/articlehour/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editor_finds_audience_on_the_admin_index(editor_client):
    assert "/admin/stats/articlehour/" in editor_client.get("/admin/").content.decode()


def test_overview_runs_a_fixed_number_of_queries(
    editor_client, newsroom, django_assert_max_num_queries, django_assert_num_queries
):
    editor_client.get("/admin/stats/articlehour/")  # sessions, permissions cached
    with django_assert_max_num_queries(20) as first:
        editor_client.get("/admin/stats/articlehour/?period=30d")
    for n in range(15):
        counts(ArticleFactory(), views=n + 1, engaged=n)
    rollup.rebuild(hour_ago().date(), hour_ago().date())
    with django_assert_num_queries(len(first.captured_queries)):
        editor_client.get("/admin/stats/articlehour/?period=30d")


def test_most_read_ranks_engaged_reads_of_the_last_day(newsroom):
    entries = most_read.refresh()
    assert [e["title"] for e in entries] == ["Tank order signed", "Jet deliveries slip"]
    assert entries[0]["reads"] == 60


def test_most_read_is_on_the_front_page_and_article_ends_without_a_query(
    client, newsroom, django_assert_num_queries, django_assert_max_num_queries
):
    tank = newsroom["tank"]
    pages = ["/", tank.get_absolute_url()]
    client.get("/")  # the site's own warm state (sections, footer pages)
    before = {}
    for url in pages:
        client.get(url)  # a running site keeps the article's fragments (core.fragments)
        with django_assert_max_num_queries(50) as counted:
            html = client.get(url).content.decode()
        assert "Most read" not in html
        before[url] = len(counted.captured_queries)
    most_read.refresh()
    client.get("/")
    for url in pages:
        with django_assert_num_queries(before[url]):
            html = client.get(url).content.decode()
        assert 'id="most-read-heading"' in html, url
    most = html.split('id="most-read-heading"')[1].split("</aside>")[0]
    assert "Jet deliveries slip" in most
    assert "Tank order signed" not in most  # not the article being read


def test_the_flush_task_refreshes_most_read(stats_redis, newsroom):
    tank = newsroom["tank"]
    queue(stats_redis, tank.get_absolute_url(), kind=2)
    tasks.flush_hits.call()
    assert most_read.cached()[0]["title"] == "Tank order signed"
    assert most_read.cached()[0]["reads"] == 61


def test_an_unread_draft_has_an_empty_audience(editor_client):
    draft = ArticleFactory(title="Unread draft", status="draft", published_at=None)
    html = editor_client.get(f"/admin/stats/articlehour/article/{draft.pk}/").content.decode()
    assert "Not published." in html and "<dd>0</dd>" in html
