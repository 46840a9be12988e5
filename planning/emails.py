"""E-mails of the planning desk: a new assignment to its writer, an overdue story to its
editor. Sent by background tasks (planning/tasks.py), retried when the mail server fails."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from core.links import absolute_url

from .models import Assignment, BudgetLine


def _send(subject, template, context, to):
    body = render_to_string(template, {"SITE_NAME": settings.SITE_NAME, **context})
    EmailMessage(subject=f"[{settings.SITE_NAME}] {subject}", body=body, to=to).send()


def _writer_address(author):
    """The writer's own address: their staff account's, else their public one."""
    if author.user_id and author.user.email:
        return author.user.email
    return author.email


def notify_assignment(assignment_id):
    assignment = (
        Assignment.objects.select_related("line__section", "line__editor", "author__user")
        .filter(pk=assignment_id, notified_at__isnull=True)
        .first()
    )
    if assignment is None:  # withdrawn, or told already
        return
    address = _writer_address(assignment.author)
    if address:
        line = assignment.line
        _send(
            f"New assignment: {line.slug}",
            "planning/email/assignment.txt",
            {
                "line": line,
                "author": assignment.author,
                "url": absolute_url(line.get_absolute_url()),
            },
            [address],
        )
    assignment.notified_at = timezone.now()
    assignment.save(update_fields=["notified_at"])


def flag_overdue(now=None, line_ids=None):
    """Tell each overdue line's editor once (only `line_ids`, if given). Returns how many
    lines were flagged."""
    now = now or timezone.now()
    lines = BudgetLine.objects.overdue(now).filter(overdue_flagged_at__isnull=True)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    flagged = 0
    for line in lines.select_related("editor", "section"):
        if line.editor and line.editor.email:
            _send(
                f"Overdue: {line.slug}",
                "planning/email/overdue.txt",
                {"line": line, "url": absolute_url(line.get_absolute_url())},
                [line.editor.email],
            )
        line.overdue_flagged_at = now
        line.save(update_fields=["overdue_flagged_at"])
        flagged += 1
    return flagged
