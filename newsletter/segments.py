"""Two segments of every edition: readers who support the site get a thank-you line where
everyone else gets the appeal. One placeholder in the frozen edition, replaced per
recipient like the unsubscribe address, so editions are still rendered once.

Who supports the site is told by whichever app registers it (the giving app does, at
start-up); the newsletter imports no app for it. With none registered, everyone gets the
appeal."""

from django.urls import reverse
from django.utils.html import format_html

from core.links import absolute_url

SUPPORT_LINE_PLACEHOLDER = "%%SUPPORT_LINE%%"

_supporters_among = None


def register_supporters(func):
    """`func(emails)` returns the set of those addresses that belong to supporters."""
    global _supporters_among  # noqa: PLW0603 - one registry, set once at start-up
    _supporters_among = func


def supporters_among(emails):
    """The supporters' addresses among `emails`, in lower case."""
    emails = list(emails)
    if _supporters_among is None or not emails:
        return set()
    return {email.lower() for email in _supporters_among(emails)}


def is_supporter(email, supporters):
    return email.strip().lower() in supporters


APPEAL = "Our reporting is paid for by readers like you. Support it:"
THANKS = "Thank you for supporting our reporting: readers like you pay for it."


def support_line(supporter, html):
    if supporter:
        return THANKS
    url = absolute_url(reverse("giving:donate")) + "?utm_source=newsletter"
    if html:
        return format_html('{} <a href="{}">give to our newsroom</a>.', APPEAL, url)
    return f"{APPEAL} {url}"


def fill(html, text, supporter):
    """The edition's two parts with this recipient's line."""
    return (
        html.replace(SUPPORT_LINE_PLACEHOLDER, support_line(supporter, html=True)),
        text.replace(SUPPORT_LINE_PLACEHOLDER, support_line(supporter, html=False)),
    )
