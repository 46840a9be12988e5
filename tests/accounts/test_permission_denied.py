"""A refusal explains itself (issue 13): staff refused something in the admin are told what
they tried, which roles they have and who can do it; the refusal stays a 403."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.views import permission_denied
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback_staff():
    user = UserFactory(username="triager", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Feedback staff")[0])
    return user


def test_feedback_staff_opening_an_article_are_told_why_and_whom_to_ask(client, feedback_staff):
    editor = UserFactory(username="desk", first_name="Mina", last_name="Osei", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    article = ArticleFactory()
    client.force_login(feedback_staff)

    response = client.get(f"/admin/articles/article/{article.pk}/change/")

    assert response.status_code == 403
    html = response.content.decode()
    assert f"/admin/articles/article/{article.pk}/change/" in html  # what they tried
    assert "Your role (Feedback staff) does not include it." in html
    assert "An editor: Mina Osei." in html
    assert "Back to the newsroom" in html


def test_staff_without_a_role_are_told_so(client):
    client.force_login(UserFactory(username="newcomer", is_staff=True))
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 403
    assert "Your account has no role yet" in response.content.decode()


def test_readers_get_a_short_page_without_staff_details():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "only for the newsroom’s staff" in html and "Your role" not in html
