"""Background tasks of the newsletter: confirmation mails (retried with backoff, so a mail
server that is down never loses a sign-up) and the sending of editions in batches
(newsletter/sending.py)."""

from core.tasks import retrying_task


@retrying_task(attempts=6, backoff=60)
def send_confirmation(subscriber_id):
    from . import emails

    emails.send_confirmation(subscriber_id)


@retrying_task(attempts=6, backoff=60)
def send_already_subscribed(subscriber_id):
    from . import emails

    emails.send_already_subscribed(subscriber_id)


@retrying_task(attempts=8, backoff=30)
def start_edition(edition_id):
    from . import sending

    sending.start(edition_id)


@retrying_task(attempts=8, backoff=30)
def send_batch(edition_id):
    from . import sending

    sending.send_batch(edition_id)


@retrying_task(attempts=3, backoff=30)
def watch_edition(edition_id):
    from . import sending

    sending.watch(edition_id)
