from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from feedback.models import ErrorReport
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def report(days_old, status="new", resolved_days_ago=None, **fields):
    created = timezone.now() - timedelta(days=days_old)
    values = {
        "article": ArticleFactory(),
        "quoted_text": "quote",
        "name": "Reader",
        "email": "reader@example.org",
        "wants_reply": True,
        "client_hash": "a" * 64,
        "status": status,
        "created": created,
        **fields,
    }
    obj = ErrorReport.objects.create(**values)
    if resolved_days_ago is not None:
        ErrorReport.objects.filter(pk=obj.pk).update(
            resolved_at=timezone.now() - timedelta(days=resolved_days_ago)
        )
    return obj


def run(*args):
    out = StringIO()
    call_command("purge_error_reports", *args, stdout=out)
    return out.getvalue()


def test_purge_deletes_old_spam_and_keeps_recent_spam(settings):
    settings.FEEDBACK_SPAM_RETENTION_DAYS = 30
    old = report(45, status="spam")
    recent = report(5, status="spam")
    old_but_real = report(45)

    output = run()

    assert "Deleted 1 spam report(s)" in output
    assert not ErrorReport.objects.filter(pk=old.pk).exists()
    assert ErrorReport.objects.filter(pk__in=[recent.pk, old_but_real.pk]).count() == 2


def test_purge_removes_contact_details_from_long_resolved_reports_only():
    long_resolved = report(400, status="fixed", resolved_days_ago=200)
    recently_resolved = report(400, status="no_change", resolved_days_ago=10)
    still_open = report(400)

    output = run("--contact-days", "180")

    long_resolved.refresh_from_db()
    assert (long_resolved.name, long_resolved.email, long_resolved.wants_reply) == ("", "", False)
    assert long_resolved.client_hash == "" and long_resolved.contact_removed_at is not None
    assert long_resolved.quoted_text == "quote"  # the report itself stays
    for kept in (recently_resolved, still_open):
        kept.refresh_from_db()
        assert kept.email == "reader@example.org"
    assert "removed contact details from 1 resolved report(s)" in output
    assert "from 0 resolved" in run("--contact-days", "180")  # nothing left to do


def test_purge_dry_run_changes_nothing():
    report(45, status="spam")
    report(400, status="fixed", resolved_days_ago=200)

    output = run("--dry-run", "--spam-days", "30", "--contact-days", "180")

    assert "Would delete 1 spam report(s) and remove contact details from 1" in output
    assert ErrorReport.objects.count() == 2
    assert not ErrorReport.objects.filter(email="").exists()


def test_purge_refuses_nonsense_periods():
    with pytest.raises(CommandError):
        run("--spam-days", "0")
