"""The tip line's rows. Nothing here is readable without a key the server does not hold:
a tip is an OpenPGP message to the newsroom's key(s) (tips.pgp); a reply is sealed to the
source's codename key (tips.codename). What is kept in the clear is only what the desk
needs to sort the inbox: the day (never the time), the size and the number of files."""

from django.db import models
from django.db.models import Sum


class Source(models.Model):
    """Someone who sent a tip, known only by their codename's derived keys."""

    lookup = models.CharField(max_length=64, unique=True, editable=False)
    reply_key = models.BinaryField(
        max_length=32,
        editable=False,
        help_text="The codename's public key: replies are sealed to it.",
    )
    first_seen_on = models.DateField(editable=False)

    class Meta:
        ordering = ["-first_seen_on", "-id"]

    def __str__(self):
        return f"Source {self.pk}"


class TipQuerySet(models.QuerySet):
    def total_bytes(self):
        return self.aggregate(total=Sum("size"))["total"] or 0


class Tip(models.Model):
    """One message from a source (the first, or a follow-up), with its files, encrypted
    as one bundle: a tar archive of message.txt and the attachments."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        HANDLED = "handled", "Handled"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="tips")
    received_on = models.DateField(editable=False, help_text="The day only: the time is not kept.")
    bundle = models.BinaryField(editable=False, help_text="OpenPGP message (binary).")
    size = models.PositiveIntegerField(editable=False, help_text="Encrypted size in bytes.")
    attachment_count = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        help_text="Handled: someone on the desk has read it and acted on it.",
    )

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["-received_on", "-id"], name="tips_tip_day_idx")]

    def __str__(self):
        return f"Tip {self.pk} of {self.received_on:%d %B %Y}"


class Reply(models.Model):
    """The newsroom's answer to a source, sealed to their codename key."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="replies")
    sent_on = models.DateField(editable=False)
    sealed = models.BinaryField(editable=False)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"Reply {self.pk} to source {self.source_id}"
