from django import forms

from core.spam import SpamProtectedForm

from .models import Subscriber

SOURCES = [Subscriber.Source.PAGE, Subscriber.Source.FOOTER, Subscriber.Source.ARTICLE]


class SignupForm(SpamProtectedForm):
    """The sign-up: an address, and the consent shown beside the button. The same form in
    the footer, after articles and on /newsletter/; the honeypot and the signed render time
    are every public form's (core.spam)."""

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

    def clean_source(self):
        return self.cleaned_data.get("source") or Subscriber.Source.PAGE
