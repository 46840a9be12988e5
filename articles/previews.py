"""Share-preview links: let someone without an account (a fact-checker, a source checking a
quote) read an unpublished article in the site's own layout.

A link is a PreviewLink row holding a random key (``secrets.token_urlsafe(32)``, 256 bits)
and an expiry (settings.PREVIEW_LINK_DAYS after creation); an editor can revoke it at any
time. The address carries the key signed with the site's SECRET_KEY
(``django.core.signing``, salted for this purpose): ``/preview/<key>.<signature>/``. A
tampered or made-up address is refused before the database is asked, and rotating
SECRET_KEY withdraws every link at once. The page is ``noindex`` and never cached.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import PreviewLink

_signer = signing.Signer(salt="articles.preview-link", sep=".")


def create(article, user, days=None, now=None):
    now = now or timezone.now()
    days = settings.PREVIEW_LINK_DAYS if days is None else days
    return PreviewLink.objects.create(
        article=article,
        key=secrets.token_urlsafe(32),
        expires_at=now + timedelta(days=days),
        created_by=user,
    )


def revoke(link, now=None):
    if link.revoked_at is None:
        link.revoked_at = now or timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def path_for(link):
    return reverse("articles:preview", kwargs={"token": _signer.sign(link.key)})


def find(token):
    """The PreviewLink a token names (active or not), or None for a bad signature or an
    unknown key."""
    try:
        key = _signer.unsign(token)
    except signing.BadSignature:
        return None
    return PreviewLink.objects.filter(key=key).first()


def state(link, now=None):
    now = now or timezone.now()
    if link.revoked_at is not None:
        return "Revoked"
    if link.expires_at <= now:
        return "Expired"
    return "Active"
