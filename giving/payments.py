"""What happens to our records when money moves. The reader's checkout, Stripe's webhooks
and the admin's refunds all call these functions, and each is safe to call again with the
same news (an event delivered twice, a browser and a webhook reporting the same payment),
or with older news after newer (a status only moves forward; a gift takes no event older
than the newest it has applied)."""

import logging

from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from . import stripe_api, tasks
from .models import Donation, Frequency, Gift, Supporter

logger = logging.getLogger(__name__)

SUBSCRIPTION_STATUS = {
    "incomplete": Gift.Status.INCOMPLETE,
    "active": Gift.Status.ACTIVE,
    "trialing": Gift.Status.ACTIVE,
    "past_due": Gift.Status.PAST_DUE,
    "unpaid": Gift.Status.PAST_DUE,
    "canceled": Gift.Status.CANCELLED,
    "incomplete_expired": Gift.Status.CANCELLED,
}


class CheckoutProblem(Exception):
    """A message for the reader: what went wrong, in plain words."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def move_donation(donation_id, status, **fields):
    """Move a donation to `status` if that is forward (Donation.RANK); True when it
    moved. Paid donations get their receipt, by a background task."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation_id)
        if Donation.RANK[status] <= Donation.RANK[donation.status]:
            return False
        donation.status = status
        for name, value in fields.items():
            setattr(donation, name, value)
        if status == Donation.Status.SUCCEEDED and donation.paid_at is None:
            donation.paid_at = timezone.now()
        donation.save()
        if status == Donation.Status.SUCCEEDED:
            enqueue_on_commit(tasks.send_receipt, donation.pk)
        if status == Donation.Status.FAILED and donation.gift_id:
            enqueue_on_commit(tasks.send_renewal_failed, donation.pk)
    return True


def apply_payment_intent(intent):
    """A one-time donation's PaymentIntent as Stripe reports it now. Returns the
    donation (None for a payment that is not one of ours)."""
    donation = _donation_for_intent(intent)
    if donation is None:
        return None
    status = intent["status"]
    charge = stripe_api.object_id(intent.get("latest_charge")) or ""
    if status == "succeeded":
        move_donation(donation.pk, Donation.Status.SUCCEEDED, stripe_charge=charge)
    elif status == "requires_payment_method" and intent.get("last_payment_error"):
        error = intent["last_payment_error"]
        message = stripe_api.decline_message(error.get("code") or "", error.get("message"))
        move_donation(donation.pk, Donation.Status.FAILED, failure_message=message[:300])
    donation.refresh_from_db()
    return donation


def _donation_for_intent(intent):
    found = Donation.objects.filter(stripe_payment_intent=intent["id"]).first()
    if found is not None:
        return found
    marker = (intent.get("metadata") or {}).get("donation")
    if not marker or not str(marker).isdigit():
        return None
    # The browser's request has not stored the intent's id yet: this event came first.
    Donation.objects.filter(pk=int(marker), stripe_payment_intent=None).update(
        stripe_payment_intent=intent["id"]
    )
    return Donation.objects.filter(stripe_payment_intent=intent["id"]).first()


def gift_for_subscription(subscription_id, api=None):
    """Our gift for a Stripe subscription; when the checkout has not stored the id yet,
    the subscription's metadata names the gift."""
    if not subscription_id:
        return None
    gift = Gift.objects.filter(stripe_subscription=subscription_id).first()
    if gift is not None:
        return gift
    subscription = (api or stripe_api.client()).v1.subscriptions.retrieve(subscription_id)
    marker = (subscription.to_dict().get("metadata") or {}).get("gift")
    if not marker or not str(marker).isdigit():
        return None
    Gift.objects.filter(pk=int(marker), stripe_subscription=None).update(
        stripe_subscription=subscription_id
    )
    return Gift.objects.filter(stripe_subscription=subscription_id).first()


