from django.contrib import admin
from django.db import models

from core.admin_widgets import ValidatedImageField, thumbnail

from .models import Author, AuthorLink


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 1
    fields = ["label", "url", "position"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["photo_thumb", "name", "role", "user", "is_active"]
    list_display_links = ["photo_thumb", "name"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["name", "role", "short_bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AuthorLinkInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "photo", "short_bio", "long_bio"]}),
        ("Contact and account", {"fields": ["email", "user", "is_active"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["form_class"] = ValidatedImageField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Photo")
    def photo_thumb(self, obj):
        return thumbnail(obj.photo_small_url, obj.name, 48)
