"""A reader gives by card, in two steps around Stripe.js:

1. `start`: the checked choices (amount, frequency, currency, the story they came from)
   are stored as a Checkout with a SetupIntent, whose secret goes to the browser.
   Stripe.js collects the card (confirmCardSetup); card numbers never reach us.
2. `complete`: with the card saved, the server charges the stored amount (a PaymentIntent)
   or starts the gift (a subscription). When the bank wants its own check (3-D Secure),
   the browser is given the payment's secret for confirmCardPayment, then completes again.

Nothing is half-recorded: a failing call to Stripe in `start` stores nothing here, and
the donation or gift a `complete` makes first is what the webhooks later find."""

import logging
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import payments, stripe_api
from .models import Checkout, Donation, Frequency, Gift, Supporter
from .payments import CheckoutProblem

logger = logging.getLogger(__name__)

PRODUCT_ID = "reader-support"
CONSENT_TEXT = (
    "Keep my name and e-mail address to take this gift, send my receipts and let me "
    "manage my giving. I can delete them at any time from my supporter page."
)


@dataclass
class Outcome:
    """What the browser does next: `done` (go to the thank-you page) or `authenticate`
    (hand `client_secret` to Stripe.js's confirmCardPayment, then complete again)."""

    state: str
    client_secret: str = ""


def start(*, email, name, anonymous, frequency, amount, currency, source_article=None):
    """Store the reader's choices and open a SetupIntent. `amount` is in whole units."""
    api = stripe_api.client()
    try:
        with transaction.atomic():
            supporter = _supporter(email, name, anonymous)
            if not supporter.stripe_customer:
                customer = api.v1.customers.create(
                    params={
                        "email": supporter.email,
                        "name": supporter.name or supporter.email,
                        "metadata": {"supporter": str(supporter.pk)},
                    }
                )
                supporter.stripe_customer = customer.id
                supporter.save(update_fields=["stripe_customer"])
            intent = api.v1.setup_intents.create(
                params={
                    "customer": supporter.stripe_customer,
                    "usage": "off_session" if payments.recurring(frequency) else "on_session",
                    "payment_method_types": ["card"],
                }
            )
            return Checkout.objects.create(
                supporter=supporter,
                frequency=frequency,
                amount=amount * 100,
                currency=currency,
                source_article=source_article,
                stripe_setup_intent=intent.id,
            ), intent.client_secret
    except stripe.StripeError as error:
        logger.warning("Checkout could not start: %s", error)
        raise CheckoutProblem(stripe_api.UNREACHABLE) from error


def _supporter(email, name, anonymous):
    supporter = Supporter.objects.for_email(email).first()
    if supporter is None:
        return Supporter.objects.create(
            email=email,
            name=name,
            anonymous=anonymous,
            consent_at=timezone.now(),
            consent_text=CONSENT_TEXT,
        )
    # Anyone may type an address: fill in a missing name or ask for anonymity, never undo.
    supporter.name = supporter.name or name
    supporter.anonymous = supporter.anonymous or anonymous
    supporter.save(update_fields=["name", "anonymous"])
    return supporter


def complete(token):
    """Charge or subscribe for the checkout `token` once its card is saved."""
    checkout = Checkout.objects.select_related("supporter").filter(token=token).first()
    if checkout is None:
        raise CheckoutProblem("This form has expired. Please fill it in again.")
    api = stripe_api.client()
    try:
        if checkout.frequency == Frequency.ONCE:
            return _complete_donation(api, checkout)
        return _complete_gift(api, checkout)
    except stripe.CardError as error:
        raise CheckoutProblem(stripe_api.error_message(error)) from error
    except stripe.StripeError as error:
        logger.warning("Checkout %s could not complete: %s", checkout.pk, error)
        raise CheckoutProblem(stripe_api.UNREACHABLE) from error


def _saved_card(api, checkout):
    intent = api.v1.setup_intents.retrieve(checkout.stripe_setup_intent)
    if intent.status != "succeeded" or not intent.payment_method:
        raise CheckoutProblem("Your card was not confirmed. Please check it and try again.")
    method_id = stripe_api.object_id(intent.payment_method)
    method = api.v1.payment_methods.retrieve(method_id)
    customer = checkout.supporter.stripe_customer
    if stripe_api.object_id(method.customer) != customer:
        api.v1.payment_methods.attach(method_id, params={"customer": customer})
    return method_id


def _claim(checkout, field, make):
    """The checkout's donation or gift, made once even if the browser completes twice."""
    with transaction.atomic():
        locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
        existing = getattr(locked, field)
        if existing is not None:
            return existing, False
        made = make()
        setattr(locked, field, made)
        locked.save(update_fields=[field])
        return made, True


