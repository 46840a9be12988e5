"""Data retention for reader error reports: delete old spam, and remove the reader's name
and e-mail address from reports resolved long ago. Run it daily (see docs/deploying.md)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from feedback.models import ErrorReport


class Command(BaseCommand):
    help = (
        "Delete spam reports older than --spam-days and remove contact details from reports "
        "resolved more than --contact-days ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--spam-days",
            type=int,
            default=settings.FEEDBACK_SPAM_RETENTION_DAYS,
            help="Delete spam received more than this many days ago "
            "(default: FEEDBACK_SPAM_RETENTION_DAYS, %(default)s).",
        )
        parser.add_argument(
            "--contact-days",
            type=int,
            default=settings.FEEDBACK_CONTACT_RETENTION_DAYS,
            help="Remove name and e-mail from reports resolved more than this many days ago "
            "(default: FEEDBACK_CONTACT_RETENTION_DAYS, %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )

    def handle(self, *args, spam_days, contact_days, dry_run, **options):
        if spam_days < 1 or contact_days < 1:
            raise CommandError("--spam-days and --contact-days must be at least 1.")
        now = timezone.now()
        spam = ErrorReport.objects.filter(
            status=ErrorReport.Status.SPAM, created__lt=now - timedelta(days=spam_days)
        )
        resolved = (
            ErrorReport.objects.filter(
                status__in=ErrorReport.RESOLVED_STATUSES,
                resolved_at__lt=now - timedelta(days=contact_days),
            )
            .exclude(status=ErrorReport.Status.SPAM)
            .exclude(name="", email="", wants_reply=False, client_hash="")
        )
        if dry_run:
            self.stdout.write(
                f"Would delete {spam.count()} spam report(s) and remove contact details "
                f"from {resolved.count()} resolved report(s)."
            )
            return
        with transaction.atomic():
            deleted, _ = spam.delete()
            cleared = resolved.update(
                name="", email="", wants_reply=False, client_hash="", contact_removed_at=now
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {deleted} spam report(s); removed contact details from {cleared} "
                "resolved report(s)."
            )
        )
