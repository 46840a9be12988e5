"""Include BEFORE articles.urls in the project's URLs."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("feedback/report/", views.ReportError.as_view(), name="report"),
    path("feedback/thanks/", views.Thanks.as_view(), name="thanks"),
    path("corrections/", views.CorrectionList.as_view(), name="corrections"),
]
