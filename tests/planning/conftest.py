import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from planning.models import BudgetLine
from tests.factories import AuthorFactory, SectionFactory
from tests.workflow_helpers import ensure_groups, member

_planning_groups = importlib.import_module("planning.migrations.0002_planning_groups")


@pytest.fixture
def roles(db):
    """The newsroom's groups with the planning desk's permissions (a flush removes them)."""
    ensure_groups()
    _planning_groups.create_groups(apps)


@pytest.fixture
def editor(roles):
    return member("Editor", "hana", first_name="Hana", last_name="Berg")


@pytest.fixture
def contributor(roles):
    """Carl, a staff writer: a Contributor with his own author profile."""
    user = member("Contributor", "carl", first_name="Carl", last_name="Moss")
    AuthorFactory(name="Carl Moss", slug="carl-moss", user=user)
    return user


@pytest.fixture
def carl(contributor):
    return contributor.author_profile


@pytest.fixture
def freelancer(db):
    """An author with no staff account: a freelancer."""
    return AuthorFactory(name="Ines Freelance", slug="ines-freelance", email="ines@example.org")


@pytest.fixture
def section(db):
    return SectionFactory(name="Naval", slug="naval")


@pytest.fixture
def line(section, editor):
    return BudgetLine.objects.create(
        slug="frigate-sea-trials",
        pitch="The second frigate starts sea trials; what the delay cost.",
        section=section,
        editor=editor,
        deadline=timezone.now() + timedelta(days=2),
        publish_at=timezone.now() + timedelta(days=3),
    )
