"""Upload validation for images: a real, decodable picture of a known format and sane size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}


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
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with PILImage.open(upload) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    "This is a %(fmt)s image; upload a JPEG, PNG, WebP or GIF.",
                    code="format",
                    params={"fmt": fmt or "unknown"},
                )
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "This image is %(w)s × %(h)s pixels; images may have at most %(max)s "
                    "million pixels.",
                    code="too_many_pixels",
                    params={"w": width, "h": height, "max": settings.MAX_IMAGE_PIXELS // 1_000_000},
                )
        upload.seek(0)
        with PILImage.open(upload) as img:
            img.load()  # decode every byte: truncated or corrupt files fail here
    except ValidationError:
        raise
    except PILImage.DecompressionBombError as exc:
        raise ValidationError("This image is too large to process safely.", code="bomb") from exc
    except Exception as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
            code="invalid_image",
        ) from exc
    finally:
        if position is not None:
            upload.seek(0)
