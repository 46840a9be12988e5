"""Failed staff sign-ins: the client address django-axes locks out, and a log line for
every failure.

Lock-outs themselves are django-axes' (settings AXES_*, see docs/deploying.md): per
account and per client address, stored in the database so they hold with Redis down.
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("accounts.security")


def client_ip(request):
    """The client's address, by the same rule and setting as the reader error reports:
    REMOTE_ADDR, or, when the operator names one in FEEDBACK_CLIENT_IP_HEADER (e.g.
    HTTP_X_REAL_IP), the last address in that header, the one their own proxy added. None
    when it is not an address."""
    header = settings.FEEDBACK_CLIENT_IP_HEADER
    raw = request.META.get(header, "") if header else ""
    raw = raw.split(",")[-1] if raw else request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    address = client_ip(request) if request is not None else None
    logger.warning("Failed sign-in for %r from %s", username, address or "unknown address")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the admin-styled page a locked-out person sees (429, with
    Retry-After), instead of a bare text."""
    from axes.helpers import get_client_username, get_cool_off
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    response = render(
        request,
        "accounts/lockout.html",
        {
            **admin.site.each_context(request),
            "title": "Sign-in locked",
            "username": get_client_username(request, credentials) or "",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": minutes,
        },
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
