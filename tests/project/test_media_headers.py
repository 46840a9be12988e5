"""Uploaded files served by Django in development never run as a page."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import defenceblog.urls


@pytest.fixture
def debug_urls(settings, tmp_path):
    """The project's URLs as DEBUG builds them, serving MEDIA_ROOT from tmp_path."""
    settings.MEDIA_ROOT = tmp_path
    with override_settings(DEBUG=True):
        importlib.reload(defenceblog.urls)
    clear_url_caches()
    yield tmp_path
    importlib.reload(defenceblog.urls)
    clear_url_caches()


@pytest.mark.parametrize(
    "name, content",
    [
        ("images/2026/11/page.html", b"<script>alert(document.cookie)</script>"),
        ("images/2026/11/a.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"),
    ],
)
def test_media_in_development_is_nosniff_and_sandboxed(client, debug_urls, name, content):
    path = debug_urls / name
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy.split("; ")
    assert "default-src 'none'" in policy
    assert "script-src" not in policy


@pytest.mark.django_db
def test_media_folder_listing_is_not_served(client, debug_urls):
    (debug_urls / "images").mkdir()
    assert client.get("/media/images/").status_code == 404
