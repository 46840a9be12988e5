"""The search app took the spelling vocabulary over from articles: the same table, and its
content type, permissions and groups moved with it (search/migrations/0002)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from search.models import SearchTerm

pytestmark = pytest.mark.django_db

content_type_move = import_module("search.migrations.0002_searchterm_content_type")


@pytest.fixture(autouse=True)
def fresh_content_types():
    """ContentType's cache outlives a test's rolled-back rows: start and end without it."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def test_the_vocabulary_stays_in_the_table_articles_made():
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO articles_searchterm (word, documents) VALUES ('frigate', 7)")
    assert SearchTerm.objects.get(word="frigate").documents == 7


def old_content_type_in_a_group():
    """The rows a database migrated before the move holds: articles' content type for the
    vocabulary, with a permission a group was given."""
    old = ContentType.objects.create(app_label="articles", model="searchterm")
    view = Permission.objects.create(
        content_type=old, codename="view_searchterm", name="Can view search term"
    )
    group = Group.objects.create(name="Search curators")
    group.permissions.add(view)
    return old, group


def group_permissions(group):
    return set(
        group.permissions.values_list("content_type__app_label", "content_type__model", "codename")
    )


def test_the_content_type_row_is_renamed_with_its_permissions_and_groups():
    ContentType.objects.filter(app_label="search", model="searchterm").delete()
    old, group = old_content_type_in_a_group()

    content_type_move.forwards(apps, None)

    ContentType.objects.clear_cache()
    moved = ContentType.objects.get_for_model(SearchTerm)
    assert moved.pk == old.pk and moved.app_label == "search"
    assert group_permissions(group) == {("search", "searchterm", "view_searchterm")}
    assert not ContentType.objects.filter(app_label="articles", model="searchterm").exists()


def test_when_both_rows_exist_the_groups_get_the_new_permissions_and_the_old_row_goes():
    new = ContentType.objects.get_for_model(SearchTerm)
    assert Permission.objects.filter(content_type=new, codename="view_searchterm").exists()
    old, group = old_content_type_in_a_group()

    content_type_move.forwards(apps, None)

    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(SearchTerm).pk == new.pk
    assert group_permissions(group) == {("search", "searchterm", "view_searchterm")}
    assert not ContentType.objects.filter(pk=old.pk).exists()


def test_moving_back_restores_the_articles_content_type():
    new = ContentType.objects.get_for_model(SearchTerm)

    content_type_move.backwards(apps, None)

    new.refresh_from_db()
    assert (new.app_label, new.model) == ("articles", "searchterm")
    content_type_move.forwards(apps, None)
    new.refresh_from_db()
    assert new.app_label == "search"
