from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils import timezone
from django_ckeditor_5.widgets import CKEditor5Widget

from articles import workflow
from articles.models import Article, Correction
from core.spam import SpamProtectedForm

from .models import ErrorReport


class ErrorReportForm(SpamProtectedForm, forms.ModelForm):
    """What a reader fills in. With an article, the article is fixed by the page they came
    from; without one, they give the address of the page they mean. The honeypot and the
    signed render time: SpamProtectedForm."""

    class Meta:
        model = ErrorReport
        fields = [
            "page_url",
            "kind",
            "quoted_text",
            "suggested_correction",
            "details",
            "name",
            "email",
            "wants_reply",
        ]
        labels = {
            "page_url": "Address of the page",
            "kind": "What kind of problem is it?",
            "quoted_text": "The text that is wrong",
            "suggested_correction": "What it should say",
            "details": "Anything else we should know",
            "name": "Your name (optional)",
            "email": "Your e-mail address (optional)",
            "wants_reply": "Tell me what you did about it",
        }
        help_texts = {
            "page_url": "Copy it from your browser's address bar.",
            "quoted_text": "Copy the words from the page, so we can find them.",
            "suggested_correction": "If you know the right wording or figure.",
            "details": "For a factual error, how do you know? A link to a source helps.",
            "name": "",
            "email": "We use it only to reply about this report.",
            "wants_reply": "We will e-mail you once an editor has looked at it.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "quoted_text": forms.Textarea(attrs={"rows": 3}),
            "suggested_correction": forms.Textarea(attrs={"rows": 3}),
            "details": forms.Textarea(attrs={"rows": 5}),
            "page_url": forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, article=None, request_host="", **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.request_host = request_host
        if article is not None:
            del self.fields["page_url"]
        else:
            self.fields["page_url"].required = True
        self.fields["kind"].choices = ErrorReport.Kind.choices  # no empty "------" choice

    def clean_page_url(self):
        url = self.cleaned_data["page_url"].strip()
        parts = urlsplit(url)
        own_hosts = {urlsplit(settings.SITE_URL).netloc, self.request_host} - {""}
        if url.startswith("/") and not url.startswith("//"):
            return url
        if parts.scheme in ("http", "https") and parts.netloc in own_hosts:
            return url
        raise forms.ValidationError(
            f"Give the address of a page on this site, starting with {settings.SITE_URL}/ "
            "or with a /."
        )

    def clean(self):
        cleaned = super().clean()
        if not any(
            (cleaned.get(name) or "").strip()
            for name in ("quoted_text", "suggested_correction", "details")
        ):
            raise forms.ValidationError(
                "Tell us what is wrong: copy the text, suggest a correction or describe the "
                "problem.",
                code="empty",
            )
        if cleaned.get("wants_reply") and not cleaned.get("email"):
            self.add_error(
                "email", "Give your e-mail address so we can reply, or untick the box below."
            )
        return cleaned

    def _post_clean(self):
        self.instance.article = self.article
        super()._post_clean()


class CorrectionFromReportForm(forms.ModelForm):
    """The correction an editor publishes from a reader's report."""

    class Meta:
        model = Correction
        fields = ["kind", "text", "published_at", "position"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5, "cols": 80}),
            "published_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        labels = {"published_at": "Date shown"}

    text_unchanged = forms.BooleanField(
        required=False,
        label="The article's text needs no change",
        help_text="Only for a clarification or note that changes nothing in the article. A "
        "correction normally fixes the text beside it, in the same save.",
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if report is not None and not self.is_bound:
            self.initial.update(
                kind=Correction.Kind.CORRECTION,
                text=suggested_text(report),
                published_at=timezone.localtime().replace(second=0, microsecond=0),
                position=Correction.Position.END,
            )


class CorrectedTextForm(forms.ModelForm):
    """The article's headline, standfirst and body, edited beside the correction and saved
    with it. Carries the version the editor loaded, so a save made by someone else in the
    meantime is not overwritten unknowingly (the same rule as the article form)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = ["title", "standfirst", "body"]
        labels = {"title": "Headline"}
        widgets = {
            "body": CKEditor5Widget(config_name="default"),
            "standfirst": forms.Textarea(attrs={"rows": 2}),
        }

    prefix = "article"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        self.fields["title"].widget.attrs["class"] = "vTextField"

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        if self.instance.status == Article.Status.PUBLISHED and not workflow.has_text(body):
            raise forms.ValidationError(
                "A published article needs body text: correct the words, don't remove them all."
            )
        return body


def suggested_text(report):
    """A first draft of the correction from what the reader wrote; the editor rewrites it."""
    quoted = report.quoted_text.strip()
    suggested = report.suggested_correction.strip()
    if quoted and suggested:
        return (
            f"An earlier version of this article said {_quote(quoted)} It should have said "
            f"{_quote(suggested)}"
        )
    if quoted:
        return f"An earlier version of this article said {_quote(quoted)}"
    return suggested


def _quote(text):
    """The text in curly quotes, ending the sentence: a full stop inside the closing quote
    unless the text already ends with . ! ? or … (so never `time.”.`)."""
    text = text.strip().strip('“”"').strip()
    if not text.endswith((".", "!", "?", "…")):
        text += "."
    return f"“{text}”"
