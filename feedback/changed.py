"""One version for "the error reports changed", kept in the cache: any change to a report
(a save, a delete, a bulk update through ErrorReportQuerySet.update) replaces it, so every
count keyed by it (feedback/assigned.py) is read afresh. Imports nothing of this app, so the
models and the counts both use it."""

import uuid

from django.core.cache import cache

VERSION_KEY = "feedback:reports-version"


def reports_changed():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def reports_version():
    return cache.get(VERSION_KEY) or "-"
