"""`manage.py localstripe`: run localstripe (a fake Stripe with a Stripe.js stand-in) on
LOCALSTRIPE_PORT and point its webhooks at this site, for `make run` without Stripe keys.
Its data is kept in /tmp/localstripe.pickle across restarts, like the site's database."""

import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


class Command(BaseCommand):
    help = "Run localstripe beside the site (development without Stripe keys)."

    def handle(self, *args, **options):
        if not settings.STRIPE_LOCAL:
            raise CommandError("Stripe keys are set (or DEBUG is off): the real Stripe is used.")
        script = Path(sys.executable).with_name("localstripe")
        program = [str(script)] if script.exists() else [sys.executable, "-m", "localstripe"]
        process = subprocess.Popen([*program, "--port", str(settings.LOCALSTRIPE_PORT)])  # noqa: S603
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        try:
            self.register(process)
            process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()

    def register(self, process):
        base = settings.STRIPE_API_BASE
        hook = settings.SITE_URL + reverse("giving:webhook")
        body = urlencode({"url": hook, "secret": settings.STRIPE_WEBHOOK_SECRET}).encode()
        deadline = time.monotonic() + 30
        while True:
            try:
                request = Request(f"{base}/_config/webhooks/site", data=body, method="POST")  # noqa: S310
                with urlopen(request, timeout=2):  # noqa: S310 - loopback
                    break
            except (URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"localstripe did not start on {base}") from None
                time.sleep(0.2)
        self.stdout.write(f"localstripe on {base}; its webhooks go to {hook}")
