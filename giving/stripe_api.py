"""The one way the site talks to Stripe (or to localstripe, which stands in for it in
development and tests): a client built from the settings, and readers of the objects it
returns that work with both the API version the library is pinned to and the older shapes
localstripe sends."""

from urllib.parse import urlsplit

import stripe
from django.conf import settings

# What a reader is told when Stripe cannot be reached or answers with an error of ours.
UNREACHABLE = (
    "We could not reach our card payment provider just now, so nothing was charged. "
    "Your details are still in the form: please try again in a minute."
)


def enabled():
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def client():
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        stripe_version=settings.STRIPE_API_VERSION or None,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
        max_network_retries=1,
    )


def csp_origins():
    """The origins the donation pages' Content-Security-Policy must allow: Stripe.js,
    its frames and the API it calls (or localstripe's)."""

    def origin(url):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    js, api = origin(settings.STRIPE_JS_URL), origin(settings.STRIPE_API_BASE)
    frames = [js] if js != "https://js.stripe.com" else [js, "https://hooks.stripe.com"]
    return {"script-src": [js], "frame-src": frames, "connect-src": sorted({api, js})}


def object_id(value):
    """An id whether Stripe sent the id or the expanded object."""
    if value is None or isinstance(value, str):
        return value
    return value["id"]


def invoice_subscription(invoice):
    """The subscription an invoice bills: `subscription` in older API versions,
    `parent.subscription_details.subscription` in newer ones."""
    if invoice.get("subscription"):
        return object_id(invoice["subscription"])
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return object_id(details.get("subscription"))


def invoice_payment_intent(invoice):
    if invoice.get("payment_intent"):
        return object_id(invoice["payment_intent"])
    for payment in (invoice.get("payments") or {}).get("data", []):
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return object_id(intent)
    return None


def subscription_quantity(subscription):
    items = subscription["items"]["data"]
    return items[0]["quantity"] if items else 0


def error_message(error):
    """Plain words for a Stripe error a reader caused (a declined card) or not."""
    if isinstance(error, stripe.CardError):
        return decline_message(getattr(error, "code", "") or "", error.user_message)
    return UNREACHABLE


DECLINES = {
    "card_declined": "Your bank declined the card. Try another card, or ask your bank why.",
    "insufficient_funds": "The card has too little money on it. Try another card.",
    "expired_card": "The card has expired. Try another card.",
    "incorrect_cvc": "The security code (CVC) is not right. Check it and try again.",
    "processing_error": "The card could not be charged just now. Please try again.",
    "payment_intent_authentication_failure": (
        "Your bank's security check was not completed, so nothing was charged. Please try again."
    ),
}


def decline_message(code, fallback=""):
    return DECLINES.get(code) or fallback or DECLINES["card_declined"]


def as_dict(obj):
    """A library object as the plain dict a webhook event carries (the payments module
    reads only dicts, whichever way the news arrived)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj
