"""The confirmation link of a sign-up (double opt-in): the subscriber's token, signed with
a timestamp (newsletter.subscriptions checks it; newsletter.emails sends it)."""

from django.core import signing
from django.urls import reverse

from core.links import absolute_url

CONFIRM_SALT = "newsletter.confirm"


def confirmation_url(subscriber):
    signed = signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token)
    return absolute_url(reverse("newsletter:confirm", kwargs={"signed": signed}))
