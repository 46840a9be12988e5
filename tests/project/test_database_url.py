"""tests.helpers.database.database_url: what the settings make of it is the database the
tests use, over TCP (DATABASE_URL) or through the embedded server's socket folder."""

import pytest
from django.db import connection

from defenceblog.backends import database_from_url
from tests.helpers.database import database_url

KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


def connects_to(url):
    """What the settings make of `url`: the server and database a connection goes to (a
    socket folder reaches psycopg as the `host` option)."""
    parsed = database_from_url(url, 5)
    options = parsed.get("OPTIONS", {})
    found = {key: str(parsed[key]) for key in KEYS}
    found["HOST"] = found["HOST"] or str(options.get("host", ""))
    found["PORT"] = found["PORT"] or str(options.get("port", ""))
    return found


@pytest.mark.parametrize(
    "server",
    [
        {"HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres", "PASSWORD": ""},
        {"HOST": "/work/var/postgres/run dir", "PORT": 54321, "USER": "postgres", "PASSWORD": ""},
        {"HOST": "db.internal", "PORT": "6432", "USER": "site", "PASSWORD": "p@ss/word:1"},
    ],
)
def test_the_settings_read_back_the_same_server(server):
    db = {**server, "NAME": "test_news"}
    assert connects_to(database_url(settings_dict=db)) == {key: str(db[key]) for key in KEYS}
    assert connects_to(database_url("restore_1", db))["NAME"] == "restore_1"


@pytest.mark.django_db
def test_it_names_the_database_the_tests_use():
    found = connects_to(database_url())
    for key in ("NAME", "HOST", "PORT", "USER"):
        assert found[key] == str(connection.settings_dict[key])
