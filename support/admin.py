from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_ckeditor_5.widgets import CKEditor5Widget

from core.revisions import SafeVersionAdmin

from .models import CLICK_WINDOW_DAYS, DonationClick, DonationOption, Page, SupportPage


class SupportPageForm(forms.ModelForm):
    class Meta:
        model = SupportPage
        fields = [
            "title",
            "intro",
            "body",
            "seo_description",
            "cta_sentence",
            "thanks_title",
            "thanks_body",
        ]
        widgets = {
            "intro": CKEditor5Widget(config_name="default"),
            "body": CKEditor5Widget(config_name="default"),
            "thanks_body": CKEditor5Widget(config_name="default"),
            "seo_description": forms.Textarea(attrs={"rows": 2}),
            "cta_sentence": forms.Textarea(attrs={"rows": 2}),
        }


@admin.register(SupportPage)
class SupportPageAdmin(admin.ModelAdmin):
    """One row: the list goes straight to its form; no second page, no deleting it."""

    form = SupportPageForm
    readonly_fields = ["modified"]
    fieldsets = [
        (None, {"fields": ["title", "intro", "body", "seo_description"]}),
        ("Under every article", {"fields": ["cta_sentence"]}),
        ("Thank-you page", {"fields": ["thanks_title", "thanks_body"]}),
        ("Record", {"fields": ["modified"], "classes": ["collapse"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SupportPage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        page = SupportPage.objects.first()
        if page is None:
            return redirect("admin:support_supportpage_add")
        return redirect("admin:support_supportpage_change", page.pk)

    def response_post_save_change(self, request, obj):
        return redirect("admin:support_supportpage_change", obj.pk)

    def response_post_save_add(self, request, obj):
        return redirect("admin:support_supportpage_change", obj.pk)


def https_by_default(db_field, **kwargs):
    """An address typed without a scheme becomes https://…, the only scheme accepted."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class DonationOptionForm(forms.ModelForm):
    class Meta:
        model = DonationOption
        formfield_callback = https_by_default
        fields = [
            "label",
            "slug",
            "kind",
            "description",
            "button_text",
            "url",
            "payment_details",
            "order",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "payment_details": forms.Textarea(attrs={"rows": 5}),
        }


@admin.register(DonationOption)
class DonationOptionAdmin(admin.ModelAdmin):
    form = DonationOptionForm
    list_display = ["label", "kind", "order", "is_active", "recent_clicks", "destination"]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["label", "description", "slug"]
    prepopulated_fields = {"slug": ["label"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["tracked_link", "clicks_by_day"]
    fieldsets = [
        (None, {"fields": ["label", "slug", "kind", "description", "button_text"]}),
        ("Where it leads", {"fields": ["url", "payment_details", "tracked_link"]}),
        ("On the support page", {"fields": ["order", "is_active"]}),
        (f"Clicks, last {CLICK_WINDOW_DAYS} days", {"fields": ["clicks_by_day"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_recent_clicks()

    @admin.display(description=f"Clicks ({CLICK_WINDOW_DAYS} days)", ordering="recent_clicks")
    def recent_clicks(self, obj):
        return obj.recent_clicks

    @admin.display(description="Leads to")
    def destination(self, obj):
        if not obj.url:
            return "Details shown on the page"
        return format_html('<span title="{}">{}</span>', obj.url, urlsplit(obj.url).netloc)

    @admin.display(description="Tracked link")
    def tracked_link(self, obj):
        if not obj.pk or not obj.url:
            return "Readers follow /support/go/<slug>/ once the option has a provider URL."
        return format_html("<code>{}</code>", obj.get_tracked_url())

    @admin.display(description="Clicks per day")
    def clicks_by_day(self, obj):
        if not obj.pk:
            return "—"
        since = timezone.localdate() - timedelta(days=CLICK_WINDOW_DAYS - 1)
        rows = list(
            DonationClick.objects.filter(option=obj, day__gte=since).values_list("day", "count")
        )
        if not rows:
            return f"No clicks in the last {CLICK_WINDOW_DAYS} days."
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td></tr>", ((d.strftime("%a %d %b %Y"), n) for d, n in rows)
        )
        total = sum(n for _, n in rows)
        return format_html(
            '<table class="click-table"><thead><tr><th scope="col">Day</th>'
            '<th scope="col">Clicks</th></tr></thead><tbody>{}</tbody>'
            '<tfoot><tr><th scope="row">Total</th><td>{}</td></tr></tfoot></table>',
            body,
            total,
        )


class PageForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title", "slug", "body", "seo_description", "is_published", "footer_order"]
        widgets = {
            "body": CKEditor5Widget(config_name="default"),
            "seo_description": forms.Textarea(attrs={"rows": 2}),
        }


@admin.register(Page)
class PageAdmin(SafeVersionAdmin):
    """Site pages are versioned like articles (django-reversion): every admin save is kept
    with who and when, the history page restores any revision, and a deleted page can be
    recovered."""

    form = PageForm
    list_display = ["title", "address", "is_published", "footer_order", "modified"]
    list_editable = ["is_published", "footer_order"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["modified"]

    @admin.display(description="Address", ordering="slug")
    def address(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)
