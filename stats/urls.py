from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [path("stats/hit", views.hit, name="hit")]
