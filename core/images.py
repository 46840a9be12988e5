"""Every uploaded picture is cleaned before it is stored, and stored under a name nobody
can guess.

Cleaning (`clean_image`): the picture is decoded in full (a corrupt file, a decompression
bomb or anything but a JPEG, PNG, WebP or GIF is refused with a ValidationError that says
why), turned upright from its EXIF orientation, and encoded again in its own format with
only its ICC colour profile. EXIF (camera, serial number, GPS position), XMP, IPTC, text
chunks and comments are left behind, and so is anything appended to the file (a PNG that
is also a ZIP stops being a ZIP).

Where: `CleanImageField` is a model ImageField whose file cleans on every store, so each
path that stores a picture (the admin's forms, the editor's upload view, the WordPress
importer calling ``field_file.save()``, a management command) goes through it.

Names: originals are stored as ``<folder>/<32 random hex>.<ext>`` (`RandomName`), and
renditions are named from a keyed HMAC of the original's name (`rendition_name`,
settings.IMAGEKIT_SPEC_CACHEFILE_NAMER), so the rendition addresses on public pages do not
lead to the original. The key is settings.MEDIA_NAME_KEY (SECRET_KEY unless set): changing
it renames every rendition, so it must stay as it is once pictures are published.
"""

import io
import os
import re
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.deconstruct import deconstructible
from imagekit.cachefiles.namers import suggest_extension
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

# Pillow format → the extension the cleaned file is stored with.
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# Frame timing and transparency are picture data, not metadata: kept for GIF/WebP/APNG.
_KEPT_INFO = ("transparency", "duration", "loop", "background", "disposal")
RANDOM_STEM = re.compile(r"^[0-9a-f]{32}$")


def _too_many_pixels(width, height, frames=1):
    return width * height * frames > settings.MAX_IMAGE_PIXELS


def _pixels_error(width, height):
    return ValidationError(
        "This image is %(w)s × %(h)s pixels; images may have at most %(max)s million pixels.",
        code="too_many_pixels",
        params={"w": width, "h": height, "max": settings.MAX_IMAGE_PIXELS // 1_000_000},
    )


def _encode(img, fmt, frames, kept):
    out = io.BytesIO()
    options = {k: v for k, v in kept.items() if v is not None}
    if frames > 1:
        options["save_all"] = True
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY)
    elif fmt == "WEBP":
        options.update(quality=WEBP_QUALITY)
    img.save(out, fmt, **options)
    return out.getvalue()


def clean_image(source):
    """(bytes, Pillow format) of `source` (a file-like object, read from its start) decoded,
    turned upright, and encoded again without metadata but with its colour profile.
    Raises ValidationError with a reader-facing message for anything it will not store."""
    try:
        source.seek(0)
        with PILImage.open(source) as img:
            fmt = img.format
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    "This is a %(fmt)s image; upload a JPEG, PNG, WebP or GIF.",
                    code="format",
                    params={"fmt": fmt or "unknown"},
                )
            width, height = img.size
            frames = getattr(img, "n_frames", 1)
            if _too_many_pixels(width, height):
                raise _pixels_error(width, height)
            if _too_many_pixels(width, height, frames):
                raise ValidationError(
                    "This animation has %(frames)s frames of %(w)s × %(h)s pixels; that is "
                    "more than %(max)s million pixels in all.",
                    code="too_many_pixels",
                    params={
                        "frames": frames,
                        "w": width,
                        "h": height,
                        "max": settings.MAX_IMAGE_PIXELS // 1_000_000,
                    },
                )
            img.load()  # decode every byte: truncated or corrupt files fail here
            icc = img.info.get("icc_profile")
            kept = {k: img.info.get(k) for k in _KEPT_INFO if k in img.info}
            if fmt == "JPEG":
                kept = {}
            if icc:
                kept["icc_profile"] = icc
            if frames > 1:
                clean = img  # every frame is re-encoded; orientation applies to stills
            else:
                clean = ImageOps.exif_transpose(img)
            clean.info = {}
            data = _encode(clean, fmt, frames, kept)
    except ValidationError:
        raise
    except PILImage.DecompressionBombError as exc:
        raise ValidationError(
            "This image is too large to process safely: images may have at most %(max)s "
            "million pixels.",
            code="bomb",
            params={"max": settings.MAX_IMAGE_PIXELS // 1_000_000},
        ) from exc
    except Exception as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
            code="invalid_image",
        ) from exc
    finally:
        source.seek(0)
    return data, fmt


