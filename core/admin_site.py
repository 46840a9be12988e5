"""The newsroom's admin site: Django's own, with a dashboard of panels on the front page.

Apps add panels with `register_panel`; each panel is a function taking the request and
returning None (nothing to show this user) or a dict:

    {"title": "In review", "items": [(label, url, note), ...], "empty": "Nothing waiting.",
     "link": (label, url)}   # "link" is optional: e.g. "All articles in review"

Panel functions must run a fixed, small number of queries.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse

_panels = []


def register_panel(func):
    """Decorator: add a dashboard panel (see the module docstring). Order is registration order."""
    if func not in _panels:
        _panels.append(func)
    return func


# Apps from other packages, named as the newsroom knows them.
APP_NAMES = {"taggit": "Tags"}


class NewsroomAdminSite(admin.AdminSite):
    def _build_app_dict(self, request, label=None):
        """Django's list of apps (the sidebar, the front page, an app's page), with the
        names in APP_NAMES: "Tags", not "Taggit"."""
        found = super()._build_app_dict(request, label)
        for app_label, app in found.items():
            if app_label in APP_NAMES:
                app["name"] = APP_NAMES[app_label]
        return found

    def has_permission(self, request):
        """Staff, and, with STAFF_2FA_REQUIRED on, signed in with a second factor too
        (django-otp's `is_verified`); signing out needs only the password."""
        if not super().has_permission(request):
            return False
        if not getattr(settings, "STAFF_2FA_REQUIRED", False):
            return True
        if request.path == reverse("admin:logout", current_app=self.name):
            return True
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())

    def index(self, request, extra_context=None):
        panels = [panel for panel in (func(request) for func in _panels) if panel]
        return super().index(request, {"dashboard_panels": panels, **(extra_context or {})})


class NewsroomAdminConfig(AdminConfig):
    default_site = "core.admin_site.NewsroomAdminSite"
