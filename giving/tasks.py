"""Background tasks of reader revenue: the e-mails, retried with backoff so a mail server
that is down never loses a receipt."""

from core.tasks import retrying_task


@retrying_task(attempts=6, backoff=60)
def send_receipt(donation_id):
    from . import emails

    emails.send_receipt(donation_id)


@retrying_task(attempts=6, backoff=60)
def send_renewal_failed(donation_id):
    from . import emails

    emails.send_renewal_failed(donation_id)


@retrying_task(attempts=6, backoff=60)
def send_sign_in_link(supporter_id):
    from . import emails

    emails.send_sign_in_link(supporter_id)
