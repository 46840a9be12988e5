from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_ckeditor_5.widgets import CKEditor5Widget
from taggit.models import Tag
from taggit.utils import parse_tags

from defenceblog.admin_widgets import ValidatedImageField, thumbnail

from .models import Article, ArticleAuthor, Image, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumb", "__str__", "credit", "dimensions", "uploaded_by", "created"]
    list_display_links = ["thumb", "__str__"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "alt_text", "credit", "file"]
    date_hierarchy = "created"
    readonly_fields = ["preview", "dimensions", "uploaded_by", "created"]
    fields = [
        "file",
        "preview",
        "alt_text",
        "caption",
        "credit",
        "dimensions",
        "uploaded_by",
        "created",
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["form_class"] = ValidatedImageField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Image")
    def thumb(self, obj):
        return thumbnail(obj.w320.url if obj.file else "", obj.alt_text, 64)

    @admin.display(description="Preview")
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="admin-preview">', obj.w640.url, obj.alt_text
        )

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Authors (in byline order)"


class ArticleAdminForm(forms.ModelForm):
    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text='Tags that do not exist yet, separated by commas, e.g. "F-35, Baltic Sea".',
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "section",
            "lead_image",
            "body",
            "tags",
            "status",
            "published_at",
            "content_updated_at",
            "featured",
            "seo_title",
            "seo_description",
        ]
        widgets = {
            "body": CKEditor5Widget(config_name="default"),
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            "seo_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"] = forms.ModelMultipleChoiceField(
                queryset=Tag.objects.all(),
                required=False,
                widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
                help_text="Start typing to find existing tags.",
            )
            if self.instance.pk:
                self.initial["tags"] = [t.pk for t in self.instance.tags.all()]

    def clean_new_tags(self):
        return parse_tags(self.cleaned_data.get("new_tags", ""))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "thumb",
        "title",
        "status_label",
        "section",
        "byline",
        "published_at",
        "featured",
    ]
    list_display_links = ["thumb", "title"]
    list_filter = ["status", "section", "featured", ("published_at", admin.DateFieldListFilter)]
    list_select_related = ["section", "lead_image"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_image", "section"]
    readonly_fields = ["lead_image_preview", "created", "modified"]
    inlines = [BylineInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "section"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_preview"]}),
        ("Body", {"fields": ["body"]}),
        ("Tags", {"fields": ["tags", "new_tags"]}),
        (
            "Publication",
            {"fields": ["status", "published_at", "content_updated_at", "featured"]},
        ),
        (
            "Search engines and sharing",
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        ("Record", {"fields": ["created", "modified"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                models.Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("new_tags"):
            form.instance.tags.add(*form.cleaned_data["new_tags"])

    @admin.display(description="Image")
    def thumb(self, obj):
        if not obj.lead_image_id:
            return "—"
        return thumbnail(obj.lead_image.w320.url, obj.lead_image.alt_text, 48)

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            local = timezone.localtime(obj.published_at)
            return format_html("Scheduled<br><small>{}</small>", local.strftime("%d %b %Y %H:%M"))
        return obj.get_status_display()

    @admin.display(description="Authors")
    def byline(self, obj):
        return ", ".join(a.name for a in obj.byline_authors) or "—"

    @admin.display(description="Preview")
    def lead_image_preview(self, obj):
        if not obj.lead_image_id:
            return "Choose or upload a lead image above; it shows here after saving."
        image = obj.lead_image
        parts = format_html_join(
            "", "<div>{}</div>", [(image.caption,), (f"Credit: {image.credit}",)]
        )
        return format_html(
            '<img src="{}" alt="{}" class="admin-preview">{}', image.w640.url, image.alt_text, parts
        )
