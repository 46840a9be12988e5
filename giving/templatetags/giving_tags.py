from django import template
from django.conf import settings

from giving import stripe_api
from giving.models import Frequency

register = template.Library()


@register.inclusion_tag("giving/includes/give_inline.html")
def give_inline():
    """The support page's quick choice: how often and how much, then the card form at
    /support/donate/. A GET form with no token, so the support page stays cacheable."""
    return {
        "enabled": stripe_api.enabled(),
        "frequencies": Frequency.choices,
        "amounts": settings.GIVING_SUGGESTED_AMOUNTS,
        "currency": settings.GIVING_CURRENCIES[0] if settings.GIVING_CURRENCIES else "",
    }


@register.simple_tag
def card_giving():
    """True when readers can give by card on the site (Stripe is configured)."""
    return stripe_api.enabled()
