"""The crash test: a real `manage.py db_worker` sends an edition to a local SMTP sink and
is killed with SIGKILL part-way; a second worker finishes. Every subscriber gets exactly one
message: nobody twice, nobody skipped.

The kill happens while the first worker waits for the sink's reply to a message (the sink
kills it from its DATA handler before answering), which is where a sending worker spends
its time. That message was never accepted, its row was claimed ("sending"), and it is sent
again by the second worker once the lease has run out: at-least-once for the one message
in flight (docs/decisions.md)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from newsletter import editions, tasks
from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import ArticleFactory
from tests.helpers.database import database_url

from .smtp_sink import Recorder, start_sink

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SUBSCRIBERS = 120
KILL_AT = 45  # the first worker dies while sending message number KILL_AT + 1


def worker_env(port):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "defenceblog.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),  # the test database, over TCP or a socket folder
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "NEWSLETTER_BATCH_SIZE": "10",
        "NEWSLETTER_RATE": "40",
        "NEWSLETTER_SENDING_LEASE": "4",
        "EMBEDS_RESOLVE": "0",
    }


def start_worker(env, log):
    return subprocess.Popen(  # noqa: S603 (our own manage.py)
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
        ],  # fmt: skip
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@override_settings(TASKS=DATABASE_TASKS)
def test_killed_worker_mid_send_resumes_with_exactly_one_message_each(tmp_path):
    ArticleFactory(title="A story for the crash test")
    emails = [f"reader{n:03d}@example.org" for n in range(SUBSCRIBERS)]
    Subscriber.objects.bulk_create(
        Subscriber(email=e, status="confirmed", consent_text="Yes.", consent_at="2026-01-01T00:00Z")
        for e in emails
    )
    edition = Edition.objects.create(subject="Crash-test edition")
    editions.fill_with_top_stories(edition)

    first = {"worker": None}

    def kill_mid_message(recorder, envelope):
        if first["worker"] is not None and recorder.count() == KILL_AT:
            first["worker"].send_signal(signal.SIGKILL)
            first["worker"].wait()
            first["worker"] = None
            return False  # the reply never reached the dead worker
        return True

    recorder = Recorder(on_data=kill_mid_message)
    sink = start_sink(recorder)
    env = worker_env(sink.port)
    second = None
    try:
        tasks.send_now(edition)  # stored in the task queue, run by the worker
        worker = start_worker(env, (tmp_path / "first-worker.log").open("w"))
        first["worker"] = worker
        wait_for(lambda: worker.poll() is not None, 60, "the first worker to be killed")
        assert worker.returncode == -signal.SIGKILL
        killed_at = recorder.count()
        assert killed_at == KILL_AT
        in_flight = Delivery.objects.filter(edition=edition, status="sending").count()
        assert in_flight >= 1  # claimed by the dead worker, not sent
        assert Delivery.objects.filter(edition=edition, status="sent").count() == KILL_AT

        second = start_worker(env, (tmp_path / "second-worker.log").open("w"))
        wait_for(
            lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT,
            90,
            "the second worker to finish the edition",
        )
    finally:
        for process in (first["worker"], second):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        sink.stop()

    recipients = sorted(rcpt[0] for rcpt, _, _ in recorder.accepted)
    assert recipients == emails  # every subscriber exactly once
    message_ids = [mid for _, mid, _ in recorder.accepted]
    assert len(set(message_ids)) == SUBSCRIBERS
    assert all(unsub and "/newsletter/unsubscribe/" in unsub for _, _, unsub in recorder.accepted)
    assert Delivery.objects.filter(edition=edition, status="sent").count() == SUBSCRIBERS
    assert Edition.objects.get(pk=edition.pk).recipients == SUBSCRIBERS
