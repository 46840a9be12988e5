"""The framework's floor for bench/pages_bench.py: a bare Django 5.2 view ("ok"), no
database, no middleware, no templates. Served by gunicorn exactly like the site."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-only",  # noqa: S106 (serves one constant page on 127.0.0.1)
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("", floor)]
application = get_wsgi_application()
