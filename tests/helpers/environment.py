"""Skip locally, fail in CI: one rule for tests that need a program or a service."""

import os

import pytest


def in_ci() -> bool:
    """CI runs .ci/run, which exports CI=true."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(message):
    """Skip with `message` on a developer's machine; in CI the missing part is a failure."""
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)
