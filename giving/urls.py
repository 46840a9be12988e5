"""Include BEFORE support.urls: /supporter/ would otherwise be read as a page's slug."""

from django.urls import path

from . import supporter_views, views

app_name = "giving"

urlpatterns = [
    path("support/donate/", views.Donate.as_view(), name="donate"),
    path("support/donate/start/", views.start, name="start"),
    path("support/donate/complete/", views.complete, name="complete"),
    path("support/donate/thanks/", views.Thanks.as_view(), name="thanks"),
    path("support/stripe/webhook/", views.webhook, name="webhook"),
]

urlpatterns += [
    path("supporter/", supporter_views.supporter_page, name="supporter"),
    path("supporter/sign-in/", supporter_views.sign_in, name="sign_in"),
    path("supporter/sign-out/", supporter_views.sign_out, name="sign_out"),
    path("supporter/link/<str:token>/", supporter_views.sign_in_link, name="sign_in_link"),
    path("supporter/gift/<int:pk>/amount/", supporter_views.gift_change, name="gift_change"),
    path("supporter/gift/<int:pk>/cancel/", supporter_views.gift_cancel, name="gift_cancel"),
    path("supporter/card/", supporter_views.card_start, name="card_start"),
    path("supporter/card/saved/", supporter_views.card_done, name="card_done"),
    path("supporter/statement/<int:year>/", supporter_views.statement, name="statement"),
    path("supporter/delete/", supporter_views.delete_me, name="delete"),
]
