"""The budget line's admin form: its writers, and the checks an editor would want."""

from django import forms
from django.conf import settings
from django.utils import timezone

from authors.models import Author

from .models import BudgetLine


class BudgetLineForm(forms.ModelForm):
    writers = forms.ModelMultipleChoiceField(
        queryset=Author.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Staff or freelance authors. Each new writer is told by e-mail and sees the "
        "story under “My assignments”. Freelancers are authors without a staff account.",
    )
    confirm_past_deadline = forms.BooleanField(
        required=False,
        label="Yes, assign with a deadline that has passed",
        help_text="Only needed when the deadline is already in the past.",
    )

    class Meta:
        model = BudgetLine
        fields = [
            "slug",
            "pitch",
            "section",
            "event",
            "priority",
            "status",
            "editor",
            "deadline",
            "publish_at",
            "needs_attention",
            "fee",
            "currency",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["writers"].initial = list(
                self.instance.assignments.values_list("author_id", flat=True)
            )
        if "currency" in self.fields:
            choices = [("", "—")] + [(c, c) for c in settings.PLANNING_CURRENCIES]
            self.fields["currency"] = forms.ChoiceField(
                choices=choices, required=False, help_text="The fee's currency."
            )

    def clean(self):
        data = super().clean()
        writers = data.get("writers") or []
        deadline = data.get("deadline")
        before = set()
        if self.instance.pk:
            before = set(self.instance.assignments.values_list("author_id", flat=True))
        newly = [w for w in writers if w.pk not in before]
        if (
            newly
            and deadline
            and deadline < timezone.now()
            and not data.get("confirm_past_deadline")
        ):
            self.add_error(
                "confirm_past_deadline",
                "The deadline has already passed. Move it, or tick this box to assign the "
                "story anyway.",
            )
        fee = data.get("fee")
        if fee is not None:
            if not data.get("currency"):
                self.add_error("currency", "Choose the fee's currency.")
            if not any(w.user_id is None for w in writers):
                self.add_error(
                    "fee", "A fee is for freelance commissions: assign a freelance writer first."
                )
        return data
