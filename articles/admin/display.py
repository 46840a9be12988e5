"""What the article admin shows besides form fields: the list's columns (thumbnail, status
with the scheduled time, byline) and the read-only views' body, lead image and sharing
preview."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin_widgets import thumbnail
from core.sanitize import clean_html


class ArticleDisplay:
    """Mixed into ArticleAdmin: its display-only columns and fields."""

    @admin.display(description="Image")
    def thumb(self, obj):
        if not obj.lead_image_id:
            return "—"
        # From the rendition names stored on the image: no imagekit spec hashing per row.
        return thumbnail(obj.lead_image.src(max_width=320), obj.lead_image.alt_text, 48)

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            local = timezone.localtime(obj.published_at)
            return format_html(
                "Scheduled<br><small>{}</small>", date_format(local, "DATETIME_FORMAT")
            )
        return obj.get_status_display()

    @admin.display(description="Authors")
    def byline(self, obj):
        return ", ".join(a.name for a in obj.byline_authors) or "—"

    @admin.display(description="Body")
    def body_rendered(self, obj):
        """The body rendered as on the article page (with the shared content stylesheet),
        for read-only views such as a contributor's submitted article."""
        if not obj.body:
            return "—"
        # Stored sanitised (Article.save); cleaned again here as it is marked safe.
        return format_html(
            '<div class="article-body admin-article-body">{}</div>',
            mark_safe(clean_html(obj.body)),  # noqa: S308
        )

    @admin.display(description="Preview")
    def sharing_preview(self, obj):
        """The live search-result and shared-link preview (static/admin-extra/article-seo.js)."""
        published = obj is not None and obj.pk and obj.published_at
        return render_to_string(
            "admin/articles/article/includes/sharing_preview.html",
            {
                "site_name": settings.SITE_NAME,
                "site_host": urlsplit(settings.SITE_URL).netloc,
                "path": obj.get_absolute_url() if published else "",
            },
        )

    @admin.display(description="Preview")
    def lead_image_preview(self, obj):
        if not obj.lead_image_id:
            return "No lead image."
        image = obj.lead_image
        parts = format_html_join(
            "", "<div>{}</div>", [(image.caption,), (f"Credit: {image.credit}",)]
        )
        return format_html(
            '<img src="{}" alt="{}" class="admin-preview">{}', image.src(640), image.alt_text, parts
        )
