"""The demo newsletter: a few confirmed subscribers (example.org addresses, which nobody
receives) and one sent edition in the public archive, made of the demo's top stories."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from newsletter import editions
from newsletter.models import Edition, EditionItem, Subscriber
from newsletter.subscriptions import consent_text

SUBJECT = "The week in defence: ships, satellites and the budget fight"
INTRO = (
    "Good morning. This week the money came into focus: parliaments argued over who pays "
    "for the next generation of air defence, and yards on two continents showed what the "
    "new orders look like in steel.\n\n"
    "Below are the stories our editors think you should not miss, with the reporting that "
    "explains why they matter. As always, tell us when we get something wrong: every "
    "correction is listed on our corrections page."
)
SUBSCRIBERS = ["demo.reader@example.org", "analyst@example.org", "student@example.org"]


def load_newsletter():
    now = timezone.now()
    created_subscribers = 0
    for email in SUBSCRIBERS:
        _, created = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "status": Subscriber.Status.CONFIRMED,
                "source": Subscriber.Source.DEMO,
                "created": now - timedelta(days=30),
                "consent_text": consent_text(),
                "consent_at": now - timedelta(days=30),
                "confirmed_at": now - timedelta(days=30),
            },
        )
        created_subscribers += created
    if Edition.objects.filter(subject=SUBJECT).exists():
        return {"editions": 0, "subscribers": created_subscribers}
    stories = Article.objects.published().order_by("-featured", "-published_at", "-id")[:5]
    edition = Edition.objects.create(subject=SUBJECT, intro=INTRO, status=Edition.Status.SENT)
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=article, position=(n + 1) * 10)
        for n, article in enumerate(stories)
    )
    editions.freeze(edition)
    edition.sent_at = now - timedelta(days=2)
    edition.recipients = len(SUBSCRIBERS)
    edition.save(update_fields=["sent_at", "recipients"])
    return {"editions": 1, "subscribers": created_subscribers}
