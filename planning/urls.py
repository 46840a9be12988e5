from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("planning/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
