"""`manage.py` in a subprocess, as an operator runs it, and the environment of a production
deployment (`PRODUCTION`) for the tests that start the site that way."""

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.database import database_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "news.example.org",
    "PUBLISHER_ADDRESS": "1 Example Street, Example Town, EX1 1AA",
}


def manage(*args, env=None):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "defenceblog.settings", **(env or {})}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in tests/e2e only
    if "DATABASE_URL" not in environment:
        # Point the subprocess at the same server the tests use, never a second embedded one.
        environment["DATABASE_URL"] = database_url()
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
