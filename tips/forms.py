from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from . import codename
from .guard import HONEYPOT_FIELD, TOKEN_FIELD, form_token

ALLOWED_EXTENSIONS = {
    "pdf", "txt", "csv", "jpg", "jpeg", "png", "webp", "gif",
    "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "zip",
}  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class MessageForm(forms.Form):
    """What a source writes: the first tip or a follow-up."""

    message = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What happened, when, who knows about it, and how you know.",
    )
    attachments = MultipleFileField(
        label="Documents or pictures (optional)",
        required=False,
        help_text="",
    )
    keep_originals = forms.BooleanField(
        label="Keep my pictures exactly as they are",
        required=False,
        help_text="Leave this unticked unless you know why you need it. Pictures carry hidden "
        "details (the camera or phone, often the place and time they were taken) that could "
        "point to you. We remove them before your message is locked. Tick this only if those "
        "details are themselves the evidence.",
    )
    website = forms.CharField(required=False, label="Leave this field empty")
    rendered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].max_length = settings.TIPS_MAX_MESSAGE_CHARS
        self.fields["attachments"].help_text = (
            f"Up to {settings.TIPS_MAX_FILES} files, "
            f"{filesizeformat(settings.TIPS_MAX_REQUEST_BYTES)} in all: "
            + ", ".join(sorted(ALLOWED_EXTENSIONS))
            + "."
        )
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.initial[TOKEN_FIELD] = form_token()
        if self.is_bound:
            self.data = self.data.copy()
            self.data[TOKEN_FIELD] = self.initial[TOKEN_FIELD]

    def clean_message(self):
        message = self.cleaned_data["message"]
        if len(message) > settings.TIPS_MAX_MESSAGE_CHARS:
            raise forms.ValidationError(
                f"Please keep one message under {settings.TIPS_MAX_MESSAGE_CHARS} characters: "
                "send the rest as a file, or as a second message with your codename."
            )
        return message

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > settings.TIPS_MAX_FILES:
            raise forms.ValidationError(
                f"Please send at most {settings.TIPS_MAX_FILES} files at once; you can send "
                "more afterwards with your codename."
            )
        for upload in files:
            extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
            if extension not in ALLOWED_EXTENSIONS:
                raise forms.ValidationError(
                    f"“{upload.name}” is not a kind of file we accept. Accepted: "
                    + ", ".join(sorted(ALLOWED_EXTENSIONS))
                    + "."
                )
        return files

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                "Please leave the last field, “Leave this field empty”, empty."
            )
        return cleaned


class FirstTipForm(MessageForm):
    contact = forms.CharField(
        label="How to reach you (optional)",
        required=False,
        max_length=500,
        help_text="Only if you want us to contact you outside this page: a Signal number, or "
        "an e-mail address that is not your work one. It is locked with your message.",
    )
    field_order = ["message", "contact", "attachments", "keep_originals"]


class CodenameForm(forms.Form):
    codename = forms.CharField(
        label="Your codename",
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=f"The {codename.CODENAME_WORDS} words you were shown when you sent your "
        "first message.",
    )

    def clean_codename(self):
        value = self.cleaned_data["codename"]
        if not codename.looks_like_codename(value):
            raise forms.ValidationError(
                f"A codename is {codename.CODENAME_WORDS} words from our list. Please check it "
                "and try again."
            )
        return codename.normalise(value)


class FollowUpForm(MessageForm):
    codename = forms.CharField(widget=forms.HiddenInput)
