"""/support/stripe/webhook/: signed, fresh, applied once, in any order. Events come from
localstripe where it makes them; the ones it never makes (renewals, refunds, disputes,
subscription updates) are built here and signed with the same secret."""

import json
import time

import pytest
from django.core import mail
from django.test import Client

from giving.models import Donation, Gift, StripeEvent

pytestmark = pytest.mark.django_db


def event(kind, obj, created=None, event_id=None):
    created = created or int(time.time())
    return {
        "id": event_id or f"evt_test_{kind}_{created}_{obj.get('id')}",
        "object": "event",
        "type": kind,
        "created": created,
        "data": {"object": obj},
    }


def local_event(stripe_local, kind, object_id):
    """The event localstripe made about `object_id` (it sends them after a second)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for found in stripe_local.events(kind):
            if found["data"]["object"]["id"] == object_id:
                return found
        time.sleep(0.1)
    raise AssertionError(f"localstripe made no {kind} for {object_id}")


@pytest.fixture
def deliver(stripe_local, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)  # Stripe sends no CSRF token: none is needed

    def deliver(evt, **sign_options):
        with django_capture_on_commit_callbacks(execute=True):
            return stripe_local.post_event(client, evt, **sign_options)

    return deliver


def test_payment_finished_after_the_browser_closed_is_recorded(reader, stripe_local, deliver):
    token, answer = reader.give(card="4000002500003155")
    stripe_local.authenticate(answer.json()["client_secret"])  # then the tab is closed
    donation = Donation.objects.get()
    assert donation.status == "pending"
    succeeded = local_event(
        stripe_local, "payment_intent.succeeded", donation.stripe_payment_intent
    )
    assert deliver(succeeded).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "succeeded"
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]


def test_duplicate_event_changes_nothing(reader, stripe_local, deliver):
    reader.give()
    assert len(mail.outbox) == 1  # the receipt, from the browser's return
    donation = Donation.objects.get()
    succeeded = local_event(
        stripe_local, "payment_intent.succeeded", donation.stripe_payment_intent
    )
    assert deliver(succeeded).status_code == 200
    assert deliver(succeeded).status_code == 200
    assert StripeEvent.objects.filter(event_id=succeeded["id"]).count() == 1
    assert len(mail.outbox) == 1
    assert Donation.objects.get().status == "succeeded"


def test_event_before_the_browser_returns_finds_its_donation(stripe_local, deliver):
    from giving.models import Supporter

    supporter = Supporter.objects.create(email="early@example.org", consent_at="2026-01-01T00:00Z")
    donation = Donation.objects.create(
        supporter=supporter, frequency="once", amount=1500, currency="EUR"
    )
    intent = {
        "id": "pi_early",
        "object": "payment_intent",
        "status": "succeeded",
        "latest_charge": "ch_early",
        "metadata": {"donation": str(donation.pk)},
    }
    assert deliver(event("payment_intent.succeeded", intent)).status_code == 200
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_payment_intent, donation.stripe_charge) == (
        "succeeded",
        "pi_early",
        "ch_early",
    )


@pytest.mark.parametrize(
    "how",
    ["unsigned", "wrong secret", "stale", "tampered"],
)
def test_forged_or_replayed_events_are_refused(reader, stripe_local, how):
    reader.give()
    donation = Donation.objects.get()
    refund = event(
        "charge.refunded",
        {
            "id": donation.stripe_charge,
            "payment_intent": donation.stripe_payment_intent,
            "amount_refunded": donation.amount,
        },
    )
    payload = json.dumps(refund)
    client = Client()
    headers = {}
    if how == "wrong secret":
        headers["HTTP_STRIPE_SIGNATURE"] = stripe_local.sign(payload, secret="whsec_forged")
    elif how == "stale":
        headers["HTTP_STRIPE_SIGNATURE"] = stripe_local.sign(
            payload, timestamp=int(time.time()) - 600
        )
    elif how == "tampered":
        headers["HTTP_STRIPE_SIGNATURE"] = stripe_local.sign(payload)
        payload = payload.replace('"amount_refunded": 1000', '"amount_refunded": 1')
    response = client.post(
        "/support/stripe/webhook/", payload, content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert Donation.objects.get().status == "succeeded"
    assert not StripeEvent.objects.exists()


def test_refund_and_dispute(reader, deliver):
    reader.give()
    donation = Donation.objects.get()
    charge = {"id": donation.stripe_charge, "payment_intent": donation.stripe_payment_intent}
    deliver(event("charge.refunded", {**charge, "amount_refunded": 400}))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == ("refunded", 400)
    deliver(event("charge.dispute.created", {"id": "dp_1", "charge": donation.stripe_charge}))
    donation.refresh_from_db()
    assert donation.status == "disputed"


def test_renewal_failure_then_recovery(reader, deliver):
    reader.give(frequency="month")
    gift = Gift.objects.get()
    mail.outbox.clear()
    renewal = {
        "id": "in_renewal_2",
        "object": "invoice",
        "subscription": gift.stripe_subscription,
        "amount_due": 1000,
        "amount_paid": 0,
        "currency": "eur",
    }
    deliver(event("invoice.payment_failed", renewal))
    gift.refresh_from_db()
    failed = Donation.objects.get(stripe_invoice="in_renewal_2")
    assert (gift.status, failed.status) == ("past_due", "failed")
    [dunning] = mail.outbox
    assert "declined" in dunning.body
    assert "/supporter/link/" in dunning.body
    # Stripe retries the card; this time it is paid.
    paid = {**renewal, "amount_paid": 1000, "charge": "ch_renewal"}
    deliver(event("invoice.paid", paid, created=int(time.time()) + 60))
    gift.refresh_from_db()
    failed.refresh_from_db()
    assert (gift.status, failed.status) == ("active", "succeeded")
    assert "receipt" in mail.outbox[-1].subject


def test_subscription_events_out_of_order_keep_the_newest(reader, deliver):
    reader.give(frequency="month")
    gift = Gift.objects.get()
    subscription = {
        "id": gift.stripe_subscription,
        "object": "subscription",
        "status": "active",
        "items": {"data": [{"quantity": 20}]},
    }
    now = int(time.time())
    deliver(event("customer.subscription.updated", subscription, created=now + 10))
    gift.refresh_from_db()
    assert (gift.status, gift.amount) == ("active", 2000)
    deliver(
        event(
            "customer.subscription.deleted",
            {**subscription, "status": "canceled"},
            created=now + 20,
        )
    )
    # An older update arrives last: it changes nothing.
    deliver(
        event(
            "customer.subscription.updated",
            {**subscription, "items": {"data": [{"quantity": 5}]}},
            created=now + 15,
        )
    )
    gift.refresh_from_db()
    assert (gift.status, gift.amount) == ("cancelled", 2000)
    assert gift.cancelled_at is not None


def test_cancelled_subscription_from_localstripe(reader, stripe_local, deliver):
    from giving import stripe_api

    reader.give(frequency="month")
    gift = Gift.objects.get()
    stripe_api.client().v1.subscriptions.cancel(gift.stripe_subscription)
    deleted = local_event(stripe_local, "customer.subscription.deleted", gift.stripe_subscription)
    deliver(deleted)
    gift.refresh_from_db()
    assert gift.status == "cancelled"
