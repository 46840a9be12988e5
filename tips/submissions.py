"""Receiving tips: each function takes what the source wrote, encrypts it in memory and
stores only ciphertext (tips.bundle, tips.pgp), with the day but never the time."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import bundle, codename
from .models import Reply, Source, Tip


class InboxFull(Exception):
    pass


def check_room(incoming_bytes):
    """InboxFull when storing about `incoming_bytes` more would pass TIPS_INBOX_MAX_BYTES."""
    if Tip.objects.total_bytes() + incoming_bytes > settings.TIPS_INBOX_MAX_BYTES:
        raise InboxFull(
            "Our tip inbox is full at the moment, so we cannot accept new messages here. "
            "Please try again in a few days, or use one of the other ways to reach us above."
        )


def _attachments(files, keep_originals):
    read = [(upload.name, upload.read()) for upload in files]
    return [
        bundle.Attachment(name, data if keep_originals else bundle.strip_metadata(data))
        for name, data in read
    ]


def _store(source, message, files, keep_originals, contact=""):
    attachments = _attachments(files, keep_originals)
    check_room(len(message) + len(contact) + sum(len(a.data) for a in attachments))
    sealed = bundle.encrypt(bundle.Bundle(message, contact, attachments))
    return Tip.objects.create(
        source=source,
        received_on=timezone.localdate(),
        bundle=sealed,
        size=len(sealed),
        attachment_count=len(attachments),
    )


def receive_first(message, files=(), keep_originals=False, contact=""):
    """A new source's first tip: returns (tip, codename). The codename is shown to the
    source once and kept nowhere."""
    words = codename.new_codename()
    keys = codename.derive(words)
    with transaction.atomic():
        source = Source.objects.create(
            lookup=keys.lookup, reply_key=keys.public_bytes, first_seen_on=timezone.localdate()
        )
        tip = _store(source, message, files, keep_originals, contact)
    return tip, words


def receive_follow_up(source, message, files=(), keep_originals=False):
    return _store(source, message, files, keep_originals)


def find_source(words):
    """(source, keys) for a codename, or (None, keys) when no source has it."""
    keys = codename.derive(words)
    return Source.objects.filter(lookup=keys.lookup).first(), keys


def conversation(source, keys, limit=200):
    """The newsroom's replies to this source, opened with their codename keys, oldest
    first: [(day, text)]."""
    replies = Reply.objects.filter(source=source).order_by("sent_on", "id")[:limit]
    return [(reply.sent_on, codename.open_sealed(reply.sealed, keys)) for reply in replies]


def sent_count(source):
    return Tip.objects.filter(source=source).count()
