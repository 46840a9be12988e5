"""Include LAST in the project's URLs: the site's own pages live at /<slug>/, which must
never shadow another route. The /support/ routes come first."""

from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("support/", views.SupportIndex.as_view(), name="index"),
    path("support/go/<slug:slug>/", views.go, name="go"),
    path("support/thanks/", views.SupportThanks.as_view(), name="thanks"),
    path("<slug:slug>/", views.PageDetail.as_view(), name="page"),
]
