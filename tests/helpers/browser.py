"""What the browser tests (tests/e2e/) share beyond their conftest's fixtures."""

import mimetypes
from pathlib import Path

from django.conf import settings


def serve_media_from_disk(page):
    """The test server does not serve uploads (DEBUG is off): answer /media/ from disk."""
    root = Path(settings.MEDIA_ROOT)

    def handle(route):
        relative = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
        path = (root / relative).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            route.fulfill(status=404)
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})

    page.route(f"**{settings.MEDIA_URL}**", handle)
