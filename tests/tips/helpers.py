"""Shared helpers for the tip line's tests (imported by tests/tips modules and e2e)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from tips.guard import form_token


def tip_data(message, files=(), **extra):
    return {"message": message, "rendered": form_token(), "attachments": list(files), **extra}


def jpeg_with_gps(marker="MarkerCam"):
    """A small JPEG whose EXIF names a camera (`marker`) and a GPS position."""
    image = Image.new("RGB", (32, 24), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = marker  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def database_contains(needle):
    """Whether any row of any table holds `needle` (str), as text or as bytes."""
    raw = needle.encode()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalogue)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        if raw in bytes(value):
                            return True
                    elif needle in str(value):
                        return True
    return False
