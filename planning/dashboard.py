"""Dashboard panels: "My assignments" for writers, "Overdue" for editors (two queries each)."""

from django.urls import reverse
from django.utils import timezone

from core.admin_site import register_panel

from .models import BudgetLine

PANEL_SIZE = 8


def _url(line):
    return reverse("admin:planning_budgetline_change", args=[line.pk])


def _due(line):
    if line.deadline is None:
        return "no deadline"
    note = f"due {timezone.localtime(line.deadline):%a %d %b, %H:%M}"
    return f"{note} · overdue" if line.is_overdue() else note


@register_panel
def my_assignments_panel(request):
    if not request.user.has_perm("planning.view_budgetline"):
        return None
    lines = BudgetLine.objects.assigned_to(request.user).open().order_by("deadline", "pk")
    items = [
        (line.slug, _url(line), f"{line.get_status_display()}, {_due(line)}")
        for line in lines[:PANEL_SIZE]
    ]
    return {
        "title": "My assignments",
        "items": items,
        "count": lines.count(),
        "empty": "Nothing is assigned to you.",
        "link": ("The story budget", reverse("admin:planning_budgetline_changelist")),
    }


@register_panel
def overdue_panel(request):
    if not request.user.has_perm("planning.change_budgetline"):
        return None
    lines = BudgetLine.objects.overdue().select_related("editor").order_by("deadline", "pk")
    items = [(line.slug, _url(line), _due(line)) for line in lines[:PANEL_SIZE]]
    return {
        "title": "Overdue stories",
        "items": items,
        "count": lines.count(),
        "empty": "No story is past its deadline.",
        "link": ("All overdue", reverse("admin:planning_budgetline_changelist") + "?when=overdue"),
    }
