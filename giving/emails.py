"""Receipts, the failed-renewal notice and sign-in links. Each runs as a background task
(giving.tasks): a failure raises and is retried, and nothing a reader did is undone."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .links import new_link
from .models import Donation, Supporter


def _send(to, subject, template, context):
    body = render_to_string(
        template,
        {
            "SITE_NAME": settings.SITE_NAME,
            "legal_name": settings.PUBLISHER_LEGAL_NAME,
            "address": settings.PUBLISHER_ADDRESS,
            **context,
        },
    )
    EmailMessage(
        subject=f"{settings.SITE_NAME}: {subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    ).send()


def send_receipt(donation_id):
    """The receipt for a paid donation, once: the row is claimed before sending and
    released again if the mail server fails, so a retry sends it."""
    claimed = Donation.objects.filter(
        Q(pk=donation_id), Q(receipt_sent_at=None), ~Q(supporter=None)
    ).update(receipt_sent_at=timezone.now())
    if not claimed:
        return
    donation = Donation.objects.select_related("supporter", "gift").get(pk=donation_id)
    try:
        _send(
            donation.supporter.email,
            "receipt for your support",
            "giving/emails/receipt.txt",
            {"donation": donation, "supporter": donation.supporter},
        )
    except Exception:
        Donation.objects.filter(pk=donation_id).update(receipt_sent_at=None)
        raise


def send_renewal_failed(donation_id):
    donation = Donation.objects.select_related("supporter", "gift").filter(pk=donation_id).first()
    if donation is None or donation.supporter is None or donation.gift is None:
        return
    _send(
        donation.supporter.email,
        "your renewal did not go through",
        "giving/emails/renewal_failed.txt",
        {
            "donation": donation,
            "link": new_link(donation.supporter),
            "max_age_minutes": settings.SUPPORTER_LINK_MAX_AGE // 60,
        },
    )


def send_sign_in_link(supporter_id):
    supporter = Supporter.objects.filter(pk=supporter_id).first()
    if supporter is None:
        return
    _send(
        supporter.email,
        "your supporter page",
        "giving/emails/sign_in.txt",
        {
            "link": new_link(supporter),
            "max_age_minutes": settings.SUPPORTER_LINK_MAX_AGE // 60,
        },
    )
