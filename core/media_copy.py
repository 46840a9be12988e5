"""Copying a local media folder into the S3 bucket (`manage.py copy_media_to_storage`).

Idempotent: the bucket is listed once, and a file whose object already has the same size
and ETag (the MD5 of its bytes, or of its parts for a multipart upload) is skipped, so the
command can run again after an interruption, or once more just before the switch to catch
the last uploads. Each object is written with what a save through the site would give it
(core.storage.MediaStorage: content type, Cache-Control, ACL), in one part, so its ETag is
its MD5 next time.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import storages

from .storage import MediaStorage, bucket_objects, put_object, s3_etag


class CopyRefused(Exception):
    """The copy cannot start; the message says why and what to do."""


@dataclass
class CopyReport:
    copied: int = 0  # not in the bucket before
    replaced: int = 0  # in the bucket with other bytes
    skipped: int = 0  # already there, same size and checksum
    bytes_copied: int = 0
    names: list = field(default_factory=list, repr=False)  # copied and replaced

    def summary(self):
        return (
            f"Copied {self.copied} files, replaced {self.replaced} that differed "
            f"({self.bytes_copied:,} bytes), skipped {self.skipped} already in the bucket."
        )


def _local_files(root):
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            yield path.relative_to(root).as_posix(), path


def copy_media(source, storage=None, dry_run=False, progress=None):
    """Copy every file under `source` into `storage` (the site's media storage) under the
    same relative name. Returns a CopyReport; `progress(name, action)` hears of each file."""
    storage = storage or storages["default"]
    if not isinstance(storage, MediaStorage):
        raise CopyRefused(
            "The site's media storage is the local folder. Set MEDIA_STORAGE=s3 and the S3_ "
            "variables (docs/deploying.md) for the bucket to copy into, then run this again."
        )
    source = Path(source)
    if not source.is_dir():
        raise CopyRefused(f"{source} is not a folder: pass --source with the media folder.")
    listing = {
        entry["Name"]: (entry["Size"], entry["ETag"].strip('"'))
        for entry in bucket_objects(storage)
    }
    report = CopyReport()
    for name, path in _local_files(source):
        size = path.stat().st_size
        there = listing.get(name)
        if there is not None and there[0] == size and there[1] in s3_etag(path):
            report.skipped += 1
            if progress:
                progress(name, "skipped")
            continue
        action = "copied" if there is None else "replaced"
        if not dry_run:
            with path.open("rb") as body:
                put_object(storage, name, body)
        setattr(report, action, getattr(report, action) + 1)
        report.bytes_copied += size
        report.names.append(name)
        if progress:
            progress(name, action)
    return report
