from django import forms
from django.utils import timezone
from django_ckeditor_5.widgets import CKEditor5Widget

from core.sanitize import clean_html

from .models import LiveUpdate


def _has_text(html):
    from articles.workflow import has_text

    return has_text(html) or "<img" in (html or "")


class LiveUpdateForm(forms.ModelForm):
    """The compact posting form on the article's admin page (prefix "live", so its fields
    never clash with the article form's) and the update's own change form."""

    class Meta:
        model = LiveUpdate
        fields = ["headline", "body", "key_event", "pinned"]
        widgets = {"body": CKEditor5Widget(config_name="default")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False  # checked in clean_body, with a plain message

    def clean_body(self):
        body = clean_html(self.cleaned_data.get("body", ""))
        if not _has_text(body):
            raise forms.ValidationError("Write the update before posting it.")
        return body


class LiveUpdateChangeForm(LiveUpdateForm):
    class Meta(LiveUpdateForm.Meta):
        fields = ["published_at", "headline", "body", "author", "key_event", "pinned"]

    def clean_published_at(self):
        when = self.cleaned_data["published_at"]
        if when and when > timezone.now():
            raise forms.ValidationError(
                "An update is published when it is posted: give a time that has passed."
            )
        return when
