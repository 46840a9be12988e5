"""The tips desk's inbox ("Tips" in the admin), for the "Tips desk" group only: tips by
day, size, files and status; download of the encrypted bundle (decrypted on the
journalist's own computer, docs/tips.md); mark handled; reply; delete for good."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import desk
from .models import Reply, Tip


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text="Sealed to the source's codename as soon as you send it: after that, nobody "
        "here can read it again, you included. Keep your own notes elsewhere. Never name the "
        "source or quote anything that only they could know.",
    )


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
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
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
        }
        return TemplateResponse(request, "admin/tips/reply.html", context)
