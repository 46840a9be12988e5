"""Forms of the article admin: the article form, which checks every workflow rule, and the
byline formset that refuses to publish without an author."""

import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django_ckeditor_5.widgets import CKEditor5Widget
from taggit.models import Tag
from taggit.utils import parse_tags

from core.sanitize import canonical_html, clean_html
from media.figures import sync_pictures

from .. import workflow
from ..models import Article
from .pictures import PictureCreditsField, pictures_of

_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"", re.IGNORECASE)


class BylineFormSet(BaseInlineFormSet):
    """Publishing needs at least one author: checked here because the bylines are not saved
    yet when the article's own form is validated (the rule is workflow.NO_AUTHOR)."""

    def clean(self):
        super().clean()
        if self.instance.status != Article.Status.PUBLISHED:
            return
        authors = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("author")
            and not self._should_delete_form(form)
        ]
        if not authors:
            raise ValidationError(workflow.NO_AUTHOR, code="no_author")


class BodyField(forms.CharField):
    """The body, changed only when the text as it would be stored differs from the stored
    text once both are written one way (core.sanitize.canonical_html): CKEditor writes the
    same picture with its attributes in another order, and the history must not say
    "Changed Body" for that."""

    def has_changed(self, initial, data):
        stored = sync_pictures(clean_html(data or ""))
        return canonical_html(initial or "") != canonical_html(stored)


class ArticleAdminForm(forms.ModelForm):
    """The article form. Besides the fields it carries the version the editor loaded (for
    edit conflicts; the admin always renders it, a hand-made POST without it is not
    checked) and checks every workflow rule in workflow.py: who may set which status and
    what publishing needs. ArticleAdmin.get_form gives it the request and, while a revision
    is being restored, the Restore (articles.revisions)."""

    request = None
    restore = None

    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    substantive_update = forms.BooleanField(
        required=False,
        label="Substantive update",
        help_text="Tick when this save adds news or changes facts: readers see “Updated” with "
        "the time. Leave it unticked for typos and small fixes.",
    )
    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text='Tags that do not exist yet, separated by commas, e.g. "F-35, Baltic Sea".',
    )
    restore_old_status = forms.BooleanField(
        required=False,
        label="Also take this revision's status and publication time",
    )
    picture_credits = PictureCreditsField()

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
            "canonical_url",
            "exclude_from_news",
        ]
        field_classes = {"body": BodyField}
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
        # The article as stored now. While a revision is being restored, the database row
        # briefly holds the old revision; ArticleAdmin.revision_view keeps the real one.
        stored = self.restore.stored if self.restore is not None else None
        if "restore_old_status" in self.fields and self.restore is not None:
            self.fields["restore_old_status"].label = self.restore.choice_label()
            self.fields["restore_old_status"].help_text = self.restore.warning()
        if stored is None and self.instance.pk:
            stored = self.instance
        self.stored_status = stored.status if stored is not None else None
        if stored is not None and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = stored.version
        if "picture_credits" in self.fields and self.request is not None:
            body = self.data.get("body", "") if self.is_bound else self.instance.body
            self.fields["picture_credits"].pictures = pictures_of(body, self.request.user)
        if "status" in self.fields and self.request is not None:
            allowed = workflow.allowed_statuses(self.request.user, self.stored_status)
            self.fields["status"].widget.choices = [
                (value, label) for value, label in Article.Status.choices if value in allowed
            ]

    def clean_new_tags(self):
        return parse_tags(self.cleaned_data.get("new_tags", ""))

    def clean_body(self):
        """Pictures in the body come from the media library: one from another site would
        not show (the site's CSP loads pictures only from its own media), has no size,
        credit or renditions, and would tell that site who reads the article."""
        body = self.cleaned_data.get("body", "")
        elsewhere = sorted(
            {
                urlsplit(src).netloc or src[:40]
                for src in _IMG_SRC.findall(body)
                if not src.startswith(settings.MEDIA_URL)
            }
        )
        if elsewhere:
            raise ValidationError(
                "The body shows a picture from another site (%(hosts)s). Readers would not "
                "see it: upload the picture under Images (or with the editor's image "
                "button), then insert it from there. Your text is kept.",
                code="picture_elsewhere",
                params={"hosts": ", ".join(elsewhere)},
            )
        return body

    def clean(self):
        cleaned = super().clean()
        user = self.request.user
        self.stored = None
        if self.instance.pk:
            self.stored = self.restore.stored if self.restore is not None else None
            if self.stored is None:
                self.stored = workflow.lock_stored(self.instance.pk)
            if self.stored is None:
                raise ValidationError(
                    "This article was deleted while you were editing it; it cannot be saved.",
                    code="deleted",
                )
            loaded = cleaned.get("loaded_version")
            if loaded is not None and loaded != self.stored.version:
                # Keep every word the editor typed; a second, deliberate save goes through.
                self.data = self.data.copy()
                self.data["loaded_version"] = str(self.stored.version)
                raise ValidationError(
                    workflow.conflict_message(self.instance.pk), code="edit_conflict"
                )
        status = cleaned.get("status")
        if self.restore is not None and "status" not in self.fields:
            # Kept from now, or the revision's when the editor chose it: checked the same.
            status = self.instance.status
        if status:
            refusal = workflow.move_refusal(
                user, self.stored.status if self.stored else None, status
            )
            if refusal:
                self.add_error("status" if "status" in self.fields else None, refusal)
        if status == Article.Status.PUBLISHED:
            missing = workflow.missing_for_publication(
                title=cleaned.get("title", self.instance.title),
                body=cleaned.get("body", self.instance.body),
                section=cleaned.get("section"),
                lead_image=cleaned.get("lead_image"),
            )
            if missing:
                self.add_error(None, workflow.publication_error(missing))
        return cleaned
