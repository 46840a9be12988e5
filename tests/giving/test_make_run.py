"""`make run` without Stripe keys: `manage.py localstripe` starts localstripe and points
its webhooks at the site (bin/run-with-worker starts it beside the server)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from tests.storage_fixtures import _free_port

ROOT = Path(__file__).resolve().parents[2]


def test_localstripe_command_serves_stripe_js_and_registers_the_webhook(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "STRIPE_SECRET_KEY": "",
        "LOCALSTRIPE_PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "defenceblog.settings",
    }
    log = tmp_path / "out.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "localstripe"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "its webhooks go to" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert "/support/stripe/webhook/" in log.read_text()
        with urlopen(f"http://127.0.0.1:{port}/js.stripe.com/v3/", timeout=5) as js:  # noqa: S310
            assert b"localstripe" in js.read()
    finally:
        process.terminate()
        process.wait(timeout=15)