class ToSRGB:
    """django-imagekit processor, first in every rendition spec: a picture with an ICC
    profile is converted to sRGB, so renditions (saved without a profile) keep its colours."""

    def process(self, img):
        icc = img.info.get("icc_profile")
        if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
            return img
        try:
            return ImageCms.profileToProfile(
                img,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if img.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            return img


# --- Names -------------------------------------------------------------------------------


@deconstructible
class RandomName:
    """upload_to: ``<folder, strftime-formatted>/<32 random hex><extension>``."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = PurePosixPath(filename).suffix.lower()
        folder = timezone.now().strftime(self.folder).strip("/")
        return f"{folder}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


def is_random_name(name):
    """True for a file stored under a RandomName (so already cleaned and renamed)."""
    return bool(name) and bool(RANDOM_STEM.match(PurePosixPath(name).stem))


def rendition_stem(name):
    """The file-name stem every rendition of the original `name` shares: a keyed HMAC, so
    it cannot be turned back into `name`."""
    digest = salted_hmac("core.images.rendition", name, secret=settings.MEDIA_NAME_KEY)
    return digest.hexdigest()[:32]


def rendition_folder_stem(name):
    """images/2026/11/<token>.jpg → images/2026/11/<rendition stem>."""
    folder = os.path.dirname(name)
    return f"{folder}/{rendition_stem(name)}" if folder else rendition_stem(name)


def rendition_name(generator):
    """django-imagekit namer: renditions/<original's folder>/<HMAC stem>.<spec hash><ext>."""
    source = getattr(generator.source, "name", None) or ""
    extension = suggest_extension(source, generator.format)
    return os.path.normpath(
        os.path.join(
            settings.IMAGEKIT_CACHEFILE_DIR,
            f"{rendition_folder_stem(source)}.{generator.get_hash()[:12]}{extension}",
        )
    )


# --- The model field -----------------------------------------------------------------------


class CleanImageFieldFile(models.fields.files.ImageFieldFile):
    def save(self, name, content, save=True):
        data, fmt = clean_image(content)
        name = f"image{EXTENSIONS[fmt]}"
        # Named, so the dimension fields are read from the cleaned (upright) picture.
        super().save(name, ContentFile(data, name=name), save)

    save.alters_data = True


class CleanImageField(models.ImageField):
    """An ImageField whose files are cleaned (clean_image) and stored under a random name
    in `folder` (strftime codes allowed) whenever a new file is stored."""

    attr_class = CleanImageFieldFile

    def __init__(self, *args, folder="images/%Y/%m/", **kwargs):
        kwargs.setdefault("upload_to", RandomName(folder))
        super().__init__(*args, **kwargs)


def reclean(field_file):
    """Clean and rename a file stored before cleaning existed. Returns the old name, or
    None when the file already has a random name (nothing to do). Saves only the file and
    its dimension fields; the old original is deleted, so its metadata is gone."""
    if not field_file or is_random_name(field_file.name):
        return None
    old_name = field_file.name
    instance, field = field_file.instance, field_file.field
    with field_file.storage.open(old_name, "rb") as stored:
        field_file.save(old_name, stored, save=False)
    fields = [field.attname, field.width_field, field.height_field]
    instance.save(update_fields=[f for f in fields if f])
    field_file.storage.delete(old_name)
    return old_name


# --- Renditions, made in a background task --------------------------------------------------


class OnTask:
    """django-imagekit cache file strategy: nothing happens when the source is saved (the
    model enqueues a task that calls `make_renditions` once the save has committed), and
    page views never ask the storage whether a rendition exists. Only code that reads a
    rendition's bytes makes it there and then."""

    def on_source_saved(self, file):
        pass

    def should_verify_existence(self, file):
        return False

    def on_content_required(self, file):
        file.generate()


def make_renditions(files):
    """Generate each of `files` (imagekit cache files) that is not in storage yet, and
    return their storage names in the same shape ({key: file} → {key: name}). Safe to run
    again: a rendition already stored is not made twice. Raises what generating raised."""
    for file in files.values():
        file.generate()
    return {key: file.name for key, file in files.items()}
