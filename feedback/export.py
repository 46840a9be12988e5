"""The error reports as CSV rows (the admin's "Export" of the list as filtered): one row
per report, the article's title withheld where the staff member may not read it."""

from django.utils import timezone

UNPUBLISHED = "(an unpublished article)"

COLUMNS = [
    "id",
    "created",
    "status",
    "kind",
    "article",
    "page",
    "text that is wrong",
    "suggested correction",
    "details",
    "name",
    "e-mail",
    "wants reply",
    "assignee",
    "resolved",
    "correction",
    "internal notes",
]


def readable(report):
    """May the staff member who loaded this report read its article? The admin's queryset
    annotates `article_readable` for those who may not read every article."""
    return getattr(report, "article_readable", True)


def _when(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def rows(reports):
    """The CSV row of each report (COLUMNS), read with its article, assignee and
    correction."""
    for r in reports:
        yield (
            r.pk,
            _when(r.created),
            r.get_status_display(),
            r.get_kind_display(),
            (r.article.title if readable(r) else UNPUBLISHED) if r.article_id else "",
            r.page_address(),
            r.quoted_text,
            r.suggested_correction,
            r.details,
            r.name,
            r.email,
            "yes" if r.wants_reply else "no",
            r.assignee.get_username() if r.assignee_id else "",
            _when(r.resolved_at),
            r.correction.get_absolute_url() if r.correction_id else "",
            r.staff_notes,
        )