def _complete_donation(api, checkout):
    def make():
        return Donation.objects.create(
            supporter=checkout.supporter,
            frequency=Frequency.ONCE,
            amount=checkout.amount,
            currency=checkout.currency,
            source_article_id=checkout.source_article_id,
        )

    method = None if checkout.donation_id else _saved_card(api, checkout)
    donation, new = _claim(checkout, "donation", make)
    if new:
        try:
            intent = api.v1.payment_intents.create(
                params={
                    "amount": checkout.amount,
                    "currency": checkout.currency.lower(),
                    "customer": checkout.supporter.stripe_customer,
                    "payment_method": method,
                    "payment_method_types": ["card"],
                    "confirm": True,
                    "metadata": {"donation": str(donation.pk)},
                },
                options={"idempotency_key": f"donation-{donation.pk}"},
            )
        except stripe.CardError as error:
            message = stripe_api.error_message(error)
            payments.move_donation(donation.pk, Donation.Status.FAILED, failure_message=message)
            _release(checkout)
            raise CheckoutProblem(message) from error
        Donation.objects.filter(pk=donation.pk, stripe_payment_intent=None).update(
            stripe_payment_intent=intent.id
        )
    else:
        donation.refresh_from_db()
        if not donation.stripe_payment_intent:
            return Outcome("done")  # the first request is still charging
        intent = api.v1.payment_intents.retrieve(donation.stripe_payment_intent)
    return _outcome(checkout, intent, payments.apply_payment_intent(stripe_api.as_dict(intent)))


def _outcome(checkout, intent, donation):
    if intent.status == "requires_action":
        return Outcome("authenticate", intent.client_secret)
    if donation is not None and donation.status == Donation.Status.FAILED:
        _release(checkout)
        raise CheckoutProblem(donation.failure_message)
    return Outcome("done")


def _release(checkout):
    """After a decline the reader may try again with another card: a new SetupIntent."""
    Checkout.objects.filter(pk=checkout.pk).update(donation=None, gift=None)


def plan_id(currency, frequency):
    return f"reader-support-{frequency}-{currency.lower()}"


def ensure_plan(api, currency, frequency):
    """The unit plan (1.00 a month or a year in `currency`); a gift's amount is its
    quantity."""
    identifier = plan_id(currency, frequency)
    try:
        return api.v1.plans.retrieve(identifier).id
    except stripe.InvalidRequestError:
        pass
    try:
        api.v1.products.retrieve(PRODUCT_ID)
    except stripe.InvalidRequestError:
        api.v1.products.create(params={"id": PRODUCT_ID, "name": f"Support {settings.SITE_NAME}"})
    return api.v1.plans.create(
        params={
            "id": identifier,
            "amount": 100,
            "currency": currency.lower(),
            "interval": frequency,
            "product": PRODUCT_ID,
        }
    ).id


def _complete_gift(api, checkout):
    def make():
        return Gift.objects.create(
            supporter=checkout.supporter,
            frequency=checkout.frequency,
            amount=checkout.amount,
            currency=checkout.currency,
            source_article_id=checkout.source_article_id,
        )

    method = None if checkout.gift_id else _saved_card(api, checkout)
    gift, new = _claim(checkout, "gift", make)
    if new:
        customer = checkout.supporter.stripe_customer
        api.v1.customers.update(
            customer, params={"invoice_settings": {"default_payment_method": method}}
        )
        subscription = api.v1.subscriptions.create(
            params={
                "customer": customer,
                "items": [
                    {
                        "plan": ensure_plan(api, checkout.currency, checkout.frequency),
                        "quantity": checkout.amount // 100,
                    }
                ],
                "metadata": {"gift": str(gift.pk)},
            },
            options={"idempotency_key": f"gift-{gift.pk}"},
        )
        Gift.objects.filter(pk=gift.pk, stripe_subscription=None).update(
            stripe_subscription=subscription.id
        )
    else:
        gift.refresh_from_db()
        if not gift.stripe_subscription:
            return Outcome("done")
        subscription = api.v1.subscriptions.retrieve(gift.stripe_subscription)
    return _gift_outcome(api, checkout, gift, subscription)


def _gift_outcome(api, checkout, gift, subscription):
    invoice_id = stripe_api.object_id(subscription.latest_invoice)
    invoice = api.v1.invoices.retrieve(invoice_id) if invoice_id else None
    if subscription.status in ("active", "trialing"):
        if invoice is not None:
            payments.record_invoice(stripe_api.as_dict(invoice), paid=True, api=api)
        payments.sync_subscription(stripe_api.as_dict(subscription), subscription.created, api)
        return Outcome("done")
    intent_id = stripe_api.invoice_payment_intent(stripe_api.as_dict(invoice)) if invoice else None
    intent = api.v1.payment_intents.retrieve(intent_id) if intent_id else None
    if intent is not None and intent.status == "requires_action":
        return Outcome("authenticate", intent.client_secret)
    if intent is not None and intent.status == "processing":
        return Outcome("done")
    # Declined: end the unpaid subscription so no renewal is ever tried.
    api.v1.subscriptions.cancel(subscription.id)
    Gift.objects.filter(pk=gift.pk).update(
        status=Gift.Status.CANCELLED, cancelled_at=timezone.now()
    )
    _release(checkout)
    error = (stripe_api.as_dict(intent).get("last_payment_error") if intent else None) or {}
    raise CheckoutProblem(stripe_api.decline_message(error.get("code") or ""))
