"""A tip as one encrypted bundle: a tar archive, built in memory, of message.txt,
contact.txt (when given) and the attachments, encrypted to the newsroom (tips.pgp).

Pictures lose their metadata (camera, GPS position, time) before encryption, unless the
source asks to keep the original: Pillow decodes the pixels and writes them again without
EXIF, XMP or comments. A file Pillow cannot read is kept as it was."""

import io
import tarfile
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from . import pgp

STRIPPED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class Bundle:
    message: str
    contact: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def strip_metadata(data):
    """The picture's pixels without its metadata; the data unchanged when it is not a
    picture Pillow knows."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in STRIPPED_FORMATS:
                return data
            image.load()
            # A new image from the pixels alone: nothing of the original's info travels.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P":
                clean.putpalette(image.getpalette())
            out = io.BytesIO()
            save = {"format": kind}
            if kind == "JPEG":
                save["quality"] = 95
            clean.save(out, **save)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return data


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0  # no time kept, even inside the bundle
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def safe_name(index, name):
    base = "".join(ch for ch in name if ch.isalnum() or ch in "._- ").strip(". ") or "file"
    return f"{index:02d}-{base[:80]}"


def tar_bytes(bundle):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        _add(archive, "message.txt", bundle.message.encode())
        if bundle.contact:
            _add(archive, "contact.txt", bundle.contact.encode())
        for index, attachment in enumerate(bundle.attachments, start=1):
            _add(archive, f"attachments/{safe_name(index, attachment.name)}", attachment.data)
    return out.getvalue()


def encrypt(bundle):
    return pgp.encrypt(tar_bytes(bundle))
