from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPage.as_view(), name="front"),
    path(
        "<int:year>/<str:month>/<str:day>/<slug:slug>/",
        views.ArticleDetail.as_view(),
        name="detail",
    ),
    path("draft/<int:pk>/", views.DraftDetail.as_view(), name="draft"),
    path("section/<slug:slug>/", views.SectionArticles.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagArticles.as_view(), name="tag"),
    path("admin-upload/image/", views.editor_image_upload, name="editor_image_upload"),
]
