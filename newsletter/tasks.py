"""Background tasks of the newsletter: confirmation mails (retried with backoff, so a mail
server that is down never loses a sign-up) and the sending of editions in batches. The
work is newsletter/sending.py; this module decides which step follows which: a start sets
the batches and the watchdog going, each batch that sent something enqueues the next, the
watchdog looks again every half lease until the edition is sent. send_now() and
schedule() (the admin's buttons) put an edition on that road."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.tasks import retrying_task

from . import sending


@retrying_task(attempts=6, backoff=60)
def send_confirmation(subscriber_id):
    # Imported here: emails imports subscriptions, which enqueues these two tasks.
    from . import emails

    emails.send_confirmation(subscriber_id)


@retrying_task(attempts=6, backoff=60)
def send_already_subscribed(subscriber_id):
    from . import emails

    emails.send_already_subscribed(subscriber_id)


def send_now(edition):
    """Queue an edition for sending at once."""
    schedule(edition, timezone.now())


def schedule(edition, when):
    """Mark a draft scheduled and enqueue its start for `when` (now or later).
    sending.EditionNotReady when it cannot be sent."""
    with transaction.atomic():
        sending.mark_scheduled(edition, when)
        task = start_edition
        if when > timezone.now() and task.get_backend().supports_defer:
            task = task.using(run_after=when)
        transaction.on_commit(lambda: task.enqueue(edition.pk))
    edition.refresh_from_db()


@retrying_task(attempts=8, backoff=30)
def start_edition(edition_id):
    if sending.start(edition_id):
        send_batch.enqueue(edition_id)
        _watch_later(edition_id)


@retrying_task(attempts=8, backoff=30)
def send_batch(edition_id):
    if sending.send_batch(edition_id):
        send_batch.enqueue(edition_id)


@retrying_task(attempts=3, backoff=30)
def watch_edition(edition_id):
    needs_batch = sending.watch(edition_id)
    if needs_batch is None:
        return
    if needs_batch:
        send_batch.enqueue(edition_id)
    _watch_later(edition_id)


def _watch_later(edition_id):
    task = watch_edition
    if not task.get_backend().supports_defer:
        return  # the immediate backend (tests) has no crashed workers to recover from
    delay = max(1, settings.NEWSLETTER_SENDING_LEASE // 2)
    task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(edition_id)
