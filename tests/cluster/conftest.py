"""Tests against a running cluster (`make cluster`, then `make test-cluster`): nginx in front
of two application servers with production settings, PostgreSQL primary and standby,
Redis, the S3 server. Deselected unless CLUSTER_URL is set; the rest of the addresses come
from the cluster's env file (var/cluster/env, written by bin/cluster).

The tests talk to the cluster over HTTP, like readers and editors. Where a test needs rows
it cannot make over HTTP (a staff account with a known backup code, a draft to publish),
it writes them with the ORM straight into the cluster's primary database."""

import os
import secrets
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    """Without CLUSTER_URL the cluster's tests are deselected (not skipped): `make test` runs
    everything else, `make test-cluster` these."""
    if os.environ.get("CLUSTER_URL"):
        return
    cluster_tests = [i for i in items if "tests/cluster/" in str(i.path).replace(os.sep, "/")]
    if cluster_tests:
        config.hook.pytest_deselected(items=cluster_tests)
        items[:] = [i for i in items if i not in cluster_tests]


def read_env(path):
    values = {}
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition("=")
        if key:
            values[key] = value
    return values


@pytest.fixture(scope="session")
def cluster():
    env_file = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster")) / "env"
    values = read_env(env_file)
    values["CLUSTER_URL"] = os.environ["CLUSTER_URL"].rstrip("/")
    return values


@pytest.fixture(scope="session")
def cluster_db(cluster, django_db_blocker):
    """The ORM, pointed at the cluster's primary (not a test database)."""
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"].update(
        NAME=cluster["DATABASE_URL"].rsplit("/", 1)[1],
        HOST="127.0.0.1",
        PORT=cluster["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0],
        USER="postgres",
        PASSWORD="",
    )
    connections.close_all()
    with django_db_blocker.unblock():
        yield
        connections.close_all()


@pytest.fixture(scope="session")
def editor(cluster_db):
    """A superuser with an authenticator and backup codes, who signs in with a password and
    a backup code (the cluster runs with two-factor sign-in, as production does)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    username = f"cluster-editor-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.create_superuser(username, f"{username}@example.org")
    # The servers' hasher (the tests' settings use a fast one the servers do not know).
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=100_000)
    user.save(update_fields=["password"])
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)  # enrolled
    device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [secrets.token_hex(4) for _ in range(5)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return {"username": username, "password": password, "codes": codes, "user": user}


@pytest.fixture
def cluster_command():
    def run(*args):
        return subprocess.run(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "bin" / "cluster"), *args],
            check=True,
            capture_output=True,
            text=True,
        )

    return run
