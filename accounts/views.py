import logging

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import two_factor
from .forms import CodeForm, EnrolForm
from .lockout import client_ip

logger = logging.getLogger("accounts.security")


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _render(request, template, title, **context):
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "next": _next_url(request), **context},
    )


def _with_next(request, name):
    response = redirect(name)
    response["Location"] += "?" + request.GET.urlencode() if request.GET else ""
    return response


def _signed_in_with(request, device):
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@staff_member_required
def index(request):
    """The staff member's own two-factor page: state, new backup codes, a new app."""
    user = request.user
    if request.method == "POST" and user.is_verified():
        codes = two_factor.new_backup_codes(user)
        logger.info("New backup codes made by %r", user.get_username())
        return _render(request, "accounts/backup_codes.html", "Your backup codes", codes=codes)
    return _render(
        request,
        "accounts/two_factor.html",
        "Two-factor sign-in",
        has_authenticator=two_factor.has_authenticator(user),
        remaining_codes=two_factor.remaining_backup_codes(user),
        verified=user.is_verified(),
    )


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the app, or a backup code."""
    user = request.user
    if not two_factor.has_any_device(user):
        return _with_next(request, "two_factor:enrol")
    if user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device, error = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            _signed_in_with(request, device)
            logger.info("Two-factor sign-in for %r with %s", user.get_username(), device.name)
            return redirect(_next_url(request))
        logger.warning(
            "Failed two-factor code for %r from %s",
            user.get_username(),
            client_ip(request) or "unknown address",
        )
        form.add_error("code", error)
    return _render(request, "accounts/verify.html", "Enter your sign-in code", form=form)


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: QR code and secret, confirmed with a first code, then
    the backup codes, shown once."""
    user = request.user
    if two_factor.has_any_device(user) and not user.is_verified():
        # A password alone may enrol only an account that has no device at all.
        return _with_next(request, "two_factor:verify")
    device = two_factor.pending_authenticator(user)
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        if two_factor.confirm_authenticator(device, form.cleaned_data["code"]):
            codes = two_factor.new_backup_codes(user)
            _signed_in_with(request, device)
            return _render(request, "accounts/backup_codes.html", "Your backup codes", codes=codes)
        form.add_error("code", "That code did not match. Check the app's clock and try again.")
    return _render(
        request,
        "accounts/enrol.html",
        "Set up two-factor sign-in",
        form=form,
        qr_code=two_factor.qr_data_uri(device),
        secret=two_factor.secret_for_display(device),
    )


# The roles (groups) whose members a refused colleague can ask, in this order.
ASK_ROLES = ("Editor",)


def permission_denied(request, exception):
    """A 403 that explains itself. Staff refused something in the admin see what they
    tried, the roles they have and who can do it (the site's editors by name, and its
    administrators); everyone else gets a short page. The refusal itself was decided on
    the server before this ran; this only says why."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return render(request, "403.html", status=403)
    roles = sorted(user.groups.values_list("name", flat=True))
    askable = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ASK_ROLES)
        .exclude(pk=user.pk)
        .order_by("first_name", "last_name", "username")
        .distinct()[:10]
    )
    context = {
        "tried": f"{'open' if request.method in ('GET', 'HEAD') else 'send'} {request.path}",
        "roles": roles,
        "askable": [u.get_full_name() or u.get_username() for u in askable],
        "reason": str(exception) if exception and str(exception) else "",
    }
    response = _render(
        request, "accounts/permission_denied.html", "You can’t do that here", **context
    )
    response.status_code = 403
    return response
