import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from liveblog.models import LiveBlog, LiveUpdate
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.workflow_helpers import member as workflow_member

_roles = importlib.import_module("liveblog.migrations.0002_roles")


def member(role, username, **extra):
    """A member of a newsroom group, with this app's permissions (rebuilt after a flush)."""
    user = workflow_member(role, username, **extra)
    _roles.create_groups(apps)
    return user


@pytest.fixture
def editor(db):
    return member("Editor", "eve", first_name="Eve", last_name="Lund")


@pytest.fixture
def contributor(db):
    return member("Contributor", "carl", first_name="Carl", last_name="Berg")


@pytest.fixture
def blog(db):
    article = ArticleFactory(
        title="Live: Harbour drill",
        section=SectionFactory(name="Naval", slug="naval"),
        published_at=timezone.now() - timedelta(hours=3),
    )
    return LiveBlog.objects.create(article=article, coverage_start=article.published_at)


def post(blog, minutes_ago=0, **fields):
    """An update `minutes_ago` minutes old."""
    fields.setdefault("body", f"<p>Update from {minutes_ago} minutes ago.</p>")
    return LiveUpdate.objects.create(
        live_blog=blog, published_at=timezone.now() - timedelta(minutes=minutes_ago), **fields
    )


@pytest.fixture
def reporter(db):
    return AuthorFactory(name="Mira Lindqvist", slug="mira-lindqvist")
