"""The tips desk's inbox ("Tips" in the admin), for the "Tips desk" group only: tips by
day, size, files and status; download of the encrypted bundle (decrypted on the
journalist's own computer, docs/tips.md); mark handled; reply; delete for good."""

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import codename, desk
from .models import Reply, Tip


class ReplyForm(forms.Form):
    """The reply as text (sealed in the browser before it is sent when the browser can,
    static/js/tips-reply.js, otherwise by the server at once), or already sealed."""

    text = forms.CharField(
        label="Your reply",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text="Sealed to the source's codename by your browser before it is sent: after "
        "that, nobody here can read it again, you included. Keep your own notes elsewhere. "
        "Never name the source or quote anything that only they could know.",
    )
    sealed = forms.CharField(
        label="Or paste a reply already sealed to this source (base64)",
        required=False,
        max_length=40_000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )

    def clean_sealed(self):
        value = "".join(self.cleaned_data["sealed"].split())
        if not value:
            return b""
        try:
            sealed = base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise forms.ValidationError("This is not a sealed reply (base64 expected).") from exc
        if not codename.well_formed(sealed):
            raise forms.ValidationError("This sealed reply is too short to hold any text.")
        return sealed

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("text")) == bool(cleaned.get("sealed")):
            if not self.errors:
                raise forms.ValidationError("Write a reply, or paste a sealed one (not both).")
        return cleaned


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "received_on",
        "size_display",
        "attachment_count",
        "status",
        "source",
    )
    list_filter = ("status",)
    date_hierarchy = "received_on"
    list_select_related = ("source",)
    list_per_page = 50
    actions = ["mark_handled", "mark_new"]
    fields = ("received_on", "size_display", "attachment_count", "status", "source", "download")
    readonly_fields = ("received_on", "size_display", "attachment_count", "source", "download")

    def has_add_permission(self, request):
        return False  # tips come only from sources

    @admin.display(description="size", ordering="size")
    def size_display(self, tip):
        return filesizeformat(tip.size)

    @admin.display(description="encrypted bundle")
    def download(self, tip):
        return format_html(
            '<a class="button" href="{}">Download {}</a> '
            '<a class="button" href="{}">Reply to this source</a>',
            reverse("admin:tips_tip_download", args=[tip.pk]),
            desk.bundle_filename(tip),
            reverse("admin:tips_tip_reply", args=[tip.pk]),
        )

    @admin.action(description="Mark selected tips as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = desk.mark(queryset, Tip.Status.HANDLED)
        self.message_user(request, f"{count} tip(s) marked handled.", messages.SUCCESS)

    @admin.action(description="Mark selected tips as new", permissions=["change"])
    def mark_new(self, request, queryset):
        count = desk.mark(queryset, Tip.Status.NEW)
        self.message_user(request, f"{count} tip(s) marked new.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/download/", view(self.download_view), name="tips_tip_download"),
            path("<int:pk>/reply/", view(self.reply_view), name="tips_tip_reply"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        tip = get_object_or_404(Tip, pk=pk)
        response = HttpResponse(bytes(tip.bundle), content_type="application/pgp-encrypted")
        response["Content-Disposition"] = f'attachment; filename="{desk.bundle_filename(tip)}"'
        response["Cache-Control"] = "no-store"
        return response

    def reply_view(self, request, pk):
        if not request.user.has_perm("tips.add_reply"):
            raise PermissionDenied
        tip = get_object_or_404(Tip.objects.select_related("source"), pk=pk)
        form = ReplyForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["sealed"]:
                desk.store_sealed(tip.source, form.cleaned_data["sealed"])
            else:
                desk.reply(tip.source, form.cleaned_data["text"])
            self.message_user(
                request,
                "Your reply was sealed to the source's codename. They will see it when they "
                "come back with it.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:tips_tip_change", args=[tip.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reply to the source of {tip}",
            "tip": tip,
            "form": form,
            "opts": self.model._meta,
            "replies_sent": Reply.objects.filter(source=tip.source).count(),
            "reply_key": base64.b64encode(bytes(tip.source.reply_key)).decode(),
        }
        return TemplateResponse(request, "admin/tips/reply.html", context)
