"""Static addresses in production (core.static_storage): the manifest's hashed names, kept
per process; a file the manifest lacks is an error every time, never remembered."""

import json

import pytest

from core.static_storage import StaticStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=tmp_path, base_url="/static/")


def test_a_file_has_its_hashed_address_each_time(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/gone.js")


def test_an_address_is_worked_out_once_per_process(storage):
    first = storage.url("css/site.css")
    storage.hashed_files.clear()  # the manifest is not read again while the process runs
    assert storage.url("css/site.css") == first
