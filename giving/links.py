"""A supporter's sign-in address: single use, expiring, its token stored only as a hash
(giving.supporters checks and spends it; giving.emails sends it)."""

import secrets

from django.urls import reverse

from core.links import absolute_url

from .models import SignInLink, hash_token


def new_link(supporter):
    """A fresh sign-in address for `supporter` (its token is stored hashed)."""
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(supporter=supporter, token_hash=hash_token(token))
    return absolute_url(reverse("giving:sign_in_link", kwargs={"token": token}))
