"""The author's import key (core.models.ImportKey): one author per source and id."""

import pytest
from django.db import IntegrityError, transaction

from authors.models import Author

pytestmark = pytest.mark.django_db


def test_one_author_per_import_key():
    Author.objects.create(name="Ann", slug="ann", import_source="wp:a", import_id="ann")
    with pytest.raises(IntegrityError), transaction.atomic():
        Author.objects.create(name="Ann", slug="ann-2", import_source="wp:a", import_id="ann")
    # The same login from another site, and authors made here (no key), are others.
    Author.objects.create(name="Ann", slug="ann-3", import_source="wp:b", import_id="ann")
    Author.objects.create(name="Bo", slug="bo")
    Author.objects.create(name="Cy", slug="cy")
    assert Author.objects.count() == 4
