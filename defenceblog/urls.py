from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core import views
from core.media import serve_media

from . import sitemaps

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Newsroom"
admin.site.site_url = "/"

urlpatterns = [
    path("admin/two-factor/", include("accounts.urls")),  # before the admin's own routes
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp_report"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("news-sitemap.xml", sitemaps.news, name="news_sitemap"),
    path("", include("authors.urls")),
    path("", include("newsletter.urls")),  # before support: /newsletter/
    path("", include("feedback.urls")),  # before articles: /corrections/, /feedback/
    path("", include("liveblog.urls")),  # /live/<id>/...
    path("", include("planning.urls")),  # /planning/calendar/<token>.ics
    path("", include("giving.urls")),  # /support/donate/, /supporter/: before support
    path("", include("tips.urls")),  # /tips/: the secure tip line
    path("", include("stats.urls")),  # /stats/hit, the audience beacon
    path("", include("search.urls")),  # /search/
    path("", include("articles.urls")),
]

# Keep this LAST: /support/ and the site's own pages at /<slug>/ (about, contact, ...).
# Any route added after it would be shadowed by /<slug>/.
urlpatterns += [path("", include("support.urls"))]

handler400 = "core.views.bad_request"
handler403 = "accounts.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.DEBUG and settings.MEDIA_STORAGE == "local":
    # Never run as a page: nosniff and a sandboxing CSP on every file (core/media.py).
    urlpatterns += static(settings.MEDIA_URL, view=serve_media, document_root=settings.MEDIA_ROOT)
