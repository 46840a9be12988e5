"""Two-factor sign-in for staff: an authenticator app (TOTP) plus single-use backup codes.

With STAFF_2FA_REQUIRED on (the default when DEBUG is off), a staff member signed in with
a password alone is sent to enter a code, or to enrol if they have no authenticator yet,
before anything else (accounts.middleware).
"""

import base64
import logging

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("accounts.security")

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "Backup codes"
APP_DEVICE_NAME = "Authenticator app"


def required_for(user):
    """Whether this signed-in user must pass a second factor."""
    return settings.STAFF_2FA_REQUIRED and user.is_authenticated and user.is_staff


def has_authenticator(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def has_any_device(user):
    return user_has_device(user, confirmed=True)


def pending_authenticator(user):
    """The unconfirmed authenticator being enrolled, made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device):
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device):
    """The otpauth:// URL as an SVG QR code in a data: URI (the admin's CSP allows data:
    images; no script, no third-party request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


@transaction.atomic
def confirm_authenticator(device, code):
    """Confirm an enrolment with a code from the app; True on success. Replaces any
    authenticator the user had before."""
    if not device.verify_token(normalise(code)):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("Two-factor authenticator enrolled for %r", device.user.get_username())
    return True


@transaction.atomic
def new_backup_codes(user):
    """Replace the user's backup codes with BACKUP_CODE_COUNT fresh ones and return them.
    Each works once, then is deleted."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_backup_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user):
    """Recovery for a lost device: remove every device the user has, issue new backup
    codes and return them. The user signs in with one and enrols a new authenticator."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    codes = new_backup_codes(user)
    logger.warning("Two-factor devices reset for %r; new backup codes issued", user.username)
    return codes


def normalise(code):
    return "".join((code or "").split()).lower()


def verify(user, code):
    """The device that accepts `code` (six digits: the authenticator; otherwise a backup
    code), or None. Returns (device, error message)."""
    code = normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, extra = device.verify_is_allowed()
            if not allowed:
                wait = extra.get("locked_until")
                return None, (
                    "Too many wrong codes. Try again in a little while"
                    + (f" (after {wait:%H:%M:%S} UTC)." if wait else ".")
                )
            if device.verify_token(code):
                return device, ""
    return None, "That code is not valid. Check your app's clock, or use a backup code."
