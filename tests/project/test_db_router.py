"""Which requests may read from the read replica (core/db_router.py), the read-your-writes
cookie, and the lag rule, without a replica. tests/project/test_replica.py runs the same
rules against a real streaming standby."""

import json
import logging
import math
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from core import content_state, db_router
from core.db_router import ReplicaRouter, ReplicaRoutingMiddleware, lag_problem
from search.suggestions import suggest_titles
from tests.factories import ArticleFactory


@pytest.fixture
def replica(monkeypatch):
    """As if a healthy replica were configured: the router's answers are recorded by the
    fake views below instead of reaching a second database."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router.health, "usable_now", lambda: True)


def serve(request, view=None):
    """Run `request` through the middleware; returns (where reads went, response)."""
    seen = {}

    def default_view(request):
        seen["read"] = ReplicaRouter().db_for_read(Article)
        return HttpResponse("ok")

    response = ReplicaRoutingMiddleware(view or default_view)(request)
    return seen.get("read"), response


factory = RequestFactory()


def test_anonymous_gets_read_from_the_replica(replica):
    for path in ("/", "/section/naval/", "/search/?q=frigate", "/2026/01/02/frigate/"):
        assert serve(factory.get(path))[0] == "replica", path
    assert serve(factory.head("/"))[0] == "replica"


@pytest.mark.django_db
def test_staff_admin_previews_and_posts_read_from_the_primary(replica, settings):
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session.create()
    signed_in = factory.get("/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = session.session_key
    assert serve(signed_in)[0] == "default"
    # A session cookie naming no session is no one signed in (core.anonymous).
    bogus = factory.get("/")
    bogus.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert serve(bogus)[0] == "replica"
    for path in ("/admin/", "/admin/articles/article/", "/preview/token/", "/draft/4/"):
        assert serve(factory.get(path))[0] == "default", path
    assert serve(factory.post("/feedback/report/"))[0] == "default"


def test_outside_a_request_everything_uses_the_primary(replica):
    """Management commands, the task worker, the shell."""
    assert ReplicaRouter().db_for_read(Article) == "default"
    assert ReplicaRouter().db_for_write(Article) == "default"
    assert ReplicaRouter().allow_migrate("replica", "articles") is False
    assert ReplicaRouter().allow_migrate("default", "articles") is True


def test_a_post_sets_the_cookie_and_the_next_reads_use_the_primary(replica, settings):
    _, response = serve(factory.post("/feedback/report/"))

    cookie = response.cookies["read_primary"]
    assert cookie["max-age"] == settings.READ_YOUR_WRITES_SECONDS
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    after = factory.get("/section/naval/")
    after.COOKIES["read_primary"] = cookie.value
    assert serve(after)[0] == "default"
    # A cookie the site did not sign changes nothing.
    forged = factory.get("/section/naval/")
    forged.COOKIES["read_primary"] = "1"
    assert serve(forged)[0] == "replica"


def test_the_first_write_in_a_get_switches_its_reads_to_the_primary(replica):
    reads = []

    def view(request):
        reads.append(ReplicaRouter().db_for_read(Article))
        ReplicaRouter().db_for_write(Article)
        reads.append(ReplicaRouter().db_for_read(Article))
        return HttpResponse("ok")

    _, response = serve(factory.get("/"), view)

    assert reads == ["replica", "default"]
    assert "read_primary" in response.cookies


def test_plain_reads_set_no_cookie(replica):
    _, response = serve(factory.get("/"))
    assert not response.cookies


def test_without_a_replica_nothing_changes(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    read, response = serve(factory.post("/feedback/report/"))
    assert read == "default" and not response.cookies


@pytest.mark.django_db
def test_readers_with_the_cookie_get_fresh_pages_not_cached_ones(client, settings):
    settings.PAGE_CACHE = True
    article = ArticleFactory(title="Radar network completed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db_router, "replica_configured", lambda: True)
        _, response = serve(factory.post("/feedback/report/"))
    client.cookies["read_primary"] = response.cookies["read_primary"].value

    for _ in range(2):
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200 and "X-Page-Cache" not in page
    client.cookies.pop("read_primary")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_lag_rule(settings):
    settings.DATABASE_REPLICA_MAX_LAG = 10
    # Streaming and everything received replayed: fresh, however idle the primary is.
    assert lag_problem(True, True, 3600.0) is None
    # WAL waiting to be replayed: behind by the time since the last replayed commit.
    assert lag_problem(True, False, 4.0) is None
    assert lag_problem(True, False, 12.5) == "it lags 12.5s behind (limit 10s)"
    assert "unknown" in lag_problem(True, False, None)
    assert "not a standby" in lag_problem(False, True, 0.0)


def test_a_problem_is_logged_once_per_period_and_recovery_once(monkeypatch, settings, caplog):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    health = db_router.ReplicaHealth()
    answers = iter(["unreachable (OperationalError: refused)"] * 5 + [None] * 3)
    monkeypatch.setattr(db_router, "measure_problem", lambda: next(answers))

    with caplog.at_level(logging.WARNING, logger="core.db_router"):
        usable = [health.usable_now() for _ in range(8)]

    assert usable == [False] * 5 + [True] * 3
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "Read replica not used, reads go to the primary: unreachable (OperationalError: refused)",
        "Read replica usable again: anonymous reads use it.",
    ]


def test_the_check_runs_once_per_period(monkeypatch, settings):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60
    health = db_router.ReplicaHealth()
    calls = []
    monkeypatch.setattr(db_router, "measure_problem", lambda: calls.append(1))

    assert all(health.usable_now() for _ in range(50))
    assert len(calls) == 1
    health.recheck()
    health.usable_now()
    assert len(calls) == 2
    assert math.isinf(db_router.ReplicaHealth().checked_at)


@pytest.mark.django_db(transaction=True)
def test_the_suggestion_threshold_does_not_outlive_its_transaction():
    """Behind a transaction-pooling PgBouncer a session setting would stay on a server
    connection other clients then use."""
    ArticleFactory(title="Howitzer deliveries resume")

    assert [a.title for a in suggest_titles(Article.objects.published(), "hovitzer")] == [
        "Howitzer deliveries resume"
    ]

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold', true)")
        assert cursor.fetchone()[0] in (None, "0.6")  # pg_trgm's default, not ours


@pytest.mark.django_db
def test_pages_rendered_while_the_replica_may_lag_are_rendered_again_after(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A page rendered just after a change may come from a replica that has not replayed
    it yet: while the replica may lag (lag limit + check period, 15 s here), it is kept
    SETTLING_KEEP_SECONDS at most, so the change reaches readers within seconds; once the
    replica must have it, a page is kept again for as long as nothing changes."""
    settings.PAGE_CACHE = True
    monkeypatch.setattr(content_state, "replica_settle_seconds", lambda: 15)
    article = ArticleFactory(title="Radar network completed")
    url = article.get_absolute_url()
    keep = content_state.SETTLING_KEEP_SECONDS

    def states():
        content_state.content_state.forget()
        return [client.get(url)["X-Page-Cache"] for _ in range(2)]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            article.title = "Radar network completed early"
            article.save()
        assert states() == ["miss", "hit"]
        traveller.shift(timedelta(seconds=keep - 0.5))
        assert states() == ["hit", "hit"]
        for _ in range(3):  # still settling: rendered again every SETTLING_KEEP_SECONDS
            traveller.shift(timedelta(seconds=keep + 0.1))
            assert states() == ["miss", "hit"]

        traveller.shift(timedelta(seconds=16))
        assert states() == ["miss", "hit"]
        traveller.shift(timedelta(seconds=60))
        assert states() == ["hit", "hit"]


