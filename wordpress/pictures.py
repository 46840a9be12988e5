"""The export's attachments: pictures imported into the media library in the importer's
first pass, then found again for the posts that show them."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from core.images import clean_image
from core.validators import validate_image_file
from media.models import Image

from . import fingerprints
from .convert import Skipped
from .fingerprints import IMAGE_FIELDS, EditGuard
from .media import Attachment, ImageRef, original_upload_path, uploads_path
from .report import Outcome, Report
from .text import plain_text, split_credit
from .writes import file_digest
from .wxr import WXRItem


class Pictures:
    def __init__(self, *, media_dir: Path | None, dry_run: bool, report: Report):
        self.media_dir = media_dir
        self.dry_run = dry_run
        self.report = report
        self.source = ""  # set once the export's header is read
        self.attachments: dict[str, Attachment] = {}
        self.children: dict[str, list[tuple[int, int, str]]] = {}
        self.by_path: dict[str, str] = {}
        self.images: dict[str, Image | None] = {}  # attachment id → Image (None: dry run)
        self.attachment_problems: dict[str, str] = {}
        self._refs: dict[str, ImageRef] = {}
        self.edits = EditGuard(report, overwrite=False, dry_run=dry_run)  # the importer's

    def children_ordered(self) -> dict[str, list[str]]:
        """Each post's own attachments in WordPress's order: menu order, then id."""
        return {
            parent: [aid for _, _, aid in sorted(entries)]
            for parent, entries in self.children.items()
        }

    def import_attachment(self, item: WXRItem) -> Outcome:
        """One attachment: remembered for the posts that show it, and, when it is a picture
        found in --media-dir, imported into the media library (found again by import key)."""
        url = item.attachment_url or item.guid
        caption, credit = split_credit(plain_text(item.excerpt))
        attachment = Attachment(
            post_id=item.post_id,
            url=url,
            title=plain_text(item.title),
            alt=plain_text(item.meta_value("_wp_attachment_image_alt"))[:300],
            caption=caption[:500],
            credit=credit[:200],
            parent=item.post_parent,
            menu_order=item.menu_order,
            page=item.link,
        )
        self.attachments[item.post_id] = attachment
        relative = uploads_path(url) or self._attached_file(item)
        if relative:
            self.by_path.setdefault(relative, item.post_id)
            self.by_path.setdefault(original_upload_path(relative), item.post_id)
        if not attachment.is_image:
            extension = Path(urlsplit(url).path).suffix.lower() or "no extension"
            raise Skipped(f"not an image ({extension})")
        if item.post_parent and item.post_parent != "0":
            key = (item.menu_order, int(item.post_id) if item.post_id.isdigit() else 0)
            self.children.setdefault(item.post_parent, []).append((*key, item.post_id))
        problem = self._media_problem(relative)
        if problem:
            self.attachment_problems[item.post_id] = problem
            self.report.add_missing(url, problem)
            raise Skipped("file missing or unusable")
        path = self.media_dir / relative
        values = {
            "alt_text": attachment.alt,
            "caption": attachment.caption,
            "credit": attachment.credit,
        }
        with path.open("rb") as fh:
            upload = File(fh, name=path.name)
            try:
                validate_image_file(upload)
            except ValidationError as exc:
                problem = "unusable: " + " ".join(exc.messages)
                self.attachment_problems[item.post_id] = problem
                self.report.add_missing(url, problem)
                raise Skipped("file missing or unusable") from exc
            image = Image.objects.filter(import_source=self.source, import_id=item.post_id).first()
            if image is None:
                if self.dry_run:
                    self.images[item.post_id] = None
                    return Outcome("created")
                image = Image(import_source=self.source, import_id=item.post_id, **values)
                upload.seek(0)
                image.file.save(path.name, upload, save=False)
                image.save()
                fingerprints.store(image, fingerprints.values(image, IMAGE_FIELDS))
                self.images[item.post_id] = image
                return Outcome("created")
            # Posts show the picture whatever happens to its fields below.
            self.images[item.post_id] = image
            same_file = self._same_file(image, fh)
            self._check_edits(image, values, same_file, item)
            changed = any(getattr(image, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(image, k, v)
            if not same_file and not self.dry_run:
                upload.seek(0)
                image.file.save(path.name, upload, save=False)
            if (changed or not same_file) and not self.dry_run:
                image.save()
            fingerprints.store(image, fingerprints.values(image, IMAGE_FIELDS))
            return Outcome("updated" if changed or not same_file else "unchanged")

    def _check_edits(self, image: Image, wanted: dict, same_file: bool, item: WXRItem):
        """Stops here (KeptEdited) when the picture's alt text, caption, credit or file was
        changed on this site since the import, unless --overwrite-edited."""
        current = fingerprints.values(image, IMAGE_FIELDS)
        wanted = {**current, **wanted}
        if not same_file:
            wanted["file"] = "(WordPress's file)"
        title = plain_text(item.title)
        label = f"attachment {item.post_id}" + (f" “{title}”" if title else "")
        self.edits.check(image, current, wanted, IMAGE_FIELDS, label)

    @staticmethod
    def _attached_file(item: WXRItem) -> str | None:
        value = item.meta_value("_wp_attached_file").strip("/")
        if not value or any(part in ("", ".", "..") for part in value.split("/")):
            return None
        return value

    def _media_problem(self, relative: str | None) -> str:
        if not relative:
            return "its address is not in a WordPress uploads folder"
        if self.media_dir is None:
            return "no --media-dir given"
        path = (self.media_dir / relative).resolve()
        if not path.is_relative_to(self.media_dir):
            return "its path leads outside the media directory"
        if not path.is_file():
            return f"not in the media directory (looked for {relative})"
        return ""

    @staticmethod
    def _same_file(image: Image, fh) -> bool:
        """Is the stored file what storing `fh` would store? Pictures are stored cleaned
        (core.images.clean_image, which gives the same bytes for the same file)."""
        try:
            with image.file.open("rb") as stored:
                stored_digest = file_digest(stored)
        except (FileNotFoundError, ValueError):
            return False
        try:
            cleaned, _format = clean_image(fh)
        except ValidationError:
            return False
        return stored_digest == file_digest(io.BytesIO(cleaned))

    # -- pictures inside content -----------------------------------------------------

    def _attachment_for(self, attachment_id: str | None, src: str) -> str | None:
        if attachment_id and attachment_id in self.images:
            return attachment_id
        relative = uploads_path(src)
        if relative:
            return self.by_path.get(relative) or self.by_path.get(original_upload_path(relative))
        return attachment_id if attachment_id in self.attachments else None

    def resolve_image(self, attachment_id: str | None, src: str) -> ImageRef | None:
        found = self._attachment_for(attachment_id, src)
        if found is None or found not in self.images:
            return None
        if found not in self._refs:
            image = self.images[found]
            if image is None:  # dry run: the picture would be imported
                attachment = self.attachments[found]
                self._refs[found] = ImageRef(attachment.url, "", None, None, attachment.alt)
            else:
                self._refs[found] = ImageRef(
                    src=image.src(1280),
                    srcset=image.srcset(),
                    width=image.width,
                    height=image.height,
                    alt=image.alt_text,
                )
        return self._refs[found]

    def missing_reason(self, attachment_id: str | None, src: str) -> tuple[str, str]:
        """(address to list, why it is missing) for a picture the content could not show."""
        found = self._attachment_for(attachment_id, src)
        if found is not None:
            address = self.attachments[found].url if found in self.attachments else src
            return address, self.attachment_problems.get(found, "the attachment was not imported")
        if not src:
            return f"attachment {attachment_id}", "not in the export"
        if uploads_path(src) is None:
            return src, "not in the WordPress uploads (a picture from another site)"
        return src, "no attachment in the export has this file"

    # -- posts -----------------------------------------------------------------------

    def lead_image(self, thumbnail: str, label: str):
        """A featured image's attachment id → (Image id or None, whether a dry run would add
        one, whether it is missing)."""
        if not thumbnail:
            return None, False, False
        if thumbnail in self.images:
            image = self.images[thumbnail]
            return (image.pk, False, False) if image is not None else (None, True, False)
        if thumbnail in self.attachments:
            address = self.attachments[thumbnail].url
            reason = self.attachment_problems.get(thumbnail, "the attachment was not imported")
        else:
            address, reason = f"attachment {thumbnail}", "featured image not in the export"
        self.report.add_missing(address, reason, f"{label} (featured image)")
        return None, False, True
