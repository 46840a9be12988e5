"""The newsroom's admin site: Django's own, with a dashboard of panels on the front page.

Apps add panels with `register_panel`; each panel is a function taking the request and
returning None (nothing to show this user) or a dict:

    {"title": "In review", "items": [(label, url, note), ...], "empty": "Nothing waiting.",
     "link": (label, url)}   # "link" is optional: e.g. "All articles in review"

Panel functions must run a fixed, small number of queries.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse

from .staff import is_verified_staff

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
        if request.path_info == reverse("admin:logout", current_app=self.name):
            return True
        return is_verified_staff(request.user)

    def get_urls(self):
        """Django's own, with "view on site" asking the object's admin first."""
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"]
        view = self.admin_view(self.view_on_site)
        return [path("r/<int:content_type_id>/<path:object_id>/", view, name="view_on_site")] + urls

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut to an object's page on the site, only for an object this user
        may view in the admin: its model's view (or change) permission, and the object among
        those the admin shows them (a contributor's own drafts). A model with no admin of its
        own (an inline's, such as a correction) needs its model's view or change permission."""
        # Imported here: this module is loaded with the app registry, before models.
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404("No such content type.") from None
        if model is None:
            raise Http404("No such content type.")
        model_admin = self._registry.get(model)
        if model_admin is None:
            opts = model._meta
            user = request.user
            if not any(
                user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
                for action in ("view", "change")
            ):
                raise PermissionDenied
            return shortcut(request, content_type_id, object_id)
        if not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("No such object.")
        return shortcut(request, content_type_id, object_id)

    def index(self, request, extra_context=None):
        panels = [panel for panel in (func(request) for func in _panels) if panel]
        return super().index(request, {"dashboard_panels": panels, **(extra_context or {})})


class NewsroomAdminConfig(AdminConfig):
    default_site = "core.admin_site.NewsroomAdminSite"
