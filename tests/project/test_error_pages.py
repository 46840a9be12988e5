"""The production 404 and 500 pages keep a lost reader on the site: the masthead, a search
box and the latest headlines. The 500 page still renders when the database is what failed."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from core.views import server_error
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def headlines():
    newest = ArticleFactory(title="Coastal radar network switched on")
    older = ArticleFactory(title="Training squadron gets new simulators")
    ArticleFactory(title="Embargoed carrier refit", published_at=timezone.now() + timedelta(days=1))
    ArticleFactory(title="Draft about a tank", status=Article.Status.DRAFT, published_at=None)
    return newest, older


def render_500():
    request = RequestFactory().get("/somewhere/")
    try:
        raise ValueError("a bug in a view")
    except ValueError:
        return server_error(request)


def assert_keeps_the_reader(html, headlines):
    assert 'class="wordmark"' in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert "Latest headlines" in html
    for article in headlines:
        assert f'href="{article.get_absolute_url()}"' in html
        assert article.title in html
    assert "Embargoed carrier refit" not in html
    assert "Draft about a tank" not in html


def test_404_page_has_masthead_search_and_latest_headlines(client, headlines):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert_keeps_the_reader(html, headlines)
    assert html.index("Coastal radar network") < html.index("Training squadron")


def test_500_page_has_masthead_search_and_latest_headlines(headlines):
    response = render_500()

    assert response.status_code == 500
    assert_keeps_the_reader(response.content.decode(), headlines)


def test_500_page_still_renders_when_the_database_fails(headlines, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.db.models.query.QuerySet._fetch_all", broken)

    response = render_500()

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'name="q"' in html
    assert "Latest headlines" not in html
