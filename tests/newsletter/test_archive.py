"""The public archive of sent editions: cached like other reader pages, fixed queries."""

import pytest
from django.utils import timezone

from newsletter import editions
from newsletter.models import Edition
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def sent_edition(subject, stories=3):
    edition = Edition.objects.create(subject=subject, intro="Welcome.\n\nA second paragraph.")
    for n in range(stories):
        ArticleFactory(title=f"{subject} story {n}")
    editions.fill_with_top_stories(edition)
    edition.status = Edition.Status.SENT
    edition.sent_at = timezone.now()
    edition.save()
    return edition


def test_archive_lists_only_sent_editions(client):
    sent_edition("Sent edition")
    Edition.objects.create(subject="Draft edition")
    Edition.objects.create(subject="Scheduled edition", status="scheduled")
    response = client.get("/newsletter/archive/")
    assert response.status_code == 200
    assert b"Sent edition" in response.content
    assert b"Draft edition" not in response.content
    assert b"Scheduled edition" not in response.content
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert not response.cookies


def test_unsent_edition_is_404(client):
    draft = Edition.objects.create(subject="Draft edition")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_edition_page_shows_its_stories_in_order(client):
    edition = sent_edition("The week")
    response = client.get(edition.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    titles = [item.article.title for item in edition.items.all()]
    assert all(title in content for title in titles)
    assert content.index(titles[0]) < content.index(titles[-1])
    assert "A second paragraph." in content
    assert "public" in response["Cache-Control"]


def test_archive_query_count_does_not_grow(client, warm_site, django_assert_num_queries):
    for n in range(3):
        sent_edition(f"Edition {n}", stories=1)
    warm_site()
    with django_assert_num_queries(2):  # the page count and one page of editions
        response = client.get("/newsletter/archive/")
    assert response.status_code == 200 and "Edition 2" in response.content.decode()
    for n in range(10):
        sent_edition(f"More {n}", stories=1)
    warm_site()
    with django_assert_num_queries(2):
        response = client.get("/newsletter/archive/")
    assert response.status_code == 200 and "More 9" in response.content.decode()


def test_edition_page_query_count_does_not_grow(client, warm_site, django_assert_num_queries):
    small = sent_edition("Small", stories=1)
    big = sent_edition("Big", stories=8)
    warm_site()
    with django_assert_num_queries(2):  # the edition, its stories with sections
        response = client.get(small.get_absolute_url())
    assert response.status_code == 200 and "Small" in response.content.decode()
    with django_assert_num_queries(2):
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    assert all(item.article.title in response.content.decode() for item in big.items.all())


def test_archive_is_served_from_the_page_cache(client, settings):
    settings.PAGE_CACHE = True
    sent_edition("Cached edition")
    client.get("/newsletter/archive/")
    again = client.get("/newsletter/archive/")
    assert again.get("X-Page-Cache") == "hit"
    sent_edition("Newer edition")  # saving an edition makes cached pages stale
    fresh = client.get("/newsletter/archive/")
    assert b"Newer edition" in fresh.content
