from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (from the backup command) into an empty database and media "
        "folder. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder, e.g. var/backups/2026-01-31T0300Z")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the site's own (postgres://...).",
        )
        parser.add_argument("--media-root", help="Restore media here instead of MEDIA_ROOT.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the tables and media files already there.",
        )

    def handle(self, *args, folder, database_url, media_root, force, **options):
        try:
            manifest = restore(
                folder, database_url=database_url, media_root=media_root, force=force
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created']}: the database and "
                f"{manifest['media_files']} media files."
            )
        )
