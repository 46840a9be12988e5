import pytest

from tests.workflow_helpers import member


@pytest.fixture
def editor(db):
    """Eve Lund, a member of the Editor group: may publish, schedule and edit anything."""
    return member("Editor", "eve", first_name="Eve", last_name="Lund")


@pytest.fixture
def contributor(db):
    """Carl, a member of the Contributor group: writes drafts and sends them for review."""
    return member("Contributor", "carl")


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as the editor."""
    client.force_login(editor)
    return client
