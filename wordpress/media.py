"""WordPress media: where an address points inside the uploads folder, and what the content
conversion knows about the export's attachments and the pictures imported from them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_UPLOADS_RES = (
    re.compile(r"/wp-content/uploads/(?:sites/\d+/)?(?P<path>.+)$"),
    re.compile(r"^https?://[^/]+\.files\.wordpress\.com/(?P<path>.+)$"),
    re.compile(r"/(?:wp-content/blogs\.dir/\d+/)?files/(?P<path>\d{4}/\d{2}/.+)$"),
)
_SIZE_SUFFIX_RE = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp")


def uploads_path(url: str) -> str | None:
    """The path inside wp-content/uploads that a WordPress media address points at,
    e.g. 'https://example.files.wordpress.com/2013/09/x.jpg?w=604' → '2013/09/x.jpg'.
    None for anything outside the uploads folder, or a path that tries to climb out."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    address = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else parts.path
    for pattern in _UPLOADS_RES:
        match = pattern.search(address)
        if match:
            path = unquote(match.group("path")).strip("/")
            if not path or any(part in ("", ".", "..") for part in path.split("/")):
                return None
            return path
    return None


def original_upload_path(path: str) -> str:
    """'2013/03/photo-300x200.jpg' → '2013/03/photo.jpg' (WordPress's resized copies)."""
    return _SIZE_SUFFIX_RE.sub("", path)


def is_image_path(path: str) -> bool:
    return path.lower().endswith(IMAGE_EXTENSIONS)


@dataclass
class Attachment:
    """What the content conversion needs to know about one attachment of the export."""

    post_id: str
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    parent: str = ""
    menu_order: int = 0
    page: str = ""  # the attachment page's address (<link>), which picture links may use

    @property
    def is_image(self) -> bool:
        return is_image_path(urlsplit(self.url).path)


@dataclass(frozen=True)
class ImageRef:
    """An imported picture as an <img> needs it."""

    src: str
    srcset: str
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class MissingImage:
    """A picture the content shows that could not be matched to an imported one."""

    src: str
    attachment_id: str | None = None


# resolve_image(attachment_id or None, src) → ImageRef, or None when not imported.
ImageResolver = Callable[[str | None, str], ImageRef | None]


def page_key(url: str) -> str:
    """An attachment page's address as picture links are compared with it."""
    parts = urlsplit(url.strip())
    return unquote(parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")


def attachment_page_keys(attachments) -> frozenset[str]:
    """The attachment pages' addresses, as `convert_content(attachment_pages=…)` takes them
    (worth computing once for a whole import rather than for every post)."""
    return frozenset(page_key(a.page) for a in attachments if a.page)
