"""Fixtures of the error-report admin's tests (the feedback app's own are one level up)."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import ArticleFactory, SectionFactory, UserFactory


@pytest.fixture
def editor(groups):
    user = UserFactory(username="desk-editor", email="desk@example.org", is_staff=True)
    user.groups.add(groups["Editor"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_article", "change_article", "add_correction", "view_correction"],
        )
    )
    return user


@pytest.fixture
def article():
    """An article in a section of its own (the list's section filter)."""
    return ArticleFactory(
        title="Navy launches second frigate", section=SectionFactory(name="Naval")
    )
