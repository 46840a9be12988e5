"""Spam defences for the public error-report form (and the newsletter sign-up, which
reuses them), without any third-party captcha:

- a honeypot field people never see (`HONEYPOT_FIELD`);
- a signed render timestamp: a form sent back too fast (a script) or too late (a stale
  page, or a replayed token) is refused, and the reader's text is kept on the form;
- a per-client rate limit kept in Django's cache, keyed by a salted hash of the client's
  network address (the address itself is never stored);
- link counting: text stuffed with links is stored as spam, not thrown away.

The settings (FEEDBACK_*) are described in docs/deploying.md.
"""

import hashlib
import ipaddress
import logging
import re
import time

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


def form_token(now=None):
    """A signed record of when the form was rendered."""
    return signing.dumps(int(now if now is not None else time.time()), salt=TOKEN_SALT)


class TokenProblem(Exception):
    """The form came back too soon, too late or with a token we did not sign."""


def check_form_token(token, now=None):
    now = now if now is not None else time.time()
    try:
        rendered = signing.loads(token or "", salt=TOKEN_SALT)
    except signing.BadSignature as exc:
        raise TokenProblem(
            "Something went wrong with this form. Please check your text and send it again."
        ) from exc
    if not isinstance(rendered, int):
        raise TokenProblem("Something went wrong with this form. Please send it again.")
    age = now - rendered
    if age < settings.FEEDBACK_MIN_FORM_SECONDS:
        raise TokenProblem(
            "That was quicker than a person usually types. Please check your text and send "
            "it again."
        )
    if age > settings.FEEDBACK_MAX_FORM_AGE:
        raise TokenProblem(
            "This form was open for a long time, so we could not accept it as it was. Your "
            "text is still here: please check it and send it again."
        )


# --- Rate limit ------------------------------------------------------------------------


def rate_limited(hashed_client, scope="feedback"):
    """Count one submission from this client; True when it is over the limit for the
    current window. The window starts at the client's first submission. Each form that
    reuses these defences (the newsletter sign-up) counts under its own `scope`.

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


# --- Content ---------------------------------------------------------------------------


def count_links(*texts):
    return sum(len(LINK_RE.findall(text or "")) for text in texts)


def spam_reason(cleaned_data, honeypot_value):
    """Why a submission looks like spam, or "" when it does not."""
    if honeypot_value:
        return "Filled in the hidden field people never see."
    links = count_links(
        cleaned_data.get("quoted_text"),
        cleaned_data.get("suggested_correction"),
        cleaned_data.get("details"),
        cleaned_data.get("name"),
    )
    if links > settings.FEEDBACK_MAX_LINKS:
        return f"{links} links in the text (more than {settings.FEEDBACK_MAX_LINKS})."
    return ""
