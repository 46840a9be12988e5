"""Staff sessions: a working day of inactivity ends them, a password change ends the
others, passwords are at least 12 characters, and production cookies are locked down."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.test import Client

from tests.helpers.manage import PRODUCTION, manage

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_staff_session_ends_after_a_working_day_without_requests(client, reporter):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(reporter)
        assert client.get("/admin/").status_code == 200

        clock.move_to(START + dt.timedelta(hours=9, minutes=1))
        response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_each_request_keeps_the_session_alive_for_another_working_day(client, reporter):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(reporter)
        for hours in (8, 16, 24):
            clock.move_to(START + dt.timedelta(hours=hours))
            assert client.get("/admin/").status_code == 200, hours


def test_a_busy_session_is_written_at_most_every_five_minutes(client, reporter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        update = f'UPDATE "{Session._meta.db_table}"'
        return sum(update in q["sql"] for q in queries.captured_queries)

    with time_machine.travel(START, tick=False) as clock:
        client.force_login(reporter)
        clock.move_to(START + dt.timedelta(minutes=4))
        assert session_writes() == 0
        clock.move_to(START + dt.timedelta(minutes=6))
        assert session_writes() == 1
        assert session_writes() == 0


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_a_password_change_ends_the_other_sessions(settings, reporter, engine):
    settings.SESSION_ENGINE = engine
    laptop, stolen = Client(), Client()
    laptop.force_login(reporter)
    stolen.force_login(reporter)
    assert stolen.get("/admin/").status_code == 200

    response = laptop.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )

    assert response.status_code == 302
    assert laptop.get("/admin/").status_code == 200
    assert stolen.get("/admin/").status_code == 302
    assert SESSION_KEY not in stolen.session


def test_a_password_shorter_than_twelve_characters_is_refused(client, reporter):
    client.force_login(reporter)

    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "Zq7!vR2#pL9", "new_password2": "Zq7!vR2#pL9"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_the_demo_admin_password_passes_the_validators(settings, tmp_path, django_user_model):
    from django.contrib.auth.password_validation import validate_password

    settings.BASE_DIR = tmp_path  # ensure_admin keeps the password under BASE_DIR/var
    call_command("ensure_admin", username="demo-admin", stdout=None)

    password = (tmp_path / "var" / "admin-password.txt").read_text().strip()
    admin = django_user_model.objects.get(username="demo-admin")
    assert len(password) >= 12
    validate_password(password, admin)
    assert admin.check_password(password)


def test_after_sign_in_people_land_in_the_admin_not_a_404(client, reporter):
    assert resolve_url(django_settings.LOGIN_REDIRECT_URL) == "/admin/"

    response = client.post(
        "/admin/login/", {"username": "reporter", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


SHOW = (
    "from django.conf import settings as s; "
    "print(s.STAFF_2FA_REQUIRED, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
    "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE, "
    "s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, "
    "s.AXES_LOCKOUT_PARAMETERS, s.AXES_HANDLER)"
)


def test_production_requires_two_factor_and_locks_cookies_down():
    result = manage("shell", "-c", SHOW, env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "True True True Lax True Lax 32400 5 ['username', 'ip_address'] "
        "axes.handlers.database.AxesDatabaseHandler"
    )


def test_local_development_signs_in_without_two_factor():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.STAFF_2FA_REQUIRED)",
        env={"DEBUG": "1"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False"
