"""Triage of reader error reports, and turning a report into a published correction. The
correction's checks and its publishing are corrections.py; the CSV rows export.py; the
front page's panels panels.py (imported here, so they keep their place on the page)."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles import workflow
from articles.models import Article
from core.csv_export import csv_download

from . import corrections, export, panels, rules  # noqa: F401 (panels registers itself)
from .export import UNPUBLISHED, readable
from .forms import CorrectedTextForm, CorrectionFromReportForm
from .models import ErrorReport


class OpenFilter(admin.SimpleListFilter):
    """Open (new, triaged, needs more information) or resolved: what is still to do."""

    title = "open or resolved"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=ErrorReport.OPEN_STATUSES)
        if self.value() == "no":
            return queryset.exclude(status__in=ErrorReport.OPEN_STATUSES)
        return queryset


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["report", "status", "kind", "about", "age", "assignee"]
    list_display_links = ["report"]
    list_filter = [
        OpenFilter,
        "status",
        "kind",
        ("article__section", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("created", admin.DateFieldListFilter),
    ]
    list_per_page = 50
    search_fields = [
        "quoted_text",
        "suggested_correction",
        "details",
        "page_url",
        "name",
        "email",
        "article__title",
        "staff_notes",
    ]
    date_hierarchy = "created"
    raw_id_fields = ["duplicate_of"]
    actions = ["assign_to_me", "mark_triaged", "resolve_fixed", "resolve_no_change", "mark_spam"]
    readonly_fields = [
        "about_links",
        "about_links_with_edit",
        "quoted_text",
        "suggested_correction",
        "details",
        "name",
        "email",
        "wants_reply",
        "contact_removed_at",
        "possible_duplicates",
        "correction_link",
        "created",
        "updated",
        "resolved_at",
        "spam_reason",
    ]
    fieldsets = [
        (
            "What the reader reported",
            {"fields": ["about_links", "kind", "quoted_text", "suggested_correction", "details"]},
        ),
        ("The reader", {"fields": ["name", "email", "wants_reply", "contact_removed_at"]}),
        (
            "Triage",
            {
                "fields": [
                    "status",
                    "assignee",
                    "possible_duplicates",
                    "duplicate_of",
                    "correction_link",
                    "staff_notes",
                ]
            },
        ),
        ("Record", {"fields": ["created", "updated", "resolved_at", "spam_reason"]}),
    ]

    # --- Permissions: reports come only from readers --------------------------------

    def has_add_permission(self, request):
        return False

    def can_create_correction(self, request, report=None):
        return request.user.has_perm("articles.add_correction") and self.has_change_permission(
            request, report
        )

    # --- The list ----------------------------------------------------------------------

    def get_list_display(self, request):
        """Staff who may open articles in the admin get an "edit" link beside each one."""
        if request.user.has_perm("articles.change_article"):
            return ["report", "status", "kind", "about_with_admin_link", "age", "assignee"]
        return super().get_list_display(request)

    @admin.display(description="Report", ordering="-id")
    def report(self, obj):
        quote = obj.quoted_text or obj.details or obj.suggested_correction
        return f"#{obj.pk} {Truncator(quote).chars(70)}"

    @admin.display(description="Article or page", ordering="article__title")
    def about(self, obj):
        if obj.article_id and not readable(obj):
            return UNPUBLISHED
        if obj.article_id:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                obj.article.get_absolute_url(),
                Truncator(obj.article.title).chars(60),
            )
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            obj.page_address(),
            Truncator(obj.page_url).chars(60),
        )

    @admin.display(description="Article or page", ordering="article__title")
    def about_with_admin_link(self, obj):
        if not obj.article_id or not readable(obj):
            return self.about(obj)
        return format_html(
            '{} <a class="admin-edit-link" href="{}">(edit)</a>',
            self.about(obj),
            reverse("admin:articles_article_change", args=[obj.article_id]),
        )

    @admin.display(description="Age", ordering="created")
    def age(self, obj):
        return timesince(obj.created, depth=1)

    # --- The change form ---------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = rules.report_handlers()
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = rules.display_name
            field.help_text = "Only people who may act on reports; editors can also publish."
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Article or page")
    def about_links(self, obj):
        if obj.article_id and not readable(obj):
            return UNPUBLISHED
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            obj.page_address(),
            obj.article.title if obj.article_id else obj.page_url,
        )

    @admin.display(description="Article or page")
    def about_links_with_edit(self, obj):
        if not obj.article_id or not readable(obj):
            return self.about_links(obj)
        return format_html(
            '{} · <a href="{}">edit the article</a>',
            self.about_links(obj),
            reverse("admin:articles_article_change", args=[obj.article_id]),
        )

    def get_fieldsets(self, request, obj=None):
        """Staff who may edit articles get a link to the article's admin page too."""
        if not request.user.has_perm("articles.change_article"):
            return self.fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "about_links_with_edit" if f == "about_links" else f
                        for f in options["fields"]
                    ],
                },
            )
            for name, options in self.fieldsets
        ]

    @admin.display(description="Possible duplicates")
    def possible_duplicates(self, obj):
        if not obj.article_id:
            return "— (only reports on an article are compared)"
        found = list(ErrorReport.objects.possible_duplicates(obj).select_related("assignee")[:10])
        if not found:
            return "None found: no open report on this article quotes similar text."
        items = format_html_join(
            "",
            '<li><a href="{}">#{}</a> ({}, {}% alike): “{}”</li>',
            (
                (
                    other.get_admin_url(),
                    other.pk,
                    other.get_status_display(),
                    round(other.similarity * 100),
                    Truncator(other.quoted_text).chars(100),
                )
                for other in found
            ),
        )
        return format_html(
            '<p class="possible-duplicates-note">This report quotes text like these open '
            "reports on the same article. If it repeats one, set the status to “Duplicate” and "
            'enter that report\'s number below.</p><ul class="possible-duplicates">{}</ul>',
            items,
        )

    @admin.display(description="Correction")
    def correction_link(self, obj):
        if obj.correction_id is None:
            return "—"
        correction = obj.correction
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}, {}</a>',
            correction.get_absolute_url(),
            correction.get_kind_display(),
            timezone.localtime(correction.published_at).strftime("%-d %B %Y"),
        )

    def get_queryset(self, request):
        # The list's joins too: the changelist skips list_select_related when the queryset
        # already selects something.
        reports = super().get_queryset(request).select_related("article", "assignee", "correction")
        if workflow.is_editor(request.user):
            return reports
        # The article rule of the admin, on reports too: staff who may not read an
        # unpublished article see no title or link for it (list, form, CSV export).
        readable_ids = workflow.readable_articles(request.user, Article.objects.all())
        return reports.annotate(
            article_readable=Case(
                When(article__in=readable_ids.values("pk"), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        can_publish = rules.can_publish_corrections(request.user)
        report = None if can_publish else self.get_object(request, unquote(object_id))
        extra_context = {
            "can_create_correction": can_publish and self.can_create_correction(request),
            # Feedback staff see why they cannot, and whom to hand the report to.
            "correction_refusal": rules.correction_refusal(request.user, report)
            if report is not None and report.article_id and not report.correction_id
            else None,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Bulk actions ------------------------------------------------------------------

    def _log_bulk(self, request, reports, message):
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=reports,
            action_flag=CHANGE,
            change_message=message,
        )

    def _set_status(self, request, queryset, status):
        reports = list(queryset)
        ErrorReport.objects.filter(pk__in=[r.pk for r in reports]).set_status(status)
        label = ErrorReport.Status(status).label
        self._log_bulk(request, reports, f"Status set to {label} (bulk action).")
        self.message_user(
            request,
            f"{len(reports)} report{'s' if len(reports) != 1 else ''} marked “{label}”.",
            messages.SUCCESS,
        )

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        reports = list(queryset)
        ErrorReport.objects.filter(pk__in=[r.pk for r in reports]).update(
            assignee=request.user, updated=timezone.now()
        )
        self._log_bulk(request, reports, "Assigned to themselves (bulk action).")
        self.message_user(
            request,
            f"{len(reports)} report{'s' if len(reports) != 1 else ''} assigned to you.",
            messages.SUCCESS,
        )

    @admin.action(description="Mark triaged", permissions=["change"])
    def mark_triaged(self, request, queryset):
        self._set_status(request, queryset, ErrorReport.Status.TRIAGED)

    @admin.action(description="Resolve: fixed", permissions=["change"])
    def resolve_fixed(self, request, queryset):
        self._set_status(request, queryset, ErrorReport.Status.FIXED)

    @admin.action(description="Resolve: no change needed", permissions=["change"])
    def resolve_no_change(self, request, queryset):
        self._set_status(request, queryset, ErrorReport.Status.NO_CHANGE)

    @admin.action(description="Mark spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, ErrorReport.Status.SPAM)

    # --- Extra pages: CSV export, correction from a report -----------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "<path:object_id>/correction/",
                self.admin_site.admin_view(self.correction_view),
                name="{}_{}_correction".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The list as it is filtered and searched on screen, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:feedback_errorreport_changelist"))
        reports = (
            changelist.get_queryset(request)
            .select_related("article", "assignee", "correction")
            .iterator(chunk_size=500)
        )
        return csv_download("error-reports", export.COLUMNS, export.rows(reports))

    def correction_view(self, request, object_id):
        """Publish a correction on the report's article with the article's text beside it,
        saved together as one revision; link the report to it, resolve the report, and tell
        the reader if they asked to hear back. Staff who may not get a page saying why and
        who can (still a 403)."""
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404("No such report")
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        change_url = reverse("admin:feedback_errorreport_change", args=[report.pk])
        blocked = corrections.blocked(report, request.user)
        if blocked is not None and blocked.refusal is not None:
            return self.refused(request, report, blocked.refusal)
        if blocked is not None:
            self.message_user(request, blocked.warning, messages.WARNING)
            return redirect(change_url)
        article = Article.objects.get(pk=report.article_id)
        original = corrections.text_of(article)  # validating the form changes `article`
        data = request.POST if request.method == "POST" else None
        form = CorrectionFromReportForm(data, report=report)
        text_form = CorrectedTextForm(data, instance=article)
        if data is not None and form.is_valid() and text_form.is_valid():
            published = self.publish_from_forms(request, report, form, text_form, original)
            if published is not None:
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Publish a correction",
            "report": report,
            "article": article,
            "form": form,
            "text_form": text_form,
            "media": self.media + text_form.media,
            "quoted_in_body": corrections.still_quoted(report, original["body"]),
            "original": report,
        }
        return TemplateResponse(request, "admin/feedback/errorreport/correction_form.html", context)

    def publish_from_forms(self, request, report, form, text_form, original):
        """Publish when the forms agree; None (with the reason on the form) when not."""
        try:
            published = corrections.publish_from_report(
                report, form, text_form, original, request.user
            )
        except corrections.EditConflict as conflict:
            text_form.data = text_form.data.copy()
            # Keep every word typed; saving again is a deliberate overwrite.
            text_form.data[text_form.add_prefix("loaded_version")] = str(conflict.version)
            form.add_error(None, conflict.message)
            return None
        except corrections.NotPublished as refusal:
            form.add_error(None, str(refusal))
            return None
        correction = published.correction
        self.log_addition(request, correction, [{"added": {}}])
        self.log_change(request, report, f"Published a correction (#{correction.pk}) and resolved.")
        self.message_user(request, published.summary(report), messages.SUCCESS)
        warning = published.quote_warning(report)
        if warning:
            self.message_user(request, warning, messages.WARNING)
        return published

    def refused(self, request, report, refusal):
        """The explanation instead of a bare 403: what was tried, why not, who can."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "You can't do that here",
            "report": report,
            "refusal": refusal,
            "original": report,
        }
        return TemplateResponse(
            request, "admin/feedback/errorreport/refused.html", context, status=403
        )