@pytest.mark.django_db
def test_without_a_replica_a_change_needs_no_second_rendering(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    article = ArticleFactory(title="Radar network completed")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            article.save()
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
        traveller.shift(timedelta(seconds=16))
        content_state.content_state.forget()
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_health_check_reports_a_replica_that_is_not_used(client, monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    health = db_router.ReplicaHealth()
    monkeypatch.setattr(db_router, "health", health)
    monkeypatch.setattr(db_router, "measure_problem", lambda: "it lags 30.0s behind (limit 10s)")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["replica"] == "not used: it lags 30.0s behind (limit 10s)"
    monkeypatch.setattr(db_router, "measure_problem", lambda: None)
    health.recheck()
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "replica": "ok",
    }


def database_settings(**env):
    """settings.DATABASES as a fresh process sees it with `env`."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES, default=str))"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
        "DJANGO_SETTINGS_MODULE": "defenceblog.settings",
        "DEBUG": "1",
        **env,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout, result.stderr


def test_pgbouncer_and_replica_settings():
    status, out, err = database_settings(
        DATABASE_URL="postgres://site@127.0.0.1:6432/news",
        DATABASE_REPLICA_URL="postgres://site@10.0.0.2:6432/news",
        DATABASE_POOLER="pgbouncer",
    )
    assert status == 0, err
    databases = json.loads(out.splitlines()[-1])
    for alias in ("default", "replica"):
        assert databases[alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert databases[alias]["OPTIONS"]["prepare_threshold"] is None
        # No startup option either (PgBouncer refuses unknown ones): nothing is prepared.
        assert "options" not in databases[alias]["OPTIONS"]
        assert databases[alias]["CONN_HEALTH_CHECKS"] is True
    assert databases["replica"]["HOST"] == "10.0.0.2"
    assert databases["replica"]["OPTIONS"]["connect_timeout"] == 2
    assert databases["replica"]["TEST"]["MIRROR"] == "default"


def test_without_a_pooler_server_side_cursors_stay_on_and_a_wrong_value_fails():
    status, out, err = database_settings(DATABASE_URL="postgres://site@127.0.0.1:5432/news")
    assert status == 0, err
    databases = json.loads(out.splitlines()[-1])
    assert "replica" not in databases
    assert not databases["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    # core.statements' reader queries are prepared on the server and planned once.
    assert databases["default"]["OPTIONS"]["prepare_threshold"] == 0
    assert "plan_cache_mode=force_generic_plan" in databases["default"]["OPTIONS"]["options"]

    status, _, err = database_settings(
        DATABASE_URL="postgres://site@127.0.0.1:5432/news", DATABASE_POOLER="pgpool"
    )
    assert status != 0 and "DATABASE_POOLER must be empty or 'pgbouncer'" in err
