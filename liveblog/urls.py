from django.urls import path

from core.caching import polled, public_page

from . import feeds, views

app_name = "liveblog"

urlpatterns = [
    path("live/<int:pk>/updates.json", polled(views.poll), name="poll"),
    path("live/<int:pk>/older/", views.OlderUpdates.as_view(), name="older"),
    path("live/<int:pk>/updates/<int:update_id>/", views.UpdatePage.as_view(), name="update"),
    path("live/<int:pk>/feed/", public_page(feeds.LiveUpdates()), name="feed"),
]
