from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.Signup.as_view(), name="signup"),
    path("newsletter/check-your-inbox/", views.CheckInbox.as_view(), name="check_inbox"),
    path("newsletter/confirm/<str:signed>/", views.Confirm.as_view(), name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.Unsubscribe.as_view(), name="unsubscribe"),
    path("newsletter/archive/", views.Archive.as_view(), name="archive"),
    path("newsletter/archive/<int:pk>/", views.EditionDetail.as_view(), name="edition"),
    path("newsletter/c/<str:signed>/", views.Click.as_view(), name="click"),
]
