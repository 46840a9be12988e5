"""What every response under /tips/ gets, whatever view or error produced it: no cookie,
no caching, no referrer, a strict Content-Security-Policy, Onion-Location when the
publisher has an onion address; and uploads kept in memory, bounded in size.

Goes second in MIDDLEWARE, right after the page cache (which never keeps these pages:
they are not marked public), so that it sees the request before anything reads the body
and the response after every other middleware has set its headers."""

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

TIPS_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Every upload in memory, never in a temporary file: the middleware has already
    refused a body larger than TIPS_MAX_REQUEST_BYTES."""

    def handle_raw_input(self, *args, **kwargs):
        super().handle_raw_input(*args, **kwargs)
        self.activated = True


def too_large(request):
    limit = filesizeformat(settings.TIPS_MAX_REQUEST_BYTES).replace("\xa0", " ")
    return TemplateResponse(
        request,
        "tips/problem.html",
        {
            "heading": "Your files are too large",
            "problem": f"Everything you send at once must be under {limit}. Go back "
            "(your browser keeps what you typed), remove a file or make it smaller, and "
            "send again. You can send more files afterwards with your codename.",
        },
        status=413,
    )


class TipLineMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("tips:index")
        if not request.path.startswith(self.prefix):
            return self.get_response(request)
        request.upload_handlers = [InMemoryUploadHandler(request)]
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.TIPS_MAX_REQUEST_BYTES:
            response = too_large(request)
            response.render()
        else:
            response = self.get_response(request)
        return self.harden(response)

    def harden(self, response):
        response.cookies.clear()
        if "Set-Cookie" in response.headers:
            del response.headers["Set-Cookie"]
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        response["Referrer-Policy"] = "no-referrer"
        response["Content-Security-Policy"] = TIPS_CSP
        response.headers.pop("Reporting-Endpoints", None)
        if settings.TIPS_ONION_ADDRESS:
            response["Onion-Location"] = f"{settings.TIPS_ONION_ADDRESS.rstrip('/')}{self.prefix}"
        return response
