from django import forms

from feedback.spam import HONEYPOT_FIELD, TOKEN_FIELD, form_token

from .models import Subscriber

SOURCES = [Subscriber.Source.PAGE, Subscriber.Source.FOOTER, Subscriber.Source.ARTICLE]


class SignupForm(forms.Form):
    """The sign-up: an address, and the consent shown beside the button. The same form in
    the footer, after articles and on /newsletter/; the honeypot and the signed render time
    are the error-report form's (feedback.spam)."""

    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Give the e-mail address the newsletter should go to.",
            "invalid": "That does not look like an e-mail address: check it for typing errors.",
        },
    )
    source = forms.ChoiceField(
        choices=[(s.value, s.label) for s in SOURCES],
        required=False,
        widget=forms.HiddenInput,
    )
    website = forms.CharField(required=False, label="Leave this field empty")
    rendered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        # A fresh render time whenever the form is shown, including after an error.
        self.initial[TOKEN_FIELD] = form_token()
        if self.is_bound:
            self.data = self.data.copy()
            self.data[TOKEN_FIELD] = self.initial[TOKEN_FIELD]

    def clean_source(self):
        return self.cleaned_data.get("source") or Subscriber.Source.PAGE
