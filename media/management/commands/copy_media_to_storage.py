from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import pagecache
from core.media_copy import CopyRefused, copy_media
from media.media_library import rebase_media_urls


class Command(BaseCommand):
    help = (
        "Copy the local media folder (MEDIA_ROOT, or --source) into the S3 bucket the site "
        "is configured for (MEDIA_STORAGE=s3), under the same names, each object with the "
        "site's Cache-Control and ACL. Safe to run again: files already in the bucket with "
        "the same size and checksum are skipped. Then points article bodies' pictures at "
        "the bucket's public address (MEDIA_URL) instead of the old /media/ one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", default=None, help="The media folder to copy (default: MEDIA_ROOT)."
        )
        parser.add_argument(
            "--old-media-url",
            action="append",
            default=None,
            help="The address article bodies used for media before (default: /media/ and "
            "SITE_URL/media/). May be given more than once.",
        )
        parser.add_argument(
            "--no-rewrite",
            action="store_true",
            help="Copy the files only; leave article bodies as they are.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be copied; change nothing."
        )

    def handle(self, *args, source=None, old_media_url=None, **options):
        source = source or settings.MEDIA_ROOT
        verbose = options["verbosity"] > 1

        def progress(name, action):
            if verbose:
                self.stdout.write(f"{action}: {name}")

        try:
            report = copy_media(source, dry_run=options["dry_run"], progress=progress)
        except CopyRefused as exc:
            raise CommandError(str(exc)) from exc
        prefix = "Dry run: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        if options["no_rewrite"] or options["dry_run"]:
            return
        old = old_media_url or ["/media/", f"{settings.SITE_URL}/media/"]
        changed = rebase_media_urls(old, settings.MEDIA_URL)
        if changed:
            pagecache.bump()
        self.stdout.write(f"Pointed {changed} article bodies at {settings.MEDIA_URL}.")
