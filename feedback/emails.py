"""E-mails about error reports. They run as background tasks (feedback.tasks), enqueued
once the transaction that saved the report commits; a failure raises, so the task is
retried with backoff and, if it keeps failing, listed with its error in the admin. The
report itself is never touched by a failed send."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ErrorReport

logger = logging.getLogger(__name__)

FEEDBACK_STAFF = "Feedback staff"  # the group; made by migration 0002_feedback_staff_group


def staff_recipients():
    """FEEDBACK_NOTIFY_EMAILS when set; otherwise every active member of the Feedback
    staff group who has an e-mail address."""
    if settings.FEEDBACK_NOTIFY_EMAILS:
        return list(settings.FEEDBACK_NOTIFY_EMAILS)
    users = (
        get_user_model()
        .objects.filter(groups__name=FEEDBACK_STAFF, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def _send(subject, template, context, to, reply_to=None):
    body = render_to_string(template, {"SITE_NAME": settings.SITE_NAME, **context})
    EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=body,
        to=to,
        reply_to=reply_to,
    ).send()


def notify_staff(report_id):
    """Tell the Feedback staff a new report has arrived."""
    report = ErrorReport.objects.select_related("article").filter(pk=report_id).first()
    if report is None:  # deleted (purged) before the task ran: nobody to write to
        return
    recipients = staff_recipients()
    if not recipients:
        logger.warning(
            "Error report %s arrived but nobody is set to hear about it: add people to "
            "the %r group or set FEEDBACK_NOTIFY_EMAILS.",
            report_id,
            FEEDBACK_STAFF,
        )
        return
    about = f"“{report.article.title}”" if report.article_id else report.page_url
    _send(
        f"{report.get_kind_display()} reported on {about}",
        "feedback/emails/staff_notification.txt",
        {
            "report": report,
            "admin_url": f"{settings.SITE_URL}{report.get_admin_url()}",
            "duplicates": list(ErrorReport.objects.possible_duplicates(report)[:5]),
        },
        to=recipients,
        reply_to=[report.email] if report.email else None,
    )


def acknowledge_reader(report_id):
    """Thank a reader who asked to hear back. It repeats nothing they typed (not even
    their name), so the form cannot be used to send other people messages."""
    report = ErrorReport.objects.select_related("article").filter(pk=report_id).first()
    if report is None:  # deleted (purged) before the task ran: nobody to write to
        return
    if not report.can_reply or report.status == ErrorReport.Status.SPAM:
        return
    _send(
        "We have received your report",
        "feedback/emails/acknowledgement.txt",
        {
            "report": report,
            "corrections_url": f"{settings.SITE_URL}{reverse('feedback:corrections')}",
        },
        to=[report.email],
    )


def tell_reader_about_correction(report_id):
    """Tell the reader who asked to hear back that their report led to a correction."""
    report = (
        ErrorReport.objects.select_related("article", "correction").filter(pk=report_id).first()
    )
    if report is None:  # deleted (purged) before the task ran: nobody to write to
        return
    if not report.can_reply or report.correction is None:
        return
    _send(
        "We have corrected the article you wrote to us about",
        "feedback/emails/correction_notice.txt",
        {
            "report": report,
            "correction": report.correction,
            "correction_url": f"{settings.SITE_URL}{report.correction.get_absolute_url()}",
            "changes_url": f"{settings.SITE_URL}{changes}"
            if (changes := report.correction.get_changes_url())
            else "",
        },
        to=[report.email],
    )
