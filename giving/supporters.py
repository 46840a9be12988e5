"""Supporters sign in with a link sent to their address: single use, expiring, stored
only as a hash. Asking for one looks the same whether or not the address is known."""

from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from . import tasks
from .models import SignInLink, Supporter, hash_token

SESSION_KEY = "giving_supporter"


class LinkProblem(Exception):
    pass


def request_link(email):
    """E-mail a sign-in link if `email` belongs to a supporter; nothing otherwise."""
    supporter = Supporter.objects.for_email(email).first()
    if supporter is not None:
        enqueue_on_commit(tasks.send_sign_in_link, supporter.pk)


def check_link(token):
    link = SignInLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None or link.used_at is not None or link.expired:
        raise LinkProblem()
    return link


def use_link(request, token):
    """Sign the supporter in (this session only) and spend the link."""
    with transaction.atomic():
        link = check_link(token)
        spent = SignInLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now())
        if not spent:
            raise LinkProblem()
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.supporter_id
    return link.supporter


def signed_in(request):
    supporter_id = request.session.get(SESSION_KEY)
    if supporter_id is None:
        return None
    return Supporter.objects.filter(pk=supporter_id).first()


def sign_out(request):
    request.session.pop(SESSION_KEY, None)


def supporting(emails):
    """Which of `emails` belong to supporters: a live regular gift, or a gift paid in the
    last year. One query."""
    from datetime import timedelta

    from django.db.models import Q

    from .models import Donation, Gift

    year_ago = timezone.now() - timedelta(days=365)
    lowered = [email.strip().lower() for email in emails]
    found = (
        Supporter.objects.filter(email__in=lowered)
        .filter(
            Q(gifts__status__in=Gift.LIVE)
            | Q(donations__status=Donation.Status.SUCCEEDED, donations__paid_at__gte=year_ago)
        )
        .values_list("email", flat=True)
        .distinct()
    )
    return set(found)
