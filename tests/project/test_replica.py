"""The read replica (core/db_router.py) against a real streaming standby.

The site runs under gunicorn against a throwaway primary and its `pg_basebackup -R`
standby (core/pgcluster.py, the `pg_cluster` fixture). To tell where a page was read
from, the standby's replay is paused and an article's title changed on the primary: a
page read from the replica shows the old title, one read from the primary the new one.
"""

import time

import pytest

from articles.models import Article
from core.spam import form_token
from feedback.models import ErrorReport
from tests.helpers.servers import SiteServer
from tests.helpers.waiting import wait_until

MAX_LAG = 4
CHECK_SECONDS = 0.5
SECTION_URL = "/section/naval/"
OLD_TITLE = "Patrol boats enter service"

# Table names from the models, never spelled in the SQL.
SET_TITLE = f"UPDATE {Article._meta.db_table} SET title = %s WHERE id = %s"  # noqa: S608
COUNT_REPORTS = f"SELECT count(*) FROM {ErrorReport._meta.db_table}"  # noqa: S608

SETUP = f"""
from django.contrib.auth import get_user_model
from tests.factories import ArticleFactory, SectionFactory
section = SectionFactory(name="Naval", slug="naval")
article = ArticleFactory(title="{OLD_TITLE}", slug="patrol-boats", section=section)
get_user_model().objects.create_user(
    "editor", "editor@example.org", "correct horse battery", is_staff=True, is_superuser=True
)
print(article.pk, article.get_absolute_url())
"""


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    server = SiteServer(
        {
            "DATABASE_URL": pg_cluster.primary_url(),
            "DATABASE_REPLICA_URL": pg_cluster.replica_url(),
            "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG),
            "DATABASE_REPLICA_CHECK_SECONDS": str(CHECK_SECONDS),
            "READ_YOUR_WRITES_SECONDS": "30",
            # Every page rendered afresh, its teasers too (the titles are changed in SQL,
            # behind the caches' backs): it shows where it was read.
            "PAGE_CACHE": "0",
            "FRAGMENT_CACHE": "0",
        },
        tmp_path_factory.mktemp("replica-site"),
    )
    server.manage("migrate", "--no-input")
    pk, url = server.manage("shell", "-c", SETUP).stdout.split()[-2:]
    server.article_pk, server.article_url = int(pk), url
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cluster(pg_cluster, site):
    """The standby running and caught up with the original title, before and after."""

    def restore():
        pg_cluster.start_replica()
        pg_cluster.resume_replay()
        pg_cluster.primary_sql(SET_TITLE, [OLD_TITLE, site.article_pk])
        pg_cluster.wait_for_replay()
        replica_in_use(site)  # the site has seen the replica healthy again

    restore()
    yield pg_cluster
    restore()


def change_title_behind_the_replica(cluster, site, title):
    """Pause the standby's replay, then change the title on the primary only. Just before,
    the standby replays a fresh transaction: its lag counts from then."""
    cluster.primary_sql(SET_TITLE, [OLD_TITLE, site.article_pk])
    cluster.wait_for_replay()
    cluster.pause_replay()
    cluster.primary_sql(SET_TITLE, [title, site.article_pk])


def replica_in_use(site):
    """Until the site's health check says it reads from the replica again."""

    def replica_ok():
        return '"replica": "ok"' in site.client().get("/healthz")[2]

    wait_until(replica_ok, timeout=MAX_LAG + 20)


def title_seen(client):
    status, _, html = client.get(SECTION_URL)
    assert status == 200
    return "new" if "Patrol boats decommissioned" in html else "old"


def test_anonymous_readers_read_from_the_replica_and_staff_from_the_primary(cluster, site):
    staff = site.client()
    token = staff.csrf_token("/admin/login/")
    status, _, _ = staff.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "correct horse battery", "csrfmiddlewaretoken": token},
    )
    assert status == 302
    staff.forget_cookie("read_primary")  # the session alone sends staff to the primary

    change_title_behind_the_replica(cluster, site, "Patrol boats decommissioned")

    assert title_seen(site.client()) == "old"  # the replica has not replayed it
    assert title_seen(staff) == "new"
    status, _, html = staff.get(f"/admin/articles/article/{site.article_pk}/change/")
    assert status == 200 and "Patrol boats decommissioned" in html


def test_reading_pages_leaves_no_cookie(cluster, site):
    """Anonymous reader pages write nothing, so they stay cacheable (no cookie)."""
    reader = site.client()
    for path in ("/", site.article_url, SECTION_URL, "/search/?q=patrol"):
        status, headers, _ = reader.get(path)
        assert status == 200, path
        assert "read_primary" not in " ".join(headers.get_all("Set-Cookie") or []), path
    assert reader.cookie("read_primary") is None


def test_after_a_write_the_same_reader_reads_from_the_primary(cluster, site):
    reader = site.client()
    token = reader.csrf_token(f"/feedback/report/?article={site.article_pk}")
    change_title_behind_the_replica(cluster, site, "Patrol boats decommissioned")
    assert title_seen(reader) == "old"

    status, headers, _ = reader.post(
        f"/feedback/report/?article={site.article_pk}",
        {
            "csrfmiddlewaretoken": token,
            "kind": "factual",
            "quoted_text": "enter service",
            "details": "They were retired last week.",
            "rendered": form_token(time.time() - 30),
            "website": "",
        },
    )

    assert status == 302, headers
    # The report was written (on the primary: the standby is read-only) ...
    assert cluster.primary_sql(COUNT_REPORTS)[0][0] >= 1
    # ... and for a while this reader reads from the primary, others from the replica.
    assert reader.cookie("read_primary")
    assert title_seen(reader) == "new"
    assert title_seen(site.client()) == "old"
    status, _, html = reader.get(headers["Location"])
    assert status == 200 and "Thank you" in html


def test_a_replica_lagging_past_the_limit_is_not_read(cluster, site):
    change_title_behind_the_replica(cluster, site, "Patrol boats decommissioned")
    assert title_seen(site.client()) == "old"

    # Once the lag passes the limit (and the next check sees it), pages come from the primary.
    wait_until(lambda: title_seen(site.client()) == "new", timeout=MAX_LAG + 20)

    assert "Read replica not used, reads go to the primary: it lags" in site.log()
    status, _, health = site.client().get("/healthz")
    assert status == 200 and '"status": "degraded"' in health and "not used: it lags" in health

    cluster.resume_replay()
    cluster.wait_for_replay()
    replica_in_use(site)
    assert "Read replica usable again" in site.log()


def test_an_unreachable_replica_is_not_read(cluster, site):
    assert title_seen(site.client()) == "old"
    cluster.stop_replica(mode="immediate")
    cluster.primary_sql(
        SET_TITLE,
        ["Patrol boats decommissioned", site.article_pk],
    )

    # Until the site's next check (within CHECK_SECONDS), a page read on the replica would
    # fail: wait for the health check to report the standby gone, then read pages.
    def replica_reported_unreachable():
        return '"replica": "not used: unreachable' in site.client().get("/healthz")[2]

    wait_until(replica_reported_unreachable, timeout=CHECK_SECONDS + 20)
    assert title_seen(site.client()) == "new"
    assert "Read replica not used, reads go to the primary: unreachable" in site.log()
    # Warned once, not once per page.
    for _ in range(3):
        assert title_seen(site.client()) == "new"
    assert site.log().count("reads go to the primary: unreachable") == 1
    status, _, health = site.client().get("/healthz")
    assert status == 200 and '"replica": "not used: unreachable' in health
