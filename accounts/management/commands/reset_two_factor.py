from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor


class Command(BaseCommand):
    help = (
        "Recovery for a lost two-factor device: remove every device the user has, print ten "
        "new single-use backup codes. Hand them over in person or by phone; the user signs "
        "in with one and is asked to set up a new authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        codes = two_factor.reset(user)
        self.stdout.write(f"Two-factor devices of {username!r} removed. New backup codes:")
        for code in codes:
            self.stdout.write(f"  {code}")
