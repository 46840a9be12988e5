"""Readers' money: supporters, their one-time donations and monthly or annual gifts, the
card checkouts that start them, and the Stripe events that are the source of truth."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Frequency(models.TextChoices):
    ONCE = "once", "One time"
    MONTH = "month", "Monthly"
    YEAR = "year", "Annual"


def format_amount(minor, currency):
    """12.00 EUR from 1200 and "eur"."""
    return f"{minor / 100:,.2f} {currency.upper()}"


class SupporterQuerySet(models.QuerySet):
    def for_email(self, email):
        return self.filter(email=email.strip().lower())


class Supporter(models.Model):
    """One per e-mail address. No password: supporters sign in with a link sent there."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=120, blank=True)
    anonymous = models.BooleanField(
        default=False, help_text="Asked us never to name them as a supporter."
    )
    stripe_customer = models.CharField(max_length=255, unique=True, null=True, blank=True)
    consent_at = models.DateTimeField(
        "consent given", help_text="When they agreed that we keep their details for giving."
    )
    consent_text = models.TextField(blank=True, help_text="The words they agreed to.")
    created = models.DateTimeField(auto_now_add=True)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class GiftQuerySet(models.QuerySet):
    def live(self):
        """Gifts that renew: active, or with a failed renewal being retried."""
        return self.filter(status__in=Gift.LIVE)


class Gift(models.Model):
    """A monthly or annual gift: a Stripe subscription to one unit-price plan, with the
    amount as its quantity."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Not yet paid"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Renewal failed, retrying"
        CANCELLED = "cancelled", "Cancelled"

    LIVE = (Status.ACTIVE, Status.PAST_DUE)

    supporter = models.ForeignKey(
        Supporter, on_delete=models.SET_NULL, null=True, blank=True, related_name="gifts"
    )
    frequency = models.CharField(
        max_length=5, choices=[c for c in Frequency.choices if c[0] != Frequency.ONCE]
    )
    amount = models.PositiveIntegerField(help_text="In cents (or pence) per period.")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INCOMPLETE)
    stripe_subscription = models.CharField(max_length=255, unique=True, null=True, blank=True)
    source_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story the supporter came from.",
    )
    created = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    stripe_synced = models.BigIntegerField(
        default=0, help_text="Time of the newest Stripe event applied (older ones are ignored)."
    )

    objects = GiftQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gift_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount_display} {self.get_frequency_display().lower()}"

    @property
    def amount_display(self):
        return format_amount(self.amount, self.currency)


class DonationQuerySet(models.QuerySet):
    def paid(self):
        """Money received and kept so far: succeeded, or refunded only in part."""
        return self.filter(status__in=(Donation.Status.SUCCEEDED, Donation.Status.REFUNDED))

    def for_listing(self):
        return self.select_related("supporter", "gift", "source_article")


class Donation(models.Model):
    """One payment: a one-time donation, or one period of a gift (a Stripe invoice)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        FAILED = "failed", "Failed"
        SUCCEEDED = "succeeded", "Paid"
        REFUNDED = "refunded", "Refunded"
        DISPUTED = "disputed", "Disputed"

    # A status only moves up this order, so late or replayed events change nothing.
    RANK = {
        Status.PENDING: 0,
        Status.FAILED: 1,
        Status.SUCCEEDED: 2,
        Status.REFUNDED: 3,
        Status.DISPUTED: 4,
    }

    supporter = models.ForeignKey(
        Supporter, on_delete=models.SET_NULL, null=True, blank=True, related_name="donations"
    )
    gift = models.ForeignKey(
        Gift, on_delete=models.SET_NULL, null=True, blank=True, related_name="donations"
    )
    frequency = models.CharField(max_length=5, choices=Frequency.choices)
    amount = models.PositiveIntegerField(help_text="In cents (or pence).")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_message = models.CharField(max_length=300, blank=True)
    refunded_amount = models.PositiveIntegerField(default=0)
    stripe_payment_intent = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_invoice = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_charge = models.CharField(max_length=255, blank=True, db_index=True)
    source_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story the supporter came from.",
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        permissions = [
            ("view_revenue", "Can see the revenue numbers"),
            ("refund_donation", "Can refund donations"),
            ("export_supporters", "Can export supporters as CSV"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")),
                name="donation_refund_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.amount_display} ({self.get_status_display().lower()})"

    @property
    def amount_display(self):
        return format_amount(self.amount, self.currency)


def _new_token():
    return secrets.token_urlsafe(24)


class Checkout(models.Model):
    """A reader's card form, from the amount they chose to the payment: the choices are
    checked and kept here, so the browser can never change the price on the way."""

    token = models.CharField(max_length=64, unique=True, default=_new_token)
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=5, choices=Frequency.choices)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    source_article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stripe_setup_intent = models.CharField(max_length=255, unique=True)
    donation = models.OneToOneField(
        Donation, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkout"
    )
    gift = models.OneToOneField(
        Gift, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkout"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="checkout_amount_positive"),
        ]

    def __str__(self):
        return f"Checkout {self.pk}: {format_amount(self.amount, self.currency)}"


class StripeEvent(models.Model):
    """Each webhook event applied once: a replay or a duplicate finds its id here."""

    event_id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    created = models.BigIntegerField(help_text="When Stripe made the event (Unix time).")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLink(models.Model):
    """A supporter's sign-in link: single use and expiring. Only its hash is stored."""

    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Sign-in link for {self.supporter}"

    @property
    def expired(self):
        age = (timezone.now() - self.created).total_seconds()
        return age > settings.SUPPORTER_LINK_MAX_AGE
