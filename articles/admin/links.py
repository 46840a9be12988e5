"""Addresses that lead to articles: share-preview links and old-address redirects."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import previews
from ..models import ArticleRedirect, PreviewLink


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Every share-preview link, to see what is out there and revoke in bulk. Links are made
    from an article's "Share preview" page."""

    list_display = ["article", "state", "expires_at", "created_by", "created"]
    list_select_related = ["article", "created_by"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["article__title"]
    fields = ["article", "state", "expires_at", "revoked_at", "created_by", "created"]
    readonly_fields = ["article", "state", "created_by", "created"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="State")
    def state(self, obj):
        return previews.state(obj)

    @admin.action(description="Revoke selected preview links", permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"Revoked {count} preview link{'s' if count != 1 else ''}.")


class ArticleRedirectForm(forms.ModelForm):
    class Meta:
        model = ArticleRedirect
        fields = ["old_path", "article"]

    def clean_old_path(self):
        old_path = self.cleaned_data["old_path"].strip()
        if not old_path.startswith("/"):
            raise ValidationError("Give the path only, starting with “/”, e.g. /2019/05/04/slug/.")
        return old_path

    def clean(self):
        cleaned = super().clean()
        article, old_path = cleaned.get("article"), cleaned.get("old_path")
        if article and old_path and article.get_absolute_url() == old_path:
            raise ValidationError("This is the article's current address; it cannot redirect.")
        return cleaned


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    """Old addresses that answer with a permanent redirect to an article. Made automatically
    when a published article's slug or date changes, and by imports."""

    form = ArticleRedirectForm
    list_display = ["old_path", "article", "created"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__title"]
    autocomplete_fields = ["article"]
