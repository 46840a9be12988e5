"""Upload validation for images: a real, decodable picture of a known format and sane size.

The decoding checks are core.images.clean_image's, the same code that cleans a picture
before it is stored, so a form refuses exactly what storing would refuse, with its message.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from .images import ALLOWED_FORMATS, clean_image

__all__ = ["ALLOWED_FORMATS", "validate_image_file"]


def validate_image_file(upload):
    """Refuse anything that is not a JPEG, PNG, WebP or GIF that Pillow can fully decode,
    is over the byte limit, or has more pixels than the limit (decompression bombs)."""
    max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(max)s.",
            code="too_large",
            params={"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
        )
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".svg", ".svgz")):
        raise ValidationError(
            "SVG files are not accepted (they can carry scripts). Upload a JPEG, PNG, WebP or GIF.",
            code="svg",
        )
    clean_image(upload)
