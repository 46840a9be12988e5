from django.urls import path

from core.caching import public_page

from . import changes, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPage.as_view(), name="front"),
    path(
        "<int:year>/<str:month>/<str:day>/<slug:slug>/",
        views.ArticleDetail.as_view(),
        name="detail",
    ),
    path(
        "<int:year>/<str:month>/<str:day>/<slug:slug>/changes/<int:revision>/",
        changes.CorrectionChanges.as_view(),
        name="correction_changes",
    ),
    path("draft/<int:pk>/", views.DraftDetail.as_view(), name="draft"),
    path("preview/<str:token>/", views.SharedPreview.as_view(), name="preview"),
    path("section/<slug:slug>/", views.SectionArticles.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagArticles.as_view(), name="tag"),
    # Feeds: RSS 2.0, and Atom at .../feed/atom/. The author feed lives here because the
    # authors app does not know about articles.
    path("feed/", public_page(feeds.LatestArticles()), name="feed"),
    path("feed/atom/", public_page(feeds.LatestArticlesAtom()), name="feed_atom"),
    path("section/<slug:slug>/feed/", public_page(feeds.SectionArticles()), name="section_feed"),
    path(
        "section/<slug:slug>/feed/atom/",
        public_page(feeds.SectionArticlesAtom()),
        name="section_feed_atom",
    ),
    path("tag/<slug:slug>/feed/", public_page(feeds.TagArticles()), name="tag_feed"),
    path("tag/<slug:slug>/feed/atom/", public_page(feeds.TagArticlesAtom()), name="tag_feed_atom"),
    path("author/<slug:slug>/feed/", public_page(feeds.AuthorArticles()), name="author_feed"),
    path(
        "author/<slug:slug>/feed/atom/",
        public_page(feeds.AuthorArticlesAtom()),
        name="author_feed_atom",
    ),
    path("corrections/feed/", public_page(feeds.Corrections()), name="corrections_feed"),
    path(
        "corrections/feed/atom/",
        public_page(feeds.CorrectionsAtom()),
        name="corrections_feed_atom",
    ),
    path("admin-upload/image/", views.editor_image_upload, name="editor_image_upload"),
]
