"""Stripe's webhooks, the source of truth for money received: each event is verified
(signature and age), applied at most once (its id is stored in the same transaction as
its effects), and turned into the calls of giving.payments. Slow work (e-mail) goes to
the task queue, so the endpoint answers in milliseconds."""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from . import payments
from .models import StripeEvent

logger = logging.getLogger(__name__)

# Signatures older than this (seconds) are refused: a captured event cannot be replayed.
TOLERANCE = 300


class BadEvent(Exception):
    pass


def verify(payload, signature):
    """The event's JSON as a dict, once its signature and timestamp check out."""
    if not signature:
        raise BadEvent("no signature")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, TOLERANCE
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as error:
        raise BadEvent(str(error)) from error
    if not isinstance(event, dict) or not {"id", "type", "data"} <= event.keys():
        raise BadEvent("not an event")
    return event


def handle(event):
    """Apply `event` unless it has been applied before. True when it was new."""
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event["id"], type=event["type"], created=int(event.get("created") or 0)
            )
            apply(event)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event["id"]).exists():
            logger.info("Stripe event %s seen before: ignored", event["id"])
            return False
        raise
    return True


def apply(event):
    kind, obj = event["type"], event["data"]["object"]
    created = int(event.get("created") or 0)
    handler = HANDLERS.get(kind)
    if handler is None:
        logger.debug("Stripe event %s (%s) needs nothing here", event["id"], kind)
        return
    handler(obj, created)


def _payment_intent(obj, created):
    if obj.get("invoice"):
        return  # a gift's period: the invoice events record it
    payments.apply_payment_intent(obj)


def _invoice_paid(obj, created):
    payments.record_invoice(obj, paid=True)


def _invoice_failed(obj, created):
    payments.record_invoice(obj, paid=False)


def _subscription(obj, created):
    payments.sync_subscription(obj, created)


def _refund(obj, created):
    donation = payments.donation_for_charge(obj)
    if donation is not None:
        payments.record_refund(donation, int(obj.get("amount_refunded") or 0))


def _dispute(obj, created):
    charge = {"id": obj.get("charge"), "payment_intent": obj.get("payment_intent")}
    donation = payments.donation_for_charge(charge)
    if donation is not None:
        payments.record_dispute(donation)


HANDLERS = {
    "payment_intent.succeeded": _payment_intent,
    "payment_intent.payment_failed": _payment_intent,
    "invoice.paid": _invoice_paid,
    "invoice.payment_succeeded": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.created": _subscription,
    "customer.subscription.updated": _subscription,
    "customer.subscription.deleted": _subscription,
    "charge.refunded": _refund,
    "charge.dispute.created": _dispute,
}
