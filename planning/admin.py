"""The planning desk in the admin: the story budget with its views, the coverage diary,
and (planning/admin_views.py) the calendar, the reports and the freelance commissions."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import admin_views, budget
from .forms import BudgetLineForm
from .models import BudgetLine, Event
from .tasks import schedule_deadline_check

COMMISSION_PERMISSION = "planning.view_commissions"


class WhenFilter(admin.SimpleListFilter):
    """The desk's usual views: due or running today, this week, and overdue."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("today", "Today"), ("week", "This week"), ("overdue", "Overdue")]

    def queryset(self, request, queryset):
        now = timezone.localtime()
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.value() == "today":
            return queryset.due_between(today, today + timedelta(days=1))
        if self.value() == "week":
            monday = today - timedelta(days=today.weekday())
            return queryset.due_between(monday, monday + timedelta(days=7))
        if self.value() == "overdue":
            return queryset.overdue()
        return queryset


class PersonFilter(admin.SimpleListFilter):
    title = "writer"
    parameter_name = "writer"

    def lookups(self, request, model_admin):
        from authors.models import Author

        writers = Author.objects.filter(assignments__isnull=False).distinct().order_by("name")
        return [(str(a.pk), a.name) for a in writers.only("pk", "name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(assignments__author_id=self.value()).distinct()
        return queryset


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    form = BudgetLineForm
    list_display = [
        "slug",
        "section",
        "writers",
        "editor_name",
        "due",
        "runs",
        "priority",
        "status",
        "article_link",
    ]
    list_filter = [WhenFilter, "status", "section", PersonFilter, "priority"]
    list_select_related = ["section", "editor", "article"]
    search_fields = ["slug", "pitch"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["event"]
    readonly_fields = ["article_link", "assigned_at", "published_at"]
    change_form_template = "admin/planning/budgetline/change_form.html"
    change_list_template = "admin/planning/budgetline/change_list.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["slug", "pitch", "section", "event", "priority", "status"]}),
            ("People", {"fields": ["writers", "editor"]}),
            ("Dates", {"fields": ["deadline", "publish_at", "confirm_past_deadline"]}),
            (
                "Article",
                {"fields": ["article_link", "assigned_at", "published_at", "needs_attention"]},
            ),
        ]
        if request.user.has_perm(COMMISSION_PERMISSION):
            fieldsets.append(("Freelance commission", {"fields": ["fee", "currency"]}))
        return fieldsets

    def get_exclude(self, request, obj=None):
        if not request.user.has_perm(COMMISSION_PERMISSION):
            return ["fee", "currency"]
        return super().get_exclude(request, obj)

    def get_queryset(self, request):
        lines = super().get_queryset(request).prefetch_related("assignments__author")
        return lines.visible_to(request.user)

    @admin.display(description="writers")
    def writers(self, line):
        return ", ".join(a.author.name for a in line.assignments.all()) or "—"

    @admin.display(description="editor", ordering="editor__last_name")
    def editor_name(self, line):
        if line.editor is None:
            return "—"
        return line.editor.get_full_name() or line.editor.get_username()

    @admin.display(description="due", ordering="deadline")
    def due(self, line):
        if line.deadline is None:
            return "—"
        when = f"{timezone.localtime(line.deadline):%a %d %b %H:%M}"
        if line.is_overdue():
            return format_html('<strong class="planning-overdue">{} · overdue</strong>', when)
        return when

    @admin.display(description="target publication", ordering="publish_at")
    def runs(self, line):
        """Written like the due column, so the two read side by side."""
        if line.publish_at is None:
            return "—"
        return f"{timezone.localtime(line.publish_at):%a %d %b %H:%M}"

    @admin.display(description="article")
    def article_link(self, line):
        if not line.article_id:
            return "—"
        url = reverse("admin:articles_article_change", args=[line.article_id])
        return format_html('<a href="{}">{}</a>', url, line.article.title)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        schedule_deadline_check(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = budget.assign(form.instance, form.cleaned_data.get("writers") or [])
        if added:
            names = format_html_join(", ", "{}", ((a.author.name,) for a in added))
            self.message_user(request, format_html("Assigned to {}; they have been told.", names))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/start/", view(self.start_view), name="planning_budgetline_start"),
            path("calendar/", view(admin_views.calendar_view(self)), name="planning_calendar"),
            path("reports/", view(admin_views.reports_view(self)), name="planning_reports"),
            path(
                "commissions/",
                view(admin_views.commissions_view(self)),
                name="planning_commissions",
            ),
            path("feeds/", view(admin_views.feeds_view(self)), name="planning_feeds"),
            *super().get_urls(),
        ]

    def start_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:planning_budgetline_change", args=[pk]))
        line = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        try:
            article = budget.start_article(line, request.user)
        except budget.PlanningError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:planning_budgetline_change", args=[pk]))
        self.message_user(
            request,
            "The draft is started from the budget line: write it, then submit it for "
            "review to file it.",
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = {"can_start": request.user.has_perm("articles.add_article")}
        return super().changeform_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )


class CoverageInline(admin.TabularInline):
    model = BudgetLine
    fields = ["slug", "status", "deadline", "publish_at", "article_link"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "planned coverage"
    verbose_name_plural = "planned coverage"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="published")
    def article_link(self, line):
        if line.status != BudgetLine.Status.PUBLISHED or not line.article_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', line.article.get_absolute_url(), line.article.title
        )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "place", "coverage_count"]
    list_filter = [("starts_at", admin.DateFieldListFilter)]
    search_fields = ["title", "place", "notes"]
    date_hierarchy = "starts_at"
    inlines = [CoverageInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(planned=Count("coverage"))

    @admin.display(description="planned stories", ordering="planned")
    def coverage_count(self, event):
        return event.planned

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
