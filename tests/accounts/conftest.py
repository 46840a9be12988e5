import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"


def totp_code(key, steps_ahead=0):
    """The code an authenticator app shows for `key` (bytes), `steps_ahead` periods on."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(client, username, password=PASSWORD, address="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def reporter(django_user_model):
    return django_user_model.objects.create_user(
        "reporter", "reporter@example.org", PASSWORD, is_staff=True
    )


@pytest.fixture
def enrolled(reporter):
    """A staff member with a confirmed authenticator app."""
    reporter.totp = TOTPDevice.objects.create(user=reporter, name="Phone", confirmed=True)
    return reporter


@pytest.fixture
def two_factor_required(settings):
    settings.STAFF_2FA_REQUIRED = True
