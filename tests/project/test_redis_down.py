"""Redis down: the cache at a closed port, as production builds it from REDIS_URL. Pages
render, reports are accepted, staff sign in, /healthz says what is wrong."""

import json
import logging
import socket

import pytest
from django.test import override_settings

from core import cache as fail_soft
from feedback.models import ErrorReport
from tests.factories import ArticleFactory, StaffFactory
from tests.feedback.conftest import report_data
from tests.helpers.database import database_url
from tests.helpers.manage import PRODUCTION, manage

pytestmark = pytest.mark.django_db


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLOSED_REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"


@pytest.fixture(autouse=True)
def redis_down():
    """The production cache settings, pointed at a port where nothing answers."""
    fail_soft._down_until.clear()
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "core.cache.FailSoftRedisCache",
                "LOCATION": CLOSED_REDIS_URL,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        yield
    fail_soft._down_until.clear()


def test_reader_pages_render(client):
    article = ArticleFactory(title="Coastal radar contract signed")

    front = client.get("/")
    page = client.get(article.get_absolute_url())

    assert front.status_code == 200
    assert page.status_code == 200
    assert "Coastal radar contract signed" in page.content.decode()


def test_error_report_is_stored_and_the_lapsed_rate_limit_is_logged(client, caplog):
    article = ArticleFactory()
    caplog.set_level(logging.WARNING)

    response = client.post(
        f"/feedback/report/?article={article.pk}",
        report_data(quoted_text="The radar covers 300 km", details="The notice says 400 km."),
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/feedback/thanks/")
    report = ErrorReport.objects.get()
    assert report.quoted_text == "The radar covers 300 km"
    assert report.details == "The notice says 400 km."
    assert "Rate limit not applied" in caplog.text
    assert "Cache unavailable" in caplog.text


def test_many_reports_from_one_client_are_all_kept(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    article = ArticleFactory()

    for n in range(4):
        response = client.post(
            f"/feedback/report/?article={article.pk}", report_data(details=f"Report {n}")
        )
        assert response.status_code == 302

    assert ErrorReport.objects.count() == 4


def test_staff_sign_in_and_stay_signed_in(client):
    StaffFactory(username="duty-editor")

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "duty-editor", "password": "correct-horse-battery", "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "duty-editor" in dashboard.content.decode()


def test_healthz_reports_the_cache_apart_from_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_an_unreachable_redis_is_left_alone_for_a_while(monkeypatch):
    from django.core.cache import cache

    assert cache.get("anything") is None
    calls = []
    monkeypatch.setattr(
        fail_soft.RedisCache, "get", lambda *args, **kwargs: calls.append(args) or "hit"
    )

    assert cache.get("anything", "missing") == "missing"
    assert calls == []  # still inside RETRY_SECONDS: no new connection attempt

    fail_soft._down_until.clear()  # the retry interval is over
    assert cache.get("anything") == "hit"


def test_counters_say_when_they_cannot_count():
    from django.core.cache import cache

    with pytest.raises(fail_soft.CacheUnavailable):
        cache.incr("counter")


def test_production_settings_with_redis_down_serve_pages_and_a_degraded_healthz():
    script = (
        "from django.test import Client; import json; c = Client(); "
        "get = lambda path: c.get(path, HTTP_HOST='news.example.org', secure=True); "
        "h = get('/healthz'); "
        "print(json.dumps([h.status_code, h.json(), get('/').status_code, "
        "get('/admin/login/').status_code]))"
    )
    env = {
        **PRODUCTION,
        "REDIS_URL": CLOSED_REDIS_URL,
        # Production settings, static files without a collectstatic manifest.
        "DJANGO_SETTINGS_MODULE": "tests.project.settings_outage",
        "DATABASE_URL": database_url(),  # the migrated test DB
    }
    result = manage("shell", "--no-imports", "-c", script, env=env)

    assert result.returncode == 0, result.stderr
    status, body, front, login = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 200
    assert body == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    assert (front, login) == (200, 200)
    assert "Cache unavailable" in result.stderr
