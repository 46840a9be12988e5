import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core import admin_site
from newsletter.models import Subscriber
from tests.factories import ArticleFactory, StaffFactory
from tests.workflow_helpers import member

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


# --- "View on site" (/admin/r/<content type>/<id>/) asks the admin first (issue 23) -------


def view_on_site(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_view_on_site_is_refused_without_the_view_permission_of_the_objects_model(client):
    """A staff account with no permissions must not be sent to any object's address."""
    client.force_login(StaffFactory(is_superuser=False, username="nobody"))
    subscriber = Subscriber.objects.create(
        email="reader@example.org", consent_text="Yes.", consent_at="2026-01-01T00:00Z"
    )
    for obj in (subscriber, ArticleFactory()):
        response = client.get(view_on_site(obj))
        assert response.status_code == 403
        assert "Location" not in response


def test_view_on_site_takes_a_permitted_user_to_the_page(client):
    editor = member("Editor", "eve")
    client.force_login(editor)
    article = ArticleFactory()
    response = client.get(view_on_site(article))
    assert response.status_code == 302
    assert response["Location"].endswith(article.get_absolute_url())


def test_view_on_site_hides_objects_the_admin_does_not_show_the_user(client):
    """A contributor sees only their own articles in the admin; another's draft is "not
    found" through the shortcut too."""
    client.force_login(member("Contributor", "carl"))
    response = client.get(view_on_site(ArticleFactory(status="draft", published_at=None)))
    assert response.status_code == 404


def test_the_taggit_app_is_called_tags(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert ">Tags</a>" in html and "Taggit" not in html
    app_page = staff_client.get("/admin/taggit/").content.decode()
    assert "Taggit" not in app_page and "Tags" in app_page
