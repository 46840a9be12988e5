"""The tip line's defences against scripts and floods, none of which keeps an address:

- a signed render timestamp (too fast: a script; too old: a replay), which is also the
  form's CSRF defence together with the Origin check, so no cookie is ever needed;
- a honeypot field people never see;
- per-process rate limits counted for everyone together (no address, no hash of one):
  sending, and trying codenames;
- a total size bound for the inbox.
"""

import threading
import time
from collections import deque

from django.conf import settings

from core import spam

TOKEN_FIELD = "rendered"  # noqa: S105 (a form field name, not a secret)
HONEYPOT_FIELD = "website"
_TOKEN_SALT = "tips.form"  # noqa: S105 (a namespace, not a secret)


def form_token(now=None):
    return spam.form_token(now, salt=_TOKEN_SALT)


class Refused(Exception):
    """A human-readable reason the form was not accepted."""


def check_form_token(token, now=None):
    try:
        spam.check_form_token(
            token,
            now,
            salt=_TOKEN_SALT,
            min_seconds=settings.TIPS_MIN_FORM_SECONDS,
            max_age=settings.TIPS_MAX_FORM_AGE,
        )
    except spam.TokenProblem as problem:
        raise Refused(str(problem)) from problem


def check_origin(request):
    """The form must come from this site's own page. Browsers say so in Sec-Fetch-Site;
    an Origin header is checked too, except "null", which is what a browser sends from a
    page with `Referrer-Policy: no-referrer` (ours)."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    foreign_origin = origin and origin != "null" and origin != own_origin(request)
    if (site and site not in ("same-origin", "none")) or foreign_origin:
        raise Refused("This form can only be sent from this site's own page.")


def own_origin(request):
    return f"{request.scheme}://{request.get_host()}"


class WindowLimit:
    """At most `limit()` events in `window()` seconds in this process, counted for all
    clients together."""

    def __init__(self, limit, window):
        self.limit, self.window = limit, window
        self.events = deque()
        self.lock = threading.Lock()

    def hit(self, now=None):
        """Count one event; True when it is over the limit (and then it is not counted)."""
        now = now if now is not None else time.monotonic()
        with self.lock:
            while self.events and self.events[0] <= now - self.window():
                self.events.popleft()
            if len(self.events) >= self.limit():
                return True
            self.events.append(now)
            return False

    def reset(self):
        with self.lock:
            self.events.clear()


sending = WindowLimit(lambda: settings.TIPS_RATE_LIMIT, lambda: settings.TIPS_RATE_WINDOW)
codename_attempts = WindowLimit(
    lambda: settings.TIPS_CODENAME_ATTEMPTS, lambda: settings.TIPS_RATE_WINDOW
)
