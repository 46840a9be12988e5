"""The admin front page's panels about error reports: the new ones, and the open ones
assigned to the staff member looking. Registered when the admin loads (feedback/admin.py
imports this module)."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles import workflow
from core.admin_site import register_panel

from .export import UNPUBLISHED
from .models import ErrorReport
from .templatetags.feedback_admin import assigned_url

PANEL_SIZE = 5


@register_panel
def new_reports_panel(request):
    """The admin front page: how many reports wait, and the newest few. Two queries."""
    if not request.user.has_perm("feedback.view_errorreport"):
        return None
    new = ErrorReport.objects.filter(status=ErrorReport.Status.NEW)
    count = new.count()
    newest = new.select_related("article").order_by("-created", "-id")[:PANEL_SIZE] if count else []
    changelist = reverse("admin:feedback_errorreport_changelist")
    return {
        "title": "New error reports",
        "count": count,
        "items": [
            (
                _panel_label(request.user, r),
                r.get_admin_url(),
                f"{timesince(r.created, depth=1)} ago",
            )
            for r in newest
        ],
        "empty": "No new reports from readers.",
        "link": ("All new reports", f"{changelist}?status__exact=new"),
    }


def _panel_label(user, report):
    """ "#12 Factual error: <the article's title, or the page's address>" for a dashboard
    panel; the title of an article `user` may not read is withheld."""
    if report.article_id:
        shown = report.article.title if workflow.can_read(user, report.article) else UNPUBLISHED
    else:
        shown = report.page_url
    return f"#{report.pk} {report.get_kind_display()}: " + Truncator(shown).chars(50)


@register_panel
def assigned_to_me_panel(request):
    """The admin front page: open reports assigned to this staff member, longest waiting
    first, so a report handed over by feedback staff stays in sight. Two queries."""
    user = request.user
    if not user.has_perm("feedback.view_errorreport"):
        return None
    reports = ErrorReport.objects.assigned_to(user)
    count = reports.count()
    waiting = (
        reports.select_related("article").order_by("created", "id")[:PANEL_SIZE] if count else []
    )
    return {
        "title": "Assigned to me",
        "count": count,
        "items": [
            (
                _panel_label(user, r),
                r.get_admin_url(),
                f"{r.get_status_display()}, reported {timesince(r.created, depth=1)} ago",
            )
            for r in waiting
        ],
        "empty": "No open reports are assigned to you.",
        "link": ("All my open reports", assigned_url(user)),
    }
