import logging
import re

from csp.constants import SELF
from django.conf import settings
from django.urls import reverse

from .views import bad_request_page

logger = logging.getLogger(__name__)


class AdminCSPMiddleware:
    """Widen the Content-Security-Policy for the admin only, by exactly what CKEditor 5
    needs: data: images (upload placeholders) and inline style attributes (resize handles,
    image aspect ratios). Reader pages keep the strict site-wide policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        response = self.get_response(request)
        if request.path_info.startswith(self.prefix):
            response._csp_update = {
                "img-src": [SELF, "data:"],
                "style-src-attr": ["'unsafe-inline'"],
            }
        return response


# C0 controls, DEL and C1 controls. Form fields and query values may hold tabs and line
# breaks (a textarea sends \r\n); a path may hold none of these.
_CONTROL = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))
_PATH_CONTROL = re.compile(f"[{re.escape(_CONTROL)}]")
_TEXT_CONTROL = re.compile(f"[{re.escape(_CONTROL.translate({9: None, 10: None, 13: None}))}]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectControlCharactersMiddleware:
    """Answer 400 to a request with a NUL byte or another control character in its path,
    its query string or a form field, before any view, middleware or database sees it
    (PostgreSQL refuses NUL in text, which would otherwise be a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            logger.info("Refused a request with %s: %r", problem, request.get_full_path()[:200])
            return bad_request_page("control")
        return self.get_response(request)

    def problem(self, request):
        if _PATH_CONTROL.search(request.path):
            return "a control character in the path"
        if _has_control(request.GET):
            return "a control character in the query string"
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            # A body too large or malformed raises here, and Django answers 400 as it would
            # from the CSRF check that reads it next.
            if _has_control(request.POST):
                return "a control character in a form field"
            if any(_PATH_CONTROL.search(f.name or "") for f in request.FILES.values()):
                return "a control character in a file name"
        return ""


def _has_control(querydict):
    return any(
        _TEXT_CONTROL.search(key) or any(_TEXT_CONTROL.search(value) for value in values)
        for key, values in querydict.lists()
    )


class CrossOriginResourcePolicyMiddleware:
    """`Cross-Origin-Resource-Policy: same-origin` on every page and error the site
    answers (no other site may load them as a script, image or frame source); static files
    keep WhiteNoise's headers, and media are served by nginx with their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(settings.STATIC_URL):
            response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class ReportingEndpointsMiddleware:
    """Tell browsers where the endpoint named by the CSP's report-to directive is: the
    view that logs Content-Security-Policy violations (core.views.csp_report)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = None

    def __call__(self, request):
        if self.header is None:
            directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
            self.header = f'{directives["report-to"]}="{reverse("csp_report")}"'
        response = self.get_response(request)
        response.setdefault("Reporting-Endpoints", self.header)
        return response
