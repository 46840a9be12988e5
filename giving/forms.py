from django import forms
from django.conf import settings

from .checkout import CONSENT_TEXT
from .models import Frequency

OTHER = "other"


def amount_choices():
    return [(str(a), str(a)) for a in settings.GIVING_SUGGESTED_AMOUNTS] + [(OTHER, "Other")]


class DonateForm(forms.Form):
    """The reader's choices. The card itself goes to Stripe, never here."""

    frequency = forms.ChoiceField(
        label="How often",
        choices=Frequency.choices,
        initial=Frequency.MONTH,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one time, monthly or annual giving."},
    )
    amount = forms.ChoiceField(
        label="Amount",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an amount.",
            "invalid_choice": "Choose one of the amounts, or Other and type yours.",
        },
    )
    other_amount = forms.IntegerField(
        label="Other amount",
        required=False,
        error_messages={"invalid": "Type the amount as a whole number, like 15."},
    )
    currency = forms.ChoiceField(
        label="Currency",
        error_messages={"invalid_choice": "We take gifts only in the currencies listed."},
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="For your receipt, and to manage your giving later.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "We need your e-mail address to send the receipt.",
            "invalid": "That does not look like an e-mail address; check it, please.",
        },
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    anonymous = forms.BooleanField(
        label="Keep me anonymous: never name me as a supporter", required=False
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Please tick the box so that we may keep your details."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].choices = amount_choices()
        self.fields["currency"].choices = [(c, c) for c in settings.GIVING_CURRENCIES]
        if settings.GIVING_SUGGESTED_AMOUNTS:
            self.fields["amount"].initial = str(
                settings.GIVING_SUGGESTED_AMOUNTS[
                    1 if len(settings.GIVING_SUGGESTED_AMOUNTS) > 1 else 0
                ]
            )
        self.fields["currency"].initial = settings.GIVING_CURRENCIES[0]
        bounds = f"{settings.GIVING_MIN_AMOUNT} to {settings.GIVING_MAX_AMOUNT}"
        self.fields["other_amount"].help_text = f"A whole number from {bounds}."

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("amount")
        if choice is None:
            return cleaned
        if choice == OTHER:
            value = cleaned.get("other_amount")
            if value is None:
                if "other_amount" not in self.errors:
                    self.add_error("other_amount", "Type the amount you would like to give.")
                return cleaned
        else:
            value = int(choice)
        low, high = settings.GIVING_MIN_AMOUNT, settings.GIVING_MAX_AMOUNT
        if not low <= value <= high:
            field = "other_amount" if choice == OTHER else "amount"
            self.add_error(field, f"Give between {low} and {high}, please.")
            return cleaned
        cleaned["units"] = value
        return cleaned
