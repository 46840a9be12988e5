from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from core.images import reclean
from media import media_library, renditions
from media.models import Image


class Command(BaseCommand):
    help = (
        "Give pictures stored before uploads were cleaned the same treatment as a new "
        "upload: metadata (EXIF, GPS, XMP, IPTC) removed, turned upright, colour profile "
        "kept, stored under a random name with new renditions, and article bodies pointed "
        "at them. The old original is deleted. Safe to run again: pictures that already "
        "have a random name are left alone. Reaches every model whose pictures have "
        "renditions (the media library's images, author photos: media.renditions.register)."
    )

    def handle(self, *args, **options):
        outcomes = {"cleaned": 0, "skipped": 0, "failed": 0}
        for pictures in renditions.registered():
            rows = pictures.with_files().iterator(chunk_size=100)
            for row in rows:
                field_file = getattr(row, pictures.file_field)
                label = f"{row._meta.verbose_name} #{row.pk} ({row})"
                outcome = self._clean(field_file, label)
                if outcome is None:
                    outcomes["skipped"] += 1
                elif outcome is False:
                    outcomes["failed"] += 1
                else:
                    outcomes["cleaned"] += 1
                    if isinstance(row, Image):
                        media_library.replace_in_bodies(row, outcome)
        cleaned = outcomes["cleaned"]
        self.stdout.write(
            f"Cleaned {cleaned} picture{'s' if cleaned != 1 else ''}, "
            f"{outcomes['skipped']} already clean, {outcomes['failed']} could not be read."
        )

    def _clean(self, field_file, label):
        """The old file name when cleaned, None when already clean, False on failure."""
        if not field_file:
            return None
        try:
            return reclean(field_file)
        except (ValidationError, OSError) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.stderr.write(f"{label} ({field_file.name}): {reason}")
            return False
