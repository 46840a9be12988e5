import importlib
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache

from core.spam import form_token
from tests.factories import ArticleFactory, UserFactory

_groups_migration = importlib.import_module("feedback.migrations.0002_feedback_staff_group")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limit lives in the cache: every test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def groups(db):
    """The groups as the migrations make them (a transactional test's flush removes them)."""
    _groups_migration.create_groups(apps)
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def feedback_staff(groups):
    user = UserFactory(username="triager", email="triager@example.org", is_staff=True)
    user.groups.add(groups["Feedback staff"])
    return user


@pytest.fixture
def article(db):
    return ArticleFactory(
        title="Army orders new armoured recovery vehicles",
        body="<p>The contract covers 44 vehicles delivered from 2027.</p>",
    )


def valid_token(seconds_ago=30):
    return form_token(now=time.time() - seconds_ago)


def report_data(**overrides):
    data = {
        "kind": "factual",
        "quoted_text": "The contract covers 44 vehicles",
        "suggested_correction": "The contract covers 54 vehicles",
        "details": "The ministry's notice says 54.",
        "name": "",
        "email": "",
        "rendered": valid_token(),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
