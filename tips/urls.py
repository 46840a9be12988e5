"""The tip line's pages for sources. Every path under /tips/ is hardened by
tips.middleware.TipLineMiddleware; deploy/nginx.conf keeps no access log for them."""

from django.urls import path

from . import views

app_name = "tips"

urlpatterns = [
    path("tips/", views.index, name="index"),
    path("tips/return/", views.come_back, name="return"),
    path("tips/follow-up/", views.follow_up, name="follow_up"),
    path("tips/newsroom-key.asc", views.public_key, name="public_key"),
]
