"""The beacon before any other middleware: /stats/hit sets no cookie, reads no session,
user or CSRF token and is never cached, so it skips them all (the cheapest request the
site serves). First in settings.MIDDLEWARE, ahead of the page cache."""

from . import views

PATH = "/stats/hit"


class BeaconMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method == "POST":
            return views.hit(request)
        return self.get_response(request)
