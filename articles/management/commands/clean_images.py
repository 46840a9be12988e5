from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from articles import media_library
from articles.models import Image
from authors.models import Author
from core.images import reclean


class Command(BaseCommand):
    help = (
        "Give pictures stored before uploads were cleaned the same treatment as a new "
        "upload: metadata (EXIF, GPS, XMP, IPTC) removed, turned upright, colour profile "
        "kept, stored under a random name with new renditions, and article bodies pointed "
        "at them. The old original is deleted. Safe to run again: pictures that already "
        "have a random name are left alone."
    )

    def handle(self, *args, **options):
        cleaned = skipped = failed = 0
        for image in Image.objects.order_by("pk").iterator(chunk_size=100):
            outcome = self._clean(image.file, f"image #{image.pk}")
            if outcome is None:
                skipped += 1
            elif outcome is False:
                failed += 1
            else:
                cleaned += 1
                media_library.replace_in_bodies(image, outcome)
        for author in Author.objects.exclude(photo="").order_by("pk").iterator(chunk_size=100):
            outcome = self._clean(author.photo, f"photo of {author}")
            if outcome is None:
                skipped += 1
            elif outcome is False:
                failed += 1
            else:
                cleaned += 1
        self.stdout.write(
            f"Cleaned {cleaned} picture{'s' if cleaned != 1 else ''}, "
            f"{skipped} already clean, {failed} could not be read."
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
