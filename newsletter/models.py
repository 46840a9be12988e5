"""Subscribers (double opt-in, with the consent they gave), editions and one delivery row
per subscriber and edition, which is what makes a send resumable (newsletter/sending.py)."""

import secrets

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Lower, Upper
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.models import CreatedBy


def new_token():
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """The one rule for who receives editions."""
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def with_email(self, email):
        return self.filter(email__iexact=email.strip())


def mailbox_of(email):
    """The mailbox an address delivers to, as far as sign-up limits go: case-folded, and
    without a +tag in its local part (VICTIM+3@example.org is victim@example.org)."""
    local, _, domain = email.strip().casefold().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending (not confirmed yet)"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Source(models.TextChoices):
        PAGE = "page", "Newsletter page"
        FOOTER = "footer", "Page footer"
        ARTICLE = "article", "After an article"
        DEMO = "demo", "Demo content"

    email = models.EmailField(max_length=254)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        help_text="Pending: signed up, has not clicked the link in the confirmation e-mail "
        "yet. Only confirmed subscribers receive editions.",
    )
    # Random, never shown to anyone but the subscriber: the key of their confirmation and
    # unsubscribe links.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PAGE)
    created = models.DateTimeField(default=timezone.now, editable=False)
    # The consent record: the exact words the reader agreed to, and when.
    consent_text = models.TextField(editable=False)
    consent_at = models.DateTimeField(editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # mailbox_of(email), kept on save: confirmation mails are limited per mailbox.
    mailbox = models.CharField(max_length=254, editable=False, default="")

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_unique_email"),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="newsletter_sub_status_id"),
            models.Index(fields=["mailbox", "confirmation_sent_at"], name="newsletter_sub_mailbox"),
            # The admin's search box (email__icontains is UPPER(email::text) LIKE …).
            GinIndex(
                OpClass(Upper(Cast("email", models.TextField())), name="gin_trgm_ops"),
                name="newsletter_sub_email_trgm",
            ),
        ]
        permissions = [("export_subscribers", "Can export subscribers as CSV")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.mailbox = mailbox_of(self.email)
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mailbox"}
        super().save(*args, **kwargs)

    # No get_absolute_url: the only page of a subscriber is their unsubscribe page, whose
    # address is a secret (it shows the e-mail address and ends the subscription), and the
    # admin's "view on site" would hand it to staff.
    def unsubscribe_path(self):
        return reverse("newsletter:unsubscribe", kwargs={"token": self.token})

    def unsubscribe_url(self):
        return absolute_url(self.unsubscribe_path())


class EditionQuerySet(models.QuerySet):
    def sent(self):
        """What the public archive lists, and what "since the last edition" counts from:
        editions whose sending has started (sent_at is when it started), so the link
        "read this edition on the web" works for the first recipients too."""
        return self.filter(status__in=[Edition.Status.SENDING, Edition.Status.SENT])


class Edition(CreatedBy):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=200, help_text="The e-mail's subject line.")
    intro = models.TextField(
        blank=True,
        help_text="A few sentences above the stories. Plain text; a blank line starts a new "
        "paragraph.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        help_text="Scheduled: sent by the background worker at the time below.",
    )
    scheduled_for = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(
        null=True, blank=True, editable=False, db_index=True, help_text="When sending started."
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    # Frozen when sending starts: every recipient and the archive get the same edition,
    # whatever happens to the articles later.
    html = models.TextField(blank=True, editable=False)
    text = models.TextField(blank=True, editable=False)
    recipients = models.PositiveIntegerField(default=0, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "-sent_at"], name="newsletter_edition_archive")]
        permissions = [("send_edition", "Can send or schedule editions")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:edition", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class EditionItem(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0, help_text="Smaller numbers come first.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "article"], name="newsletter_item_unique_article"
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.article}"


class Delivery(models.Model):
    """One edition for one subscriber. Created for every confirmed subscriber when sending
    starts; a batch claims rows (pending → sending), sends each, and marks it sent, so no
    subscriber gets two copies and none is skipped when a worker dies (docs/decisions.md)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (the mail server refused it)"
        SKIPPED = "skipped", "Skipped (unsubscribed before it went out)"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="newsletter_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["edition", "status", "id"], name="newsletter_delivery_queue")
        ]

    def __str__(self):
        return f"{self.edition_id} → {self.subscriber_id}: {self.status}"


class StoryClicks(models.Model):
    """How many times readers followed one story's links in one edition: one row per story
    of a sent edition, made when sending starts, counted up by newsletter/clicks.py. A
    total only: nothing says who clicked (docs/privacy-analytics.md)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="story_clicks")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="Its place in the e-mail: 1 leads.")
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = "story clicks"
        verbose_name_plural = "story clicks"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"], name="newsletter_storyclicks_once"
            )
        ]

    def __str__(self):
        return f"{self.edition_id} #{self.position}: {self.clicks}"
