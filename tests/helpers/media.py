"""Uploads in the browser tests: the test server does not serve /media/ (DEBUG is off), so
Chromium gets them from disk through a Playwright route."""

import mimetypes
from pathlib import Path

from django.conf import settings


def serve_media_from_disk(page):
    """Answer every request for a path under MEDIA_URL, on any host, from MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()

    def handle(route):
        relative = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            route.fulfill(status=404)
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})

    page.route(f"**{settings.MEDIA_URL}**", handle)
