"""Signing up, confirming and leaving: the rules of the subscriber's life cycle.

Nothing here tells the person at the form whether an address was already on the list: a
sign-up always ends on the same "check your inbox" page, and the only difference is which
e-mail the owner of the address receives (a confirmation link, or a note that they are
already subscribed), at most one per NEWSLETTER_CONFIRM_RESEND_SECONDS to one mailbox
(models.mailbox_of: VICTIM+3@example.org and victim@example.org are one), so the form
cannot be used to flood someone's inbox.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from . import tasks
from .confirmation import CONFIRM_SALT
from .models import Subscriber, mailbox_of

logger = logging.getLogger(__name__)


CONSENT_TEXT = (
    "Send me the {site} newsletter by e-mail. I can unsubscribe at any time with the link "
    "in every edition; my address is used for nothing else."
)


def consent_text():
    return CONSENT_TEXT.format(site=settings.SITE_NAME)


def subscribe(email, source=Subscriber.Source.PAGE):
    """Record a sign-up and enqueue the one e-mail it deserves (after the commit, so a mail
    server that is down never loses the sign-up: the task retries)."""
    email = email.strip()
    now = timezone.now()
    with transaction.atomic():
        _lock_mailbox(mailbox_of(email))
        subscriber = Subscriber.objects.select_for_update().with_email(email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email,
                        source=source,
                        consent_text=consent_text(),
                        consent_at=now,
                    )
            except IntegrityError:  # the same address sent twice at once: one row wins
                subscriber = Subscriber.objects.select_for_update().with_email(email).get()
        elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            # Coming back is a new sign-up: new consent, new confirmation.
            subscriber.status = Subscriber.Status.PENDING
            subscriber.consent_text = consent_text()
            subscriber.consent_at = now
            subscriber.source = source
            subscriber.unsubscribed_at = None
            subscriber.confirmation_sent_at = None
            subscriber.save()
        if _mailed_recently(subscriber.mailbox, now):
            logger.info("Sign-up for subscriber %s: its mailbox had a mail recently", subscriber.pk)
            return subscriber
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            enqueue_on_commit(tasks.send_already_subscribed, subscriber.pk)
        else:
            enqueue_on_commit(tasks.send_confirmation, subscriber.pk)
    return subscriber


def _lock_mailbox(mailbox):
    """Sign-ups for one mailbox wait for each other until the transaction ends (a
    PostgreSQL advisory lock), so two at once cannot both send a mail."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"newsletter:{mailbox}"]
        )


def _mailed_recently(mailbox, now):
    since = now - timedelta(seconds=settings.NEWSLETTER_CONFIRM_RESEND_SECONDS)
    return Subscriber.objects.filter(mailbox=mailbox, confirmation_sent_at__gt=since).exists()


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def _token(signed):
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        return signer.unsign(signed, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc


def check_link(signed):
    """The subscriber a confirmation link is for, changing nothing (the page with the
    button). Raises like confirm()."""
    subscriber = Subscriber.objects.filter(token=_token(signed)).first()
    if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise LinkInvalid
    return subscriber


def confirm(signed):
    """Confirm the subscriber a link was signed for. Raises LinkExpired (a real link, too
    old) or LinkInvalid (tampered with, or its subscriber deleted or gone)."""
    token = _token(signed)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
        if subscriber is None:
            raise LinkInvalid
        if subscriber.status == Subscriber.Status.PENDING:
            subscriber.status = Subscriber.Status.CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
        elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            # A link from before they left: leaving wins; they can sign up again.
            raise LinkInvalid
    return subscriber


def unsubscribe(subscriber):
    """Idempotent: a second click (or a mail client's one-click POST after the reader's
    own) changes nothing."""
    updated = Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    )
    updated.update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())


def erase(subscriber):
    """Delete a subscriber on request, leaving nothing behind: the row with its consent
    record, every delivery row (by cascade) and the admin history that names the address
    (the deletion itself stays logged, as "Subscriber #id", by newsletter.admin). Editions
    keep only their recipient count."""
    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic():
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Subscriber),
            object_id=str(subscriber.pk),
        ).exclude(action_flag=DELETION).delete()
        subscriber.delete()
