"""The media library: the Image admin."""

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin_widgets import ValidatedImageField, thumbnail

from .. import media_library
from ..models import Image
from . import chooser

USED_IN_SHOWN = 5  # articles named per image in the media library's list
USE_PHRASES = {
    "lead image": "is the lead image of",
    "body": "appears in the body of",
    "lead image and body": "is the lead image of, and appears in the body of,",
}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The media library: search, thumbnails, where each image is used, no deleting an image
    that is in use, and replacing a file in place (its uses follow; see media_library)."""

    list_display = ["thumb", "label", "credit", "dimensions", "used_in", "uploaded_by", "created"]
    list_display_links = ["thumb", "label"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "alt_text", "credit", "file", "tags__name"]
    date_hierarchy = "created"
    readonly_fields = ["preview", "dimensions", "used_in", "uploaded_by", "created"]
    fields = [
        "file",
        "preview",
        "alt_text",
        "caption",
        "credit",
        "tags",
        "dimensions",
        "used_in",
        "uploaded_by",
        "created",
    ]

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(lambda request: function(self, request))

        return [
            path("chooser/", view(chooser.chooser_view), name="media_image_chooser"),
            path(
                "chooser/upload/",
                view(chooser.chooser_upload_view),
                name="media_image_chooser_upload",
            ),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["form_class"] = ValidatedImageField
            kwargs["help_text"] = (
                "JPEG, PNG, WebP or GIF. Choosing a new file replaces the picture everywhere "
                "this image is used."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Where the page's images are used: one query for the whole page.
        uses = media_library.uses_of(changelist.result_list)
        for image in changelist.result_list:
            image.uses = uses.get(image.pk, [])
        return changelist

    def save_model(self, request, obj, form, change):
        old_name = None
        if not change:
            obj.uploaded_by = request.user
        elif "file" in form.changed_data:
            old_name = Image.objects.filter(pk=obj.pk).values_list("file", flat=True).first()
        super().save_model(request, obj, form, change)
        if old_name and old_name != obj.file.name:
            count = media_library.replace_in_bodies(obj, old_name)
            if count:
                messages.info(
                    request,
                    f"The new picture replaces the old one in the body of {count} "
                    f"article{'s' if count != 1 else ''}.",
                )
        elif change and "credit" in form.changed_data:  # (a new file brings the credit too)
            count = media_library.recredit(obj)
            if count:
                messages.info(
                    request,
                    f"The new credit shows under this picture in the body of {count} "
                    f"article{'s' if count != 1 else ''}.",
                )

    def get_deleted_objects(self, objs, request):
        """An image in use (lead image or inside a body) is protected: the confirmation page
        lists where, and nothing is deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses = media_library.uses_of(objs)
        if uses:
            protected = [
                format_html(
                    '“{}” {} <a href="{}">{}</a>',
                    image,
                    USE_PHRASES[how],
                    reverse(admin_urlname(article._meta, "change"), args=[article.pk]),
                    article,
                )
                for image in objs
                for article, how in uses.get(image.pk, [])
            ]
            # Nothing is deleted, so the articles' delete permission (superusers only) is
            # not lacking: the page explains the protection instead.
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    @admin.display(description="Image")
    def thumb(self, obj):
        return thumbnail(obj.src(320) if obj.file else "", obj.alt_text, 64)

    @admin.display(description="Preview")
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="admin-preview">', obj.src(640), obj.alt_text
        )

    @admin.display(description="Caption (or alt text)")
    def label(self, obj):
        return str(obj)

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description="Used in")
    def used_in(self, obj):
        if not obj.pk:
            return "—"
        uses = getattr(obj, "uses", None)
        if uses is None:
            uses = media_library.uses_of([obj]).get(obj.pk, [])
        if not uses:
            return "Not used in any article."
        shown = USED_IN_SHOWN if getattr(obj, "uses", None) is not None else len(uses)
        more = len(uses) - shown
        return format_html(
            '<ul class="used-in">{}{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> <span class="quiet">({})</span></li>',
                (
                    (reverse(admin_urlname(a._meta, "change"), args=[a.pk]), a, how)
                    for a, how in uses[:shown]
                ),
            ),
            format_html("<li>and {} more</li>", more) if more > 0 else "",
        )
