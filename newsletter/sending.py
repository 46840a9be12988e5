"""Sending an edition: one delivery row per subscriber and edition, worked through in
batches by background tasks, each batch over one SMTP connection.

The order for each message is claim → send → mark:

1. claim a batch: `UPDATE … SET status='sending'` on rows picked with
   `SELECT … FOR UPDATE SKIP LOCKED` (committed at once, so two workers never take the
   same row);
2. send each message;
3. mark it `sent` in its own committed UPDATE, straight after the server accepted it.

A worker that dies leaves its claimed rows in `sending`. Rows claimed longer ago than
NEWSLETTER_SENDING_LEASE are claimed again by the next batch: at-least-once for the
messages that were in flight. The only copy that can go out twice is one the mail server
accepted in the moment between its "250 OK" and our UPDATE (one message per dead worker);
it carries the same Message-ID both times, so mail systems that de-duplicate drop it.
The alternative, at-most-once, would silently skip every claimed-but-unsent row instead
(docs/decisions.md). Rows the worker never claimed are simply pending, and a watchdog
task enqueued with the send (run again every half lease) makes sure a batch picks them up
even when the worker that was chaining the batches died.

The steps here run in the background; which step follows which, and when, is
newsletter/tasks.py (it imports this module; this one never imports it): each step says
whether another should follow.
"""

import logging
import smtplib
import time
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from core.db import fast_commit, table

from . import editions, segments
from .models import Delivery, Edition, Subscriber

logger = logging.getLogger(__name__)

# Refusals of one recipient: mark that delivery failed and go on with the batch. Anything
# else (connection lost, server down) releases the batch's unsent rows and retries.
RECIPIENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


class EditionNotReady(Exception):
    pass


# --- Starting ---------------------------------------------------------------------------


def mark_scheduled(edition, when):
    """Mark a draft scheduled for `when` (now or later), in the caller's transaction
    (tasks.schedule enqueues its start once it commits). EditionNotReady when the edition
    is not a draft or has no published stories."""
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if locked.status != Edition.Status.DRAFT:
        raise EditionNotReady(f"This edition is {locked.get_status_display().lower()}.")
    if not editions.items_for(locked):
        raise EditionNotReady("This edition has no published stories to send.")
    locked.status = Edition.Status.SCHEDULED
    locked.scheduled_for = when
    locked.save(update_fields=["status", "scheduled_for"])


def unschedule(edition):
    """Back to draft, if sending has not started (the queued start then does nothing)."""
    return Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
        status=Edition.Status.DRAFT, scheduled_for=None
    )


def start(edition_id):
    """Freeze the edition and create a delivery row for every confirmed subscriber. True
    when the batches should go (the edition is sending); False when it was deleted,
    unscheduled, already sent or its time has not come. Safe to run again: rows already
    there are left alone."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(pk=edition_id).first()
        if edition is None or edition.status not in (
            Edition.Status.SCHEDULED,
            Edition.Status.SENDING,
        ):
            return False  # deleted, unscheduled, or already sent
        if edition.scheduled_for and edition.scheduled_for > timezone.now():
            return False  # too early: the deferred start comes at the scheduled time
        if edition.status == Edition.Status.SCHEDULED:
            editions.freeze(edition)
            edition.status = Edition.Status.SENDING
            edition.sent_at = timezone.now()
            edition.save(update_fields=["status", "sent_at"])
        with db.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table(Delivery)} (edition_id, subscriber_id, status, error)
                SELECT %s, id, %s, '' FROM {table(Subscriber)} WHERE status = %s
                ON CONFLICT (edition_id, subscriber_id) DO NOTHING
                """,  # noqa: S608 — table names from the models' _meta
                [edition.pk, Delivery.Status.PENDING, Subscriber.Status.CONFIRMED],
            )
        edition.recipients = edition.deliveries.count()
        edition.save(update_fields=["recipients"])
    logger.info("Edition %s: sending to %s subscribers", edition.pk, edition.recipients)
    return True


# --- Batches ----------------------------------------------------------------------------


