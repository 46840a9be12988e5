import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the local superuser 'admin' if it does not exist and print its login. The "
        "password is kept in var/admin-password.txt (or --password-file) so later runs "
        "print the same login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.BASE_DIR / "var" / "admin-password.txt",
            help="where the password is kept (default: var/admin-password.txt)",
        )

    def handle(self, *args, username, password_file, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(15)  # 20 characters
            validate_password(password, User(username=username))
            User.objects.create_superuser(username, f"{username}@localhost", password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        elif password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = "(unchanged: set one with manage.py changepassword admin)"  # noqa: S105
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: {settings.SITE_URL}/admin/  user: {username}  password: {password}"
            )
        )
