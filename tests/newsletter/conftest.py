import time

import pytest

from core.spam import form_token
from newsletter.models import Subscriber


@pytest.fixture
def token():
    """A render time a person could have taken (the form's timing check)."""
    return form_token(now=time.time() - 30)


@pytest.fixture
def signup(client, token, django_capture_on_commit_callbacks):
    """POST the sign-up form as a person would, running the tasks it enqueues on commit."""

    def post(email, **extra):
        data = {"email": email, "rendered": token, "website": "", **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/newsletter/", data)

    return post


def make_subscriber(email, status=Subscriber.Status.CONFIRMED, **extra):
    return Subscriber.objects.create(
        email=email,
        status=status,
        consent_text="Send me the newsletter.",
        consent_at="2026-01-01T00:00Z",
        **extra,
    )
