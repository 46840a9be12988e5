from django.urls import path

from . import views

app_name = "authors"

urlpatterns = [
    path("authors/", views.AuthorList.as_view(), name="list"),
    path("author/<slug:slug>/", views.AuthorDetail.as_view(), name="detail"),
]
