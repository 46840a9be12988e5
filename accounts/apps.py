from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts: brute-force lock-out (django-axes), two-factor sign-in (django-otp:
    TOTP and single-use backup codes), enrolment, recovery and the log of failures."""

    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from . import lockout, sessions  # noqa: F401  (connect their signal receivers)
