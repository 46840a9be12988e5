"""What the tips desk does with a tip (the admin calls these; nothing here decrypts a tip:
the server holds no private key)."""

from django.utils import timezone

from . import codename
from .models import Reply, Tip


def reply(source, text):
    """Seal `text` to the source's codename key and store it; the text is not kept. (The
    admin's page seals in the browser and calls store_sealed; this is for a browser
    without X25519 in WebCrypto, and for the demo.)"""
    return Reply.objects.create(
        source=source, sent_on=timezone.localdate(), sealed=codename.seal(text, source.reply_key)
    )


def store_sealed(source, sealed):
    """Store a reply the desk's browser already sealed to the source's codename key."""
    return Reply.objects.create(source=source, sent_on=timezone.localdate(), sealed=sealed)


def mark(tips, status):
    return Tip.objects.filter(pk__in=[tip.pk for tip in tips]).update(status=status)


def bundle_filename(tip):
    return f"tip-{tip.pk}-{tip.received_on:%Y-%m-%d}.tar.gpg"