def claim(edition_id, size):
    """Take up to `size` deliveries to send: pending ones, and ones a dead worker claimed
    longer than the lease ago. Committed before anything is sent."""
    now = timezone.now()
    expired = now - timedelta(seconds=settings.NEWSLETTER_SENDING_LEASE)
    with transaction.atomic(), db.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table(Delivery)} SET status = %s, claimed_at = %s
            WHERE id IN (
                SELECT id FROM {table(Delivery)}
                WHERE edition_id = %s
                  AND (status = %s OR (status = %s AND claimed_at < %s))
                ORDER BY id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id, subscriber_id
            """,  # noqa: S608 — table names from the models' _meta
            [
                Delivery.Status.SENDING,
                now,
                edition_id,
                Delivery.Status.PENDING,
                Delivery.Status.SENDING,
                expired,
                size,
            ],
        )
        return sorted(cursor.fetchall())


def _mark(delivery_id, status, error=""):
    """A delivery's mark commits without waiting for the disk (core.db.fast_commit). A
    worker that dies loses none of them (the database has them); only a crash of the
    database server itself could lose the last fraction of a second of marks, whose
    messages would then go out again. One fsync per message would otherwise bound the
    sending rate (docs/decisions.md)."""
    fields = {"status": status, "error": error[:1000]}
    if status == Delivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    with fast_commit():
        Delivery.objects.filter(pk=delivery_id).update(**fields)


def _release(delivery_ids):
    Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING, claimed_at=None
    )


def unsubscribe_url(subscriber, template=None):
    """The subscriber's one-click address; `template` (from unsubscribe_template()) saves a
    URL reversal per message when sending a batch."""
    if template is None:
        return subscriber.unsubscribe_url()
    return template.replace(TOKEN_SLOT, subscriber.token)


TOKEN_SLOT = "TOKEN-SLOT"  # noqa: S105 (a placeholder, not a secret)


def unsubscribe_template():
    return Subscriber(token=TOKEN_SLOT).unsubscribe_url()


def list_headers(subscriber, message_id=None, url=None):
    url = url or subscriber.unsubscribe_url()
    targets = [f"<{url}>"]
    if settings.NEWSLETTER_UNSUBSCRIBE_MAILTO:
        targets.append(
            f"<mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{subscriber.token}>"
        )
    headers = {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.SITE_NAME} newsletter <newsletter.{_domain()}>",
        "Precedence": "bulk",
    }
    if message_id:
        headers["Message-ID"] = message_id
    return headers


def _domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def build_message(
    edition,
    subscriber,
    delivery_id=None,
    connection=None,
    subject_prefix="",
    template=None,
    supporter=None,
):
    """One message for one recipient: To is only them. `supporter`: whether they get the
    supporters' thank-you line (None: look it up)."""
    url = unsubscribe_url(subscriber, template)
    html, text = (edition.html, edition.text) if edition.html else editions.render(edition)
    if supporter is None:
        supporter = segments.is_supporter(
            subscriber.email, segments.supporters_among([subscriber.email])
        )
    html, text = segments.fill(html, text, supporter)
    message_id = (
        f"<newsletter.{edition.pk}.{delivery_id}@{_domain()}>" if delivery_id else make_msgid()
    )
    message = EmailMultiAlternatives(
        subject=f"{subject_prefix}{edition.subject}",
        body=text.replace(editions.UNSUBSCRIBE_PLACEHOLDER, url),
        from_email=settings.NEWSLETTER_FROM_EMAIL,
        to=[subscriber.email],
        headers=list_headers(subscriber, message_id, url),
        connection=connection,
    )
    message.attach_alternative(html.replace(editions.UNSUBSCRIBE_PLACEHOLDER, url), "text/html")
    return message


def send_batch(edition_id):
    """Claim one batch and send it over one SMTP connection. True when it sent one (the
    next batch should follow); False when the edition is not sending or nothing was left
    to claim (then the edition is finished, if every delivery is done)."""
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None:
        return False
    claimed = claim(edition_id, settings.NEWSLETTER_BATCH_SIZE)
    if not claimed:
        finish(edition_id)
        return False
    subscribers = Subscriber.objects.only("id", "email", "token", "status").in_bulk(
        [subscriber_id for _, subscriber_id in claimed]
    )
    pause = 1 / settings.NEWSLETTER_RATE if settings.NEWSLETTER_RATE > 0 else 0
    connection = get_connection()
    template = unsubscribe_template()
    supporters = segments.supporters_among(s.email for s in subscribers.values())
    remaining = [delivery_id for delivery_id, _ in claimed]
    try:
        connection.open()
        for delivery_id, subscriber_id in claimed:
            started = time.monotonic()
            subscriber = subscribers.get(subscriber_id)
            if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                _mark(delivery_id, Delivery.Status.SKIPPED)
            else:
                message = build_message(
                    edition,
                    subscriber,
                    delivery_id,
                    connection,
                    template=template,
                    supporter=segments.is_supporter(subscriber.email, supporters),
                )
                try:
                    connection.send_messages([message])
                except RECIPIENT_ERRORS as exc:
                    logger.warning(
                        "Edition %s: delivery %s refused: %s", edition_id, delivery_id, exc
                    )
                    _mark(delivery_id, Delivery.Status.FAILED, str(exc))
                else:
                    _mark(delivery_id, Delivery.Status.SENT)
            remaining.pop(0)
            if pause:
                time.sleep(max(0, pause - (time.monotonic() - started)))
    except Exception:
        # The server went away: what this batch has not sent goes back to the queue, and
        # the task is retried with backoff (core.tasks.retrying_task).
        _release(remaining)
        raise
    finally:
        connection.close()
    return True


def finish(edition_id):
    """Mark the edition sent once no delivery is waiting or in flight."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(pk=edition_id).first()
        if edition is None or edition.status != Edition.Status.SENDING:
            return False
        busy = edition.deliveries.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).exists()
        if busy:
            return False
        edition.status = Edition.Status.SENT
        edition.recipients = edition.deliveries.filter(status=Delivery.Status.SENT).count()
        edition.save(update_fields=["status", "sent_at", "recipients"])
    logger.info("Edition %s sent to %s subscribers", edition_id, edition.recipients)
    return True


# --- The watchdog -----------------------------------------------------------------------


def watch(edition_id):
    """The watchdog's look at a sending edition: None once it needs no more watching (sent,
    or gone); otherwise whether a batch should start because rows wait that no live batch
    will take (its worker died)."""
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None or finish(edition_id):
        return None
    expired = timezone.now() - timedelta(seconds=settings.NEWSLETTER_SENDING_LEASE)
    stuck = edition.deliveries.filter(status=Delivery.Status.SENDING, claimed_at__lt=expired)
    return stuck.exists() or not edition.deliveries.filter(status=Delivery.Status.SENDING).exists()
