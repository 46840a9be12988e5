"""Background tasks: core.tasks.retrying_task retries with backoff, and a real worker pass
(`manage.py db_worker`) runs tasks stored in PostgreSQL and keeps failures with their
error in the admin's task results."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import retry_delay, retrying_task

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

TASK_RESULTS = "/admin/django_tasks_database/dbtaskresult/"

RUNS = []


@retrying_task(attempts=3, backoff=10)
def flaky(key, failures):
    """Fails the first `failures` times it runs for `key`, then succeeds."""
    RUNS.append(key)
    if RUNS.count(key) <= failures:
        raise ConnectionError(f"mail server down (run {RUNS.count(key)} for {key})")
    return f"sent {key}"


@pytest.fixture(autouse=True)
def _forget_runs():
    RUNS.clear()


def test_backoff_doubles_from_the_base_delay():
    assert [retry_delay(attempt, 30) for attempt in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_a_failing_task_is_retried_until_it_succeeds(caplog):
    with caplog.at_level(logging.WARNING, logger="core.tasks"):
        flaky.enqueue("a", failures=2)

    assert RUNS == ["a", "a", "a"]
    assert "failed on attempt 1 of 3" in caplog.text
    assert "failed on attempt 2 of 3" in caplog.text
    assert "gave up" not in caplog.text


def test_a_task_that_keeps_failing_stops_after_its_attempts_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="core.tasks"):
        result = flaky.enqueue("b", failures=99)

    assert RUNS == ["b", "b", "b"]
    assert result.status == "FAILED"
    assert "gave up after 3 attempts" in caplog.text
    assert "mail server down (run 3 for b)" in caplog.text


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
@override_settings(TASKS=DATABASE_TASKS)
def test_worker_runs_stored_tasks_retries_later_and_lists_the_failure(admin_client):
    flaky.enqueue("c", failures=1)
    stored = DBTaskResult.objects.get()
    assert stored.status == "READY" and RUNS == []  # stored, not run by the request

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    failed = DBTaskResult.objects.get(status="FAILED")
    retry = DBTaskResult.objects.get(status="READY")
    assert RUNS == ["c"]
    assert "mail server down (run 1 for c)" in failed.traceback
    # The retry waits for its backoff: 10 s after the first failure.
    assert retry.run_after - timezone.now() == pytest.approx(
        timedelta(seconds=10), abs=timedelta(seconds=3)
    )

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert RUNS == ["c"]  # not due yet

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert RUNS == ["c", "c"]
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"

    # Staff see the failed run and its error in the admin.
    changelist = admin_client.get(f"{TASK_RESULTS}?status__exact=FAILED")
    assert changelist.status_code == 200
    listed = changelist.content.decode()
    assert "tests.project.test_tasks.flaky" in listed
    assert "ConnectionError: mail server down (run 1 for c)" in listed  # the error, listed
    detail = admin_client.get(f"{TASK_RESULTS}{failed.pk}/change/")
    assert "mail server down (run 1 for c)" in detail.content.decode()
