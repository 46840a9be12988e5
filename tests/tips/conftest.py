import importlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.factories import UserFactory
from tips import guard, keys


@dataclass
class NewsroomKey:
    home: Path
    fingerprint: str
    public_path: Path

    def open_bundle(self, data):
        """{name: bytes} of a decrypted tip bundle."""
        plain = keys.decrypt(self.home, data)
        with tarfile.open(fileobj=io.BytesIO(plain)) as archive:
            return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


@pytest.fixture(scope="session")
def newsroom_key(tmp_path_factory):
    home = tmp_path_factory.mktemp("gnupg")
    fingerprint, public = keys.generate(home, "Test tips desk", "tips@example.org")
    return NewsroomKey(home, fingerprint, public)


@pytest.fixture(autouse=True)
def tip_line(settings, newsroom_key):
    settings.TIPS_PUBLIC_KEY_FILES = [str(newsroom_key.public_path)]
    guard.sending.reset()
    guard.codename_attempts.reset()
    yield
    guard.sending.reset()
    guard.codename_attempts.reset()


_groups_migration = importlib.import_module("tips.migrations.0002_tips_desk_group")


@pytest.fixture
def tips_desk(db):
    """A member of the "Tips desk" group, as the migration makes it."""
    _groups_migration.create_groups(apps)
    user = UserFactory(username="tipsdesk", email="tipsdesk@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Tips desk"))
    return user
