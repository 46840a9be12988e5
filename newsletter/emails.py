"""The two e-mails a sign-up can cause. Both run as background tasks (newsletter.tasks);
a failure raises, so the task is retried with backoff, and the sign-up row is untouched."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core.links import absolute_url

from .confirmation import confirmation_url
from .models import Subscriber


def _send(subscriber, subject, template, context):
    body = render_to_string(
        template, {"SITE_NAME": settings.SITE_NAME, "subscriber": subscriber, **context}
    )
    EmailMessage(
        subject=f"{settings.SITE_NAME}: {subject}",
        body=body,
        from_email=settings.NEWSLETTER_FROM_EMAIL,
        to=[subscriber.email],
    ).send()


def send_confirmation(subscriber_id):
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.PENDING
    ).first()
    if subscriber is None:  # confirmed meanwhile, unsubscribed or deleted: nothing to ask
        return
    _send(
        subscriber,
        "please confirm your newsletter subscription",
        "newsletter/emails/confirm.txt",
        {
            "confirm_url": confirmation_url(subscriber),
            "max_age_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
        },
    )


def send_already_subscribed(subscriber_id):
    subscriber = Subscriber.objects.confirmed().filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    _send(
        subscriber,
        "you are already subscribed",
        "newsletter/emails/already_subscribed.txt",
        {
            "unsubscribe_url": subscriber.unsubscribe_url(),
            "archive_url": absolute_url(reverse("newsletter:archive")),
        },
    )
