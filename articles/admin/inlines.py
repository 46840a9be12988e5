"""The article form's inlines: its bylines, and its published corrections (their shared
base is the live-blog update's too, liveblog/admin.py)."""

from django import forms
from django.contrib import admin
from django.db import models

from ..models import ArticleAuthor, Correction
from .forms import BylineFormSet


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Authors (in byline order)"
    template = "admin/articles/byline_inline.html"  # each row labelled by the author's name


class PublishedCorrectionsInline(admin.StackedInline):
    """What every inline of published corrections shares (an article's here, a live-blog
    update's in liveblog/admin.py): short text boxes, only superusers delete, and each new
    one records who added it."""

    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    verbose_name = "correction or note"

    def has_delete_permission(self, request, obj=None):
        """A published correction is part of the record: only superusers delete one."""
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class RecordsWhoAdded(formset):
            def save_new(self, form, commit=True):
                form.instance.created_by = user
                return super().save_new(form, commit)

        return RecordsWhoAdded


class CorrectionInline(PublishedCorrectionsInline):
    """Corrections, clarifications, updates and notes readers see on the article, dated.
    Editors add their own findings here; the feedback app makes them from reader reports."""

    model = Correction
    fields = ["kind", "position", "published_at", "text"]
    verbose_name_plural = "Corrections and notes (shown to readers)"
