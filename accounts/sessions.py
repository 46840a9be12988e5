"""Sliding session expiry: a signed-in session ends SESSION_COOKIE_AGE (a working day)
after its last request. Rather than writing the session on every request
(SESSION_SAVE_EVERY_REQUEST), it is renewed at most once every RENEW_EVERY seconds, so
the idle limit holds to within that and a busy editor costs one write every few minutes.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEWED_KEY = "_session_renewed"
RENEW_EVERY = 300


@receiver(user_logged_in)
def stamp_new_session(sender, request, user, **kwargs):
    if hasattr(request, "session"):
        request.session[RENEWED_KEY] = int(time.time())


class SlidingSessionMiddleware:
    """Renews a signed-in session's expiry. Goes after SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and SESSION_KEY in session
        ):
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= RENEW_EVERY:
                session[RENEWED_KEY] = now  # modified: saved with a new expiry
        return response