def record_invoice(invoice, paid, api=None):
    """One period of a gift, paid or failed: its donation row (made once per invoice)
    moves forward, and the gift with it. Returns the donation, or None."""
    gift = gift_for_subscription(stripe_api.invoice_subscription(invoice), api)
    if gift is None:
        return None
    amount = invoice.get("amount_paid") if paid else invoice.get("amount_due")
    if not amount:
        return None
    donation, _ = Donation.objects.get_or_create(
        stripe_invoice=invoice["id"],
        defaults={
            "supporter_id": gift.supporter_id,
            "gift": gift,
            "frequency": gift.frequency,
            "amount": amount,
            "currency": invoice["currency"].upper(),
            "source_article_id": gift.source_article_id,
        },
    )
    intent = stripe_api.invoice_payment_intent(invoice)
    if intent and not donation.stripe_payment_intent:
        Donation.objects.filter(pk=donation.pk).update(stripe_payment_intent=intent)
    if paid:
        charge = stripe_api.object_id(invoice.get("charge")) or ""
        move_donation(donation.pk, Donation.Status.SUCCEEDED, stripe_charge=charge)
        Gift.objects.filter(
            pk=gift.pk, status__in=(Gift.Status.INCOMPLETE, Gift.Status.PAST_DUE)
        ).update(status=Gift.Status.ACTIVE)
    else:
        moved = move_donation(
            donation.pk,
            Donation.Status.FAILED,
            failure_message="The renewal payment was declined.",
        )
        if moved:
            Gift.objects.filter(pk=gift.pk, status=Gift.Status.ACTIVE).update(
                status=Gift.Status.PAST_DUE
            )
    donation.refresh_from_db()
    return donation


def sync_subscription(subscription, event_created, api=None):
    """A gift's status and amount from its subscription, unless a newer event has
    already been applied."""
    gift = gift_for_subscription(subscription["id"], api)
    if gift is None:
        return None
    status = SUBSCRIPTION_STATUS.get(subscription["status"], gift.status)
    fields = {"status": status, "stripe_synced": event_created}
    quantity = stripe_api.subscription_quantity(subscription)
    if quantity:
        fields["amount"] = quantity * 100
    if status == Gift.Status.CANCELLED:
        fields["cancelled_at"] = timezone.now()
    Gift.objects.filter(pk=gift.pk, stripe_synced__lte=event_created).exclude(
        status=Gift.Status.CANCELLED
    ).update(**fields)
    gift.refresh_from_db()
    return gift


def donation_for_charge(charge):
    intent = stripe_api.object_id(charge.get("payment_intent"))
    donations = Donation.objects.all()
    found = donations.filter(stripe_charge=charge["id"]).first()
    if found is None and intent:
        found = donations.filter(stripe_payment_intent=intent).first()
    return found


def record_refund(donation, refunded_total):
    """Stripe says `refunded_total` (minor units, in all) has gone back for `donation`."""
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        refunded = min(max(locked.refunded_amount, refunded_total), locked.amount)
        Donation.objects.filter(pk=locked.pk).update(refunded_amount=refunded)
    move_donation(donation.pk, Donation.Status.REFUNDED)
    donation.refresh_from_db()
    return donation


def record_dispute(donation):
    move_donation(donation.pk, Donation.Status.DISPUTED)
    donation.refresh_from_db()
    return donation


def supporter_for_customer(customer_id):
    return Supporter.objects.filter(stripe_customer=customer_id).first()


def recurring(frequency):
    return frequency in (Frequency.MONTH, Frequency.YEAR)


def refund(donation):
    """Refund a paid donation in full at Stripe, and record it (the charge.refunded event
    that follows from the real Stripe then changes nothing)."""
    import stripe

    try:
        made = stripe_api.client().v1.refunds.create(
            params={"payment_intent": donation.stripe_payment_intent},
            options={"idempotency_key": f"refund-{donation.pk}"},
        )
    except stripe.StripeError as error:
        raise CheckoutProblem(stripe_api.error_message(error)) from error
    return record_refund(donation, donation.refunded_amount + int(made.amount))
