import pytest

from core import admin_site

pytestmark = pytest.mark.django_db


def test_dashboard_shows_registered_panels_and_skips_empty_ones(staff_client, monkeypatch):
    monkeypatch.setattr(admin_site, "_panels", [])

    @admin_site.register_panel
    def waiting(request):
        return {"title": "Waiting for you", "items": [("A story", "/admin/", "2 h")], "count": 1}

    @admin_site.register_panel
    def hidden(request):
        return None

    html = staff_client.get("/admin/").content.decode()
    assert "Waiting for you" in html and "A story" in html and "2 h" in html
    assert html.count('class="module dashboard-panel"') == 1


def test_the_taggit_app_is_called_tags(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert ">Tags</a>" in html and "Taggit" not in html
    app_page = staff_client.get("/admin/taggit/").content.decode()
    assert "Taggit" not in app_page and "Tags" in app_page
