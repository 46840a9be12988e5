from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and the media folder, with SHA-256 "
        "checksums, into a dated folder under BACKUP_DIR. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backup-dir", help="Where to write the backup (default BACKUP_DIR).")

    def handle(self, *args, backup_dir=None, **options):
        try:
            folder = backup(backup_dir=backup_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
