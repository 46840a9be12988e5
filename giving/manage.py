"""What a supporter does from their page: change a gift's amount, cancel it, save a new
card, download a year's statement, or delete themselves here and at Stripe."""

import stripe
from django.db import transaction
from django.utils import timezone

from . import stripe_api
from .checkout import CheckoutProblem
from .models import Donation, Gift


def _api_call(call):
    try:
        return call()
    except stripe.StripeError as error:
        raise CheckoutProblem(stripe_api.UNREACHABLE) from error


def change_amount(gift, units):
    api = stripe_api.client()

    def call():
        subscription = api.v1.subscriptions.retrieve(gift.stripe_subscription)
        item = subscription["items"]["data"][0]["id"]
        api.v1.subscriptions.update(
            gift.stripe_subscription, params={"items": [{"id": item, "quantity": units}]}
        )

    _api_call(call)
    Gift.objects.filter(pk=gift.pk).update(amount=units * 100)


def cancel(gift):
    api = stripe_api.client()
    _api_call(lambda: api.v1.subscriptions.cancel(gift.stripe_subscription))
    Gift.objects.filter(pk=gift.pk).update(
        status=Gift.Status.CANCELLED, cancelled_at=timezone.now()
    )


def card_setup(supporter):
    """A SetupIntent's secret for Stripe.js: the new card for every live gift."""
    api = stripe_api.client()
    intent = _api_call(
        lambda: api.v1.setup_intents.create(
            params={"customer": supporter.stripe_customer, "usage": "off_session"}
        )
    )
    return intent.client_secret


def use_new_card(supporter, setup_intent_id):
    api = stripe_api.client()

    def call():
        intent = api.v1.setup_intents.retrieve(setup_intent_id)
        if stripe_api.object_id(intent.customer) != supporter.stripe_customer:
            raise CheckoutProblem("That card was not saved for you. Please try again.")
        if intent.status != "succeeded":
            raise CheckoutProblem("Your card was not confirmed. Please check it and try again.")
        method = stripe_api.object_id(intent.payment_method)
        found = api.v1.payment_methods.retrieve(method)
        if stripe_api.object_id(found.customer) != supporter.stripe_customer:
            api.v1.payment_methods.attach(method, params={"customer": supporter.stripe_customer})
        api.v1.customers.update(
            supporter.stripe_customer,
            params={"invoice_settings": {"default_payment_method": method}},
        )

    _api_call(call)


def statement(supporter, year):
    """A year's paid donations, oldest first, and their total per currency."""
    donations = list(
        Donation.objects.paid()
        .filter(supporter=supporter, paid_at__year=year)
        .order_by("paid_at")
        .select_related("gift")
    )
    totals = {}
    for donation in donations:
        kept = donation.amount - donation.refunded_amount
        totals[donation.currency] = totals.get(donation.currency, 0) + kept
    return donations, totals


def delete_supporter(supporter):
    """Cancel their live gifts, delete their customer at Stripe (which holds the cards),
    then delete them here. The payments stay in the books, without a name."""
    api = stripe_api.client()
    for gift in supporter.gifts.live().exclude(stripe_subscription=None):
        cancel(gift)
    if supporter.stripe_customer:
        try:
            api.v1.customers.delete(supporter.stripe_customer)
        except stripe.InvalidRequestError:
            pass  # already gone at Stripe
        except stripe.StripeError as error:
            raise CheckoutProblem(stripe_api.UNREACHABLE) from error
    with transaction.atomic():
        supporter.delete()
