import shutil

import pytest
from django.conf import settings
from django.core.cache import cache

from core import pagecache


@pytest.fixture(autouse=True, scope="session")
def _remove_test_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate limits, the page cache's content version,
    the sitemap index)."""
    cache.clear()
    pagecache.forget_state()
    pagecache.local_pages.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", "pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    client.user = user
    return client
