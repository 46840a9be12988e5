"""The project as an operator meets it: deployment checks, settings that fail fast,
health check, robots.txt and error pages."""

import os
import subprocess
import sys

import pytest

from tests.helpers.manage import PRODUCTION, ROOT, manage


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_the_publishers_postal_address():
    """Every newsletter carries it (anti-spam law): no demo address in production."""
    result = manage("check", env={**PRODUCTION, "PUBLISHER_ADDRESS": " "})
    assert result.returncode != 0
    assert "PUBLISHER_ADDRESS must be set when DEBUG is off" in result.stderr


def test_no_model_changes_lack_a_migration():
    result = manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_is_friendly_and_plain(client):
    from core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_embedded_database_failure_names_database_url(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from defenceblog.embedded_db import database_settings

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ImproperlyConfigured, match="Set DATABASE_URL"):
        database_settings(blocker / "postgres")


def test_embedded_database_forgets_processes_that_died_without_cleaning_up(tmp_path):
    import json

    from defenceblog.embedded_db import _forget_dead_handles

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([os.getpid(), int(dead.stdout)]))
    _forget_dead_handles(tmp_path)
    assert json.loads(handles.read_text()) == [os.getpid()]


def test_manage_py_means_local_development_when_no_secret_key_is_set():
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment["DJANGO_SETTINGS_MODULE"] = "defenceblog.settings"
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_plain_http_cluster_cookies_are_flagged_by_the_deployment_checks():
    """SECURE_COOKIES=0 (make cluster, plain http on loopback) is never silent."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "SECURE_COOKIES": "0"}
    )
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr
    assert "CSRF_COOKIE_SECURE" in result.stdout + result.stderr


def test_shared_caches_keep_pages_for_shared_cache_seconds(client, settings, db):
    from tests.factories import ArticleFactory

    settings.SHARED_CACHE_SECONDS = 10
    article = ArticleFactory()

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "s-maxage=10" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
