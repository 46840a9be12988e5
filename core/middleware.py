from csp.constants import SELF
from django.urls import reverse


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
        if request.path.startswith(self.prefix):
            response._csp_update = {
                "img-src": [SELF, "data:"],
                "style-src-attr": ["'unsafe-inline'"],
            }
        return response
