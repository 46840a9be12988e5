"""The newsroom's admin site: Django's own, with a dashboard of panels on the front page.

Apps add panels with `register_panel`; each panel is a function taking the request and
returning None (nothing to show this user) or a dict:

    {"title": "In review", "items": [(label, url, note), ...], "empty": "Nothing waiting.",
     "link": (label, url)}   # "link" is optional: e.g. "All articles in review"

Panel functions must run a fixed, small number of queries.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse

from .staff import is_verified_staff

_panels = []


def register_panel(func):
    """Decorator: add a dashboard panel (see the module docstring). Order is registration order."""
    if func not in _panels:
        _panels.append(func)
    return func


class NewsroomAdminSite(admin.AdminSite):
    def has_permission(self, request):
        """Staff, and, with STAFF_2FA_REQUIRED on, signed in with a second factor too
        (django-otp's `is_verified`); signing out needs only the password."""
        if not super().has_permission(request):
            return False
        if request.path_info == reverse("admin:logout", current_app=self.name):
            return True
        return is_verified_staff(request.user)

    def index(self, request, extra_context=None):
        panels = [panel for panel in (func(request) for func in _panels) if panel]
        return super().index(request, {"dashboard_panels": panels, **(extra_context or {})})


class NewsroomAdminConfig(AdminConfig):
    default_site = "core.admin_site.NewsroomAdminSite"
