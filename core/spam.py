"""Spam defences for the site's public forms (the error report, the newsletter sign-up;
reader revenue's forms use the rate limit), without any third-party captcha:

- a honeypot field people never see (`HONEYPOT_FIELD`);
- a signed render timestamp: a form sent back too fast (a script) or too late (a stale
  page, or a replayed token) is refused, and the reader's text is kept on the form;
- a per-client rate limit kept in Django's cache, keyed by a salted hash of the client's
  network address (the address itself is never stored), counted per form (`scope`);
- link counting, for forms that store text stuffed with links as spam.

A form gets the first two from `SpamProtectedForm`; its view asks `rate_limited()` and
`form.token_problem()`. The settings keep their first user's names (FEEDBACK_*,
docs/deploying.md).
"""

import hashlib
import ipaddress
import logging
import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

HONEYPOT_FIELD = "website"
TOKEN_FIELD = "rendered"  # noqa: S105 (a form field name, not a secret)
TOKEN_SALT = "feedback.report-form"  # noqa: S105 (a namespace, not a secret)
RATE_KEY = "{scope}:rate:{client}"

logger = logging.getLogger(__name__)

LINK_RE = re.compile(r"(https?://|www\.|\[url|<a\s)", re.IGNORECASE)


def client_address(request):
    """The reader's network address: REMOTE_ADDR, or, when the operator names one in
    FEEDBACK_CLIENT_IP_HEADER, the header their own proxy sets (the last address in it,
    which is the one the proxy added; earlier ones are whatever the client claimed)."""
    header = settings.FEEDBACK_CLIENT_IP_HEADER
    raw = request.META.get(header, "") if header else ""
    if raw:
        raw = raw.split(",")[-1]
    else:
        raw = request.META.get("REMOTE_ADDR", "")
    raw = raw.strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        # One subscriber usually holds a whole /64: treat it as one client.
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _salt():
    if settings.FEEDBACK_HASH_SALT:
        return settings.FEEDBACK_HASH_SALT
    return salted_hmac("feedback.client-address-salt", "v1", algorithm="sha256").hexdigest()


def client_hash(request):
    """A salted SHA-256 of the client's address: stable for the same client, useless for
    finding out who the client is without the salt (which lives only in the settings)."""
    return hashlib.sha256(f"{_salt()}:{client_address(request)}".encode()).hexdigest()


# --- Signed render timestamp -----------------------------------------------------------


def form_token(now=None, salt=TOKEN_SALT):
    """A signed record of when the form was rendered (`salt`: one per kind of form)."""
    return signing.dumps(int(now if now is not None else time.time()), salt=salt)


class TokenProblem(Exception):
    """The form came back too soon, too late or with a token we did not sign."""


def check_form_token(token, now=None, *, salt=TOKEN_SALT, min_seconds=None, max_age=None):
    """TokenProblem unless `token` is ours and the form was sent back between `min_seconds`
    and `max_age` after it was shown (the error reports' settings unless given)."""
    now = now if now is not None else time.time()
    min_seconds = settings.FEEDBACK_MIN_FORM_SECONDS if min_seconds is None else min_seconds
    max_age = settings.FEEDBACK_MAX_FORM_AGE if max_age is None else max_age
    try:
        rendered = signing.loads(token or "", salt=salt)
    except signing.BadSignature as exc:
        raise TokenProblem(
            "Something went wrong with this form. Please check your text and send it again."
        ) from exc
    if not isinstance(rendered, int):
        raise TokenProblem("Something went wrong with this form. Please send it again.")
    age = now - rendered
    if age < min_seconds:
        raise TokenProblem(
            "That was quicker than a person usually types. Please check your text and send "
            "it again."
        )
    if age > max_age:
        raise TokenProblem(
            "This form was open for a long time, so we could not accept it as it was. Your "
            "text is still here: please check it and send it again."
        )


# --- Rate limit ------------------------------------------------------------------------


def rate_limited(hashed_client, scope="feedback"):
    """Count one submission from this client; True when it is over the limit for the
    current window. The window starts at the client's first submission. Each form counts
    under its own `scope` (the error report's is "feedback").

    Fails open: when the cache cannot count (Redis is down), the report is accepted and
    the lapse is logged, so that a reader's text is never lost to an outage."""
    key = RATE_KEY.format(scope=scope, client=hashed_client)
    window = settings.FEEDBACK_RATE_WINDOW
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception as exc:  # CacheUnavailable, or a cache backend that raises
        logger.warning("Rate limit not applied to client %s…: %s", hashed_client[:12], exc)
        return False
    return count > settings.FEEDBACK_RATE_LIMIT


def retry_after():
    """The Retry-After header's value for a client over the limit."""
    return str(settings.FEEDBACK_RATE_WINDOW)


def count_links(*texts):
    return sum(len(LINK_RE.findall(text or "")) for text in texts)


# --- The form ---------------------------------------------------------------------------


class SpamProtectedForm(forms.Form):
    """A public form's honeypot and signed render time. Mix it into the form (before
    forms.ModelForm for a model form); the template renders `form.website` hidden from
    people (CSS, aria-hidden) and `form.rendered`. The view checks `token_problem()`
    before anything else, and `honeypot_filled()` to tell a script from a person."""

    # The honeypot: hidden from people by CSS and from assistive technology by the
    # template; scripts that fill every field fill it too.
    website = forms.CharField(required=False, label="Leave this field empty")
    rendered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        # The render time that came back, checked by token_problem(); the form carries a
        # fresh one every time it is shown, including after errors, so correcting a
        # mistake never trips the "too old" check.
        self.sent_token = self.data.get(TOKEN_FIELD) if self.is_bound else None
        self.initial[TOKEN_FIELD] = form_token()
        if self.is_bound:
            self.data = self.data.copy()
            self.data[TOKEN_FIELD] = self.initial[TOKEN_FIELD]

    def token_problem(self):
        """Why the render time sent back is refused (a TokenProblem), or None."""
        try:
            check_form_token(self.sent_token)
        except TokenProblem as problem:
            return problem
        return None

    def honeypot_filled(self):
        return bool(self.data.get(HONEYPOT_FIELD))
