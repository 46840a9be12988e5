"""Background tasks of the feedback app: the e-mails about error reports. Enqueued once
the report's transaction commits (`core.tasks.enqueue_on_commit`), retried with backoff
when the mail server fails (core.tasks), so the request never waits for SMTP and no send
is lost."""

from core.tasks import retrying_task

from . import emails


@retrying_task(attempts=5, backoff=60)
def notify_staff(report_id):
    emails.notify_staff(report_id)


@retrying_task(attempts=5, backoff=60)
def acknowledge_reader(report_id):
    emails.acknowledge_reader(report_id)


@retrying_task(attempts=5, backoff=60)
def tell_reader_about_correction(report_id):
    emails.tell_reader_about_correction(report_id)
