import shutil

import pytest
from django.conf import settings
from django.core.cache import cache

from core import fragments, pagecache
from core.content_state import content_state
from tests.localstripe_fixtures import localstripe_server, stripe_local  # noqa: F401 - shared
from tests.storage_fixtures import s3_calls, s3_media, s3_server  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True, scope="session")
def _remove_test_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate limits, the page cache's content version,
    the sitemap index)."""
    cache.clear()
    content_state.forget()
    pagecache.local_pages.clear()
    pagecache.address_tags.clear()
    fragments.forget()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", "pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def warm_site(client):
    """Call it just before counting a reader page's queries. A running site already holds
    the content state with its publication schedule (shared), and each process the
    navigation's sections and the footer's pages until the content changes
    (core.fragments.remember); this reads them, so a count is the page's own. The first
    page after a change pays those three queries once (tests/project/test_fragments.py)."""

    def warm():
        assert client.get("/").status_code == 200

    return warm


# The newsroom's roles (articles' and media's tests; apps with roles of their own define
# theirs in their conftest).


@pytest.fixture
def editor(db):
    """Eve Lund, a member of the Editor group: may publish, schedule and edit anything."""
    from tests.workflow_helpers import member

    return member("Editor", "eve", first_name="Eve", last_name="Lund")


@pytest.fixture
def contributor(db):
    """Carl, a member of the Contributor group: writes drafts and sends them for review."""
    from tests.workflow_helpers import member

    return member("Contributor", "carl")


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as the editor."""
    client.force_login(editor)
    return client
