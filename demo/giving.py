"""Reader revenue's demo: a handful of invented supporters with monthly, annual and
one-time gifts over the last months, some from a story's support line, one failed
renewal and one refund, so the admin's revenue view has something to show. None of it
exists at Stripe (their ids start with "demo-"); gifts given through `make run`'s
localstripe are real test ones."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from giving.models import Donation, Gift, Supporter

SUPPORTERS = [
    # email, name, anonymous, gift (frequency, amount) or None, one-time amounts, months ago
    ("ilse.moreau@example.org", "Ilse Moreau", False, ("month", 1000), [], 5),
    ("k.osei@example.org", "Kwame Osei", False, ("month", 500), [2500], 3),
    ("r.halvorsen@example.org", "", True, ("year", 12000), [], 2),
    ("p.ng@example.org", "Priya Ng", False, None, [5000, 1000], 1),
    ("jonas.berg@example.org", "Jonas Berg", False, ("month", 2500), [], 0),
]


def load_giving():
    stories = list(Article.objects.published().order_by("-published_at")[:3])
    now = timezone.now()
    made = 0
    for index, (email, name, anonymous, gift, once, months) in enumerate(SUPPORTERS):
        start = now - timedelta(days=30 * months + 2)
        supporter, created = Supporter.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "anonymous": anonymous,
                "consent_at": start,
                "consent_text": "Demo supporter.",
            },
        )
        made += created
        story = stories[index % len(stories)] if stories else None
        if gift is not None:
            _gift(supporter, gift, start, months, story)
        for n, amount in enumerate(once):
            _paid(
                supporter,
                None,
                "once",
                amount,
                start + timedelta(days=n * 9),
                f"{index}-once-{n}",
                story,
            )
    _failed_and_refunded(now)
    return {"supporters": made}


def _failed_and_refunded(now):
    jonas = Supporter.objects.get(email="jonas.berg@example.org")
    Donation.objects.get_or_create(
        stripe_invoice="demo-failed-renewal",
        defaults={
            "supporter": jonas,
            "gift": jonas.gifts.first(),
            "frequency": "month",
            "amount": 2500,
            "currency": "EUR",
            "status": Donation.Status.FAILED,
            "failure_message": "The renewal payment was declined.",
            "created": now - timedelta(days=1),
        },
    )
    Donation.objects.filter(stripe_invoice="demo-3-once-1", refunded_amount=0).update(
        status=Donation.Status.REFUNDED, refunded_amount=1000
    )


def _gift(supporter, gift, start, months, story):
    frequency, amount = gift
    record, _ = Gift.objects.get_or_create(
        stripe_subscription=f"demo-sub-{supporter.pk}",
        defaults={
            "supporter": supporter,
            "frequency": frequency,
            "amount": amount,
            "currency": "EUR",
            "status": Gift.Status.ACTIVE,
            "source_article": story,
        },
    )
    Gift.objects.filter(pk=record.pk).update(created=start)
    periods = months + 1 if frequency == "month" else 1
    for n in range(periods):
        _paid(
            supporter,
            record,
            frequency,
            amount,
            start + timedelta(days=30 * n),
            f"{record.pk}-{n}",
            story,
        )


def _paid(supporter, gift, frequency, amount, when, key, story):
    Donation.objects.get_or_create(
        stripe_invoice=f"demo-{key}",
        defaults={
            "supporter": supporter,
            "gift": gift,
            "frequency": frequency,
            "amount": amount,
            "currency": "EUR",
            "status": Donation.Status.SUCCEEDED,
            "created": when,
            "paid_at": when,
            "receipt_sent_at": when,
            "source_article": story,
        },
    )
