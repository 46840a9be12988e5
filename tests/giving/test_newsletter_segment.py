"""Supporters get the newsletter's thank-you line instead of the appeal (a segment: the
edition is still rendered once)."""

import pytest
from django.core import mail
from django.utils import timezone

from giving.models import Donation, Gift, Supporter
from newsletter import editions, tasks
from newsletter.models import Edition, Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def subscriber(email):
    return Subscriber.objects.create(
        email=email,
        status=Subscriber.Status.CONFIRMED,
        consent_text="Send me the newsletter.",
        consent_at=timezone.now(),
    )


def test_supporters_get_thanks_and_everyone_else_the_appeal(django_capture_on_commit_callbacks):
    ArticleFactory(title="Frigate story")
    monthly = Supporter.objects.create(email="monthly@example.org", consent_at=timezone.now())
    Gift.objects.create(
        supporter=monthly,
        frequency="month",
        amount=500,
        currency="EUR",
        status="active",
        stripe_subscription="sub_m",
    )
    once = Supporter.objects.create(email="once@example.org", consent_at=timezone.now())
    Donation.objects.create(
        supporter=once,
        frequency="once",
        amount=900,
        currency="EUR",
        status="succeeded",
        paid_at=timezone.now(),
    )
    lapsed = Supporter.objects.create(email="lapsed@example.org", consent_at=timezone.now())
    Gift.objects.create(
        supporter=lapsed,
        frequency="month",
        amount=500,
        currency="EUR",
        status="cancelled",
        stripe_subscription="sub_l",
    )
    for email in (
        "Monthly@example.org",
        "once@example.org",
        "lapsed@example.org",
        "reader@example.org",
    ):
        subscriber(email)
    edition = Edition.objects.create(subject="The week", intro="Hello.")
    editions.fill_with_top_stories(edition)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_now(edition)
    by_address = {m.to[0].lower(): m for m in mail.outbox}
    assert len(by_address) == 4
    for email in ("monthly@example.org", "once@example.org"):
        message = by_address[email]
        assert "Thank you for supporting our reporting" in message.body
        assert "/support/donate/" not in message.body
        assert "Thank you for supporting our reporting" in message.alternatives[0][0]
    for email in ("lapsed@example.org", "reader@example.org"):
        message = by_address[email]
        assert "Support it: http://" in message.body and "/support/donate/" in message.body
        assert "give to our newsroom</a>" in message.alternatives[0][0]
    edition.refresh_from_db()
    assert "%%SUPPORT_LINE%%" in edition.text  # rendered once, for both segments
