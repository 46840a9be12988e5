"""The newsletter in the admin: subscribers (search, status filter, CSV export, erasure
on request) and editions (pre-filled with the top stories, reordered, previewed, tested,
scheduled or sent; once sent, the clicks per story)."""

from datetime import datetime

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import BadHeaderError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.csv_export import csv_download

from . import clicks, editions, segments, sending, subscriptions, tasks
from .models import Delivery, Edition, EditionItem, Subscriber

SUBSCRIBER_CSV = ["e-mail", "status", "signed up", "source", "consent", "consent given",
                  "confirmed", "unsubscribed"]  # fmt: skip


def _stamp(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "source", "created", "confirmed_at"]
    list_filter = ["status", "source"]
    search_fields = ["email"]
    show_full_result_count = False
    list_per_page = 100
    actions = ["unsubscribe_selected", "delete_selected"]
    readonly_fields = [
        "email",
        "status",
        "source",
        "created",
        "consent_text",
        "consent_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # only readers sign up, with double opt-in

    @admin.action(description="Unsubscribe the selected subscribers", permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = 0
        for subscriber in queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED):
            subscriptions.unsubscribe(subscriber)
            count += 1
        self.message_user(request, f"{count} subscriber(s) unsubscribed.", messages.SUCCESS)

    # --- Erasure: nothing left behind -----------------------------------------------------

    def _erased_repr(self, obj):
        return f"Subscriber #{obj.pk} (erased on request)"

    def log_deletion(self, request, obj, object_repr):
        return super().log_deletion(request, obj, self._erased_repr(obj))

    def log_deletions(self, request, queryset):
        # One log line per row, without the address (Django would store it as the repr).
        content_type = ContentType.objects.get_for_model(Subscriber)
        return LogEntry.objects.bulk_create(
            LogEntry(
                user_id=request.user.pk,
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=self._erased_repr(obj),
                action_flag=DELETION,
                change_message="",
            )
            for obj in queryset
        )

    def delete_model(self, request, obj):
        subscriptions.erase(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            subscriptions.erase(obj)

    # --- CSV export -------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The list as it is filtered and searched on screen, as CSV."""
        if not request.user.has_perm("newsletter.export_subscribers"):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:newsletter_subscriber_changelist"))
        rows_qs = changelist.get_queryset(request).order_by("id").iterator(chunk_size=2000)
        rows = (
            (
                s.email,
                s.get_status_display(),
                _stamp(s.created),
                s.get_source_display(),
                s.consent_text,
                _stamp(s.consent_at),
                _stamp(s.confirmed_at),
                _stamp(s.unsubscribed_at),
            )
            for s in rows_qs
        )
        return csv_download("subscribers", SUBSCRIBER_CSV, rows)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": request.user.has_perm("newsletter.export_subscribers"),
        }
        return super().changelist_view(request, extra_context)


class EditionItemInline(admin.TabularInline):
    model = EditionItem
    extra = 0
    fields = ["position", "article"]
    autocomplete_fields = ["article"]  # found by headline (the article admin's search)
    verbose_name = "story"
    verbose_name_plural = "stories (smaller position numbers come first)"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "scheduled_for", "sent_at", "recipients", "progress"]
    list_filter = ["status"]
    search_fields = ["subject"]
    inlines = [EditionItemInline]
    fields = ["subject", "intro", "status", "scheduled_for", "sent_at", "recipients", "progress"]
    readonly_fields = ["status", "scheduled_for", "sent_at", "recipients", "progress"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT))
            )
        )

    @admin.display(description="delivered")
    def progress(self, obj):
        delivered = getattr(obj, "delivered", None)
        if obj.status == Edition.Status.DRAFT or delivered is None:
            return "–"
        return f"{delivered} of {obj.recipients}"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return ["subject", "intro", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Edition.Status.DRAFT)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            added = editions.fill_with_top_stories(form.instance)
            self.message_user(
                request,
                f"Filled with the {added} top {'story' if added == 1 else 'stories'} published "
                "since the last edition: reorder them with the position numbers, remove or add "
                "stories, then preview.",
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        # Always back to the edition: the stories were just filled in.
        return redirect("admin:newsletter_edition_change", obj.pk)

    def get_changeform_initial_data(self, request):
        today = timezone.localdate()
        return {"subject": f"The week in defence, {today:%-d %B %Y}"}

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        prefix = "{}_{}".format(*info)
        return [
            path("<path:object_id>/preview/", view(self.preview_view), name=f"{prefix}_preview"),
            path("<path:object_id>/send/", view(self.send_view), name=f"{prefix}_send"),
            *super().get_urls(),
        ]

    def _edition(self, request, object_id, change=False):
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        allowed = (
            self.has_change_permission(request, edition)
            if change
            else self.has_view_permission(request, edition)
        )
        if not allowed:
            raise PermissionDenied
        return edition

    def preview_view(self, request, object_id):
        """The e-mail as subscribers get it (HTML, or ?format=text)."""
        edition = self._edition(request, object_id)
        if edition.html:
            html, text = edition.html, edition.text
        else:
            html, text = editions.render(edition)
        html, text = segments.fill(html, text, request.GET.get("segment") == "supporters")
        if request.GET.get("format") == "text":
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return HttpResponse(html)

    def send_view(self, request, object_id):
        """The buttons on the edition: test to me, send now, schedule, unschedule."""
        if request.method != "POST":
            return redirect("admin:newsletter_edition_change", object_id)
        edition = self._edition(request, object_id, change=True)
        action = request.POST.get("action")
        back = redirect("admin:newsletter_edition_change", edition.pk)
        try:
            if action == "test":
                self._send_test(request, edition)
            elif action == "send":
                self._require_send_permission(request)
                if "confirmed" not in request.POST:
                    return self._confirm_send(request, edition)
                tasks.send_now(edition)
                self.message_user(request, "Sending has started.", messages.SUCCESS)
            elif action == "schedule":
                self._require_send_permission(request)
                when = self._when(request.POST.get("when", ""))
                tasks.schedule(edition, when)
                local = timezone.localtime(when)
                self.message_user(
                    request, f"Scheduled for {local:%-d %B %Y, %H:%M}.", messages.SUCCESS
                )
            elif action == "unschedule":
                self._require_send_permission(request)
                if sending.unschedule(edition):
                    self.message_user(
                        request, "Back to draft: it will not be sent.", messages.SUCCESS
                    )
                else:
                    self.message_user(request, "Too late: sending has started.", messages.ERROR)
        except (sending.EditionNotReady, ValueError) as problem:
            self.message_user(request, str(problem), messages.ERROR)
        return back

    def _confirm_send(self, request, edition):
        """ "Send to 12,431 confirmed subscribers?": sending cannot be called back."""
        count = Subscriber.objects.confirmed().count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Send this edition now?",
            "edition": edition,
            "count": count,
            "count_text": f"{count:,}",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsletter/edition/confirm_send.html", context)

    def _require_send_permission(self, request):
        if not request.user.has_perm("newsletter.send_edition"):
            raise PermissionDenied

    def _when(self, value):
        try:
            naive = datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError as exc:
            raise ValueError("Give the date and time to send it, e.g. 2026-05-01 07:00.") from exc
        when = timezone.make_aware(naive)
        if when <= timezone.now():
            raise ValueError("That time has passed: choose a later one, or send it now.")
        return when

    def _send_test(self, request, edition):
        address = request.user.email
        if not address:
            raise ValueError("Your account has no e-mail address to send the test to.")
        test_subscriber = Subscriber(email=address, token="test-" + str(request.user.pk))
        message = sending.build_message(edition, test_subscriber, subject_prefix="[Test] ")
        try:
            message.send()
        except (OSError, BadHeaderError) as exc:
            raise ValueError(f"The test could not be sent: {exc}") from exc
        self.message_user(request, f"Test sent to {address}.", messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_send": request.user.has_perm("newsletter.send_edition"),
            "min_when": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "story_clicks": self._story_clicks(request, object_id),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _story_clicks(self, request, object_id):
        """Clicks per story of a sent edition, for those allowed to see them (Editors);
        None hides the table."""
        object_id = unquote(object_id)
        if not object_id.isdigit() or not request.user.has_perm("newsletter.view_storyclicks"):
            return None
        edition = Edition.objects.filter(pk=object_id).only("status").first()
        if edition is None or edition.status not in (Edition.Status.SENDING, Edition.Status.SENT):
            return None
        return clicks.per_story(edition)
