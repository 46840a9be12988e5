from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor


class StaffTwoFactorMiddleware:
    """With STAFF_2FA_REQUIRED on, a staff member signed in with a password alone reaches
    nothing but the code page (or enrolment, when they have no authenticator yet) and
    sign-out. Goes after django_otp.middleware.OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no signed-in user: readers' requests never load a session.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        if signed_in and two_factor.required_for(request.user):
            target = self.redirect_target(request)
            if target:
                next_url = request.get_full_path() if request.method == "GET" else ""
                query = "?" + urlencode({"next": next_url}) if next_url else ""
                return HttpResponseRedirect(reverse(target) + query)
        return self.get_response(request)

    def redirect_target(self, request):
        path = request.path_info  # never the client's SCRIPT_NAME
        exempt = (reverse("two_factor:index"), settings.STATIC_URL, reverse("healthz"))
        if path.startswith(exempt) or path == reverse("admin:logout"):
            return None
        if request.method == "POST" and path == reverse("admin:login"):
            return None  # signing in as someone else
        user = request.user
        if not user.is_verified():
            return "two_factor:verify" if two_factor.has_any_device(user) else "two_factor:enrol"
        if isinstance(user.otp_device, TOTPDevice) or two_factor.has_authenticator(user):
            return None
        return "two_factor:enrol"  # signed in with a backup code after a reset
