"""Background tasks of the planning desk (core.tasks: retried with backoff)."""

from django.utils import timezone

from core.tasks import retrying_task

from . import emails


@retrying_task(attempts=5, backoff=60)
def notify_assignments(assignment_ids):
    for pk in assignment_ids:
        emails.notify_assignment(pk)


@retrying_task(attempts=3, backoff=60)
def check_deadline(line_id):
    """Runs at a line's deadline (enqueued with run_after): flags it if nothing was filed."""
    emails.flag_overdue(line_ids=[line_id])


def schedule_deadline_check(line):
    """Enqueue the check for the line's deadline, once the save commits. A deadline moved
    later enqueues another; the earlier run then finds the line not yet overdue."""
    if line.deadline is None or not line.is_open:
        return
    from django.db import transaction

    task = check_deadline
    if line.deadline > timezone.now():
        if not task.get_backend().supports_defer:
            return  # a backend that cannot wait: the dashboard's "Overdue" still shows it
        task = task.using(run_after=line.deadline)
    transaction.on_commit(lambda: task.enqueue(line.pk))
