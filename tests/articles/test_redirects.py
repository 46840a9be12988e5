import pytest

from articles.models import ArticleRedirect
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_old_address_redirects_permanently_to_the_current_one(client):
    article = ArticleFactory()
    ArticleRedirect.objects.create(old_path="/2019/05/04/old-slug/", article=article)
    response = client.get("/2019/05/04/old-slug/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_old_address_of_an_unpublished_article_stays_404(client):
    article = ArticleFactory(status="draft", published_at=None)
    ArticleRedirect.objects.create(old_path="/2019/05/04/old-slug/", article=article)
    assert client.get("/2019/05/04/old-slug/").status_code == 404


def test_unknown_path_is_still_404(client):
    assert client.get("/no/such/page/").status_code == 404
