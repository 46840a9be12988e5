from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Newsroom"
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("authors.urls")),
    path("", include("articles.urls")),
]

handler404 = "defenceblog.views.page_not_found"
handler500 = "defenceblog.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
