"""The "Audience" entry of the admin: read-only screens, no rows to add or change."""

from django.contrib import admin
from django.urls import path

from . import admin_views
from .models import ArticleHour


@admin.register(ArticleHour)
class AudienceAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return admin_views.allowed(request)

    def has_view_permission(self, request, obj=None):
        return admin_views.allowed(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(admin_views.overview(self)), name="stats_articlehour_changelist"),
            path("now/", view(admin_views.now(self)), name="stats_now"),
            path("article/<int:pk>/", view(admin_views.article(self)), name="stats_article"),
        ]
