"""Make the demo's tip line key pair once (`make run` calls this): the private key stays in
var/tips-demo/gnupg/ (never served, never committed), the public key goes to
var/tips-demo/public.asc, which the settings use with DEBUG on when no
TIPS_PUBLIC_KEY_FILES is set. For the demo only: a newsroom makes its real key on a
journalist's own computer (docs/tips.md)."""

import shutil

from django.conf import settings
from django.core.management.base import BaseCommand

from tips import keys


class Command(BaseCommand):
    help = "Make the demo tip line key pair under var/tips-demo/ (once; DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stderr.write("Not with DEBUG off: a real newsroom makes its own key.")
            return
        folder = settings.BASE_DIR / "var" / "tips-demo"
        public = folder / "public.asc"
        if public.exists():
            self.stdout.write(f"Demo tip line key: {public} (already made)")
            return
        home = folder / "gnupg"
        shutil.rmtree(home, ignore_errors=True)
        fingerprint, exported = keys.generate(home, "Demo tips desk", "tips-demo@example.org")
        shutil.copyfile(exported, public)
        self.stdout.write(f"Demo tip line key {fingerprint}: private key in {home}")
