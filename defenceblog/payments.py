"""Stripe's keys and addresses for the giving app, from the environment (settings.py).

With STRIPE_SECRET_KEY set, the real Stripe is used. Without it and with DEBUG on,
localstripe (a fake Stripe server, started by `make run`) stands in on LOCALSTRIPE_PORT,
so a newcomer can give a test donation end to end. Without it in production, giving on
the site is off and the support page shows only its other options."""

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Stripe:
    local: bool  # localstripe stands in
    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str
    js_url: str


def stripe_from_environment(debug: bool, localstripe_port: int) -> Stripe:
    secret_key = os.environ.get("STRIPE_SECRET_KEY", "")
    local = not secret_key and debug
    default_base = f"http://127.0.0.1:{localstripe_port}" if local else "https://api.stripe.com"
    if local:
        secret_key = "sk_test_localstripe"  # noqa: S105 - localstripe takes any sk_ key
    publishable_key = os.environ.get("STRIPE_PUBLISHABLE_KEY", "") or (
        "pk_test_localstripe" if local else ""
    )
    webhook_secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "") or (
        "whsec_localstripe" if local else ""
    )
    if secret_key and not (publishable_key and webhook_secret):
        raise ImproperlyConfigured(
            "STRIPE_SECRET_KEY needs STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET too."
        )
    return Stripe(
        local,
        secret_key,
        publishable_key,
        webhook_secret,
        os.environ.get("STRIPE_API_BASE", "") or default_base,
        os.environ.get("STRIPE_JS_URL", "")
        or (f"{default_base}/js.stripe.com/v3/" if local else "https://js.stripe.com/v3/"),
    )
