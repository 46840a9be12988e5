"""Author and tag pages list articles by a copy of the publication time on each byline and
tagged item (`articles.models.listing_key_field`), kept by database triggers. Whatever
changes an article's state, and however its links are written, the pages must agree
with `Article.objects.published()`."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleAuthor
from tests.factories import ArticleFactory, AuthorFactory
from wordpress.writes import insert_links

pytestmark = pytest.mark.django_db


def titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r"Sonar contract (\w+)", response.content.decode())


@pytest.fixture
def author():
    return AuthorFactory(slug="ines-rocha")


@pytest.fixture
def tag():
    return Tag.objects.create(name="Sonar", slug="sonar")


def pages(client, author):
    return titles(client, author.get_absolute_url()), titles(client, "/tag/sonar/")


def test_publishing_unpublishing_and_rescheduling_reach_both_listings(client, author, tag):
    now = timezone.now()
    older = ArticleFactory(title="Sonar contract older", published_at=now - timedelta(days=2))
    draft = ArticleFactory(
        title="Sonar contract draft", status=Article.Status.DRAFT, published_at=None
    )
    for article in (older, draft):
        ArticleAuthor.objects.create(article=article, author=author)
        article.tags.add(tag)
    assert pages(client, author) == (["older"], ["older"])

    draft.status, draft.published_at = Article.Status.PUBLISHED, now - timedelta(hours=1)
    draft.save()  # newest first
    assert pages(client, author) == (["draft", "older"], ["draft", "older"])

    Article.objects.filter(pk=draft.pk).update(published_at=now - timedelta(days=3))
    assert pages(client, author) == (["older", "draft"], ["older", "draft"])

    Article.objects.filter(pk=older.pk).update(published_at=now + timedelta(days=1))
    assert pages(client, author) == (["draft"], ["draft"])  # scheduled: not yet

    draft.refresh_from_db()
    draft.status = Article.Status.DRAFT
    draft.save()
    assert pages(client, author) == ([], [])


def test_links_added_after_publication_are_listed(client, author, tag):
    article = ArticleFactory(title="Sonar contract signed")
    assert pages(client, author) == ([], [])

    ArticleAuthor.objects.create(article=article, author=author)
    article.tags.add(tag)

    assert pages(client, author) == (["signed"], ["signed"])
    byline = ArticleAuthor.objects.get(article=article)
    byline.position = 3
    byline.save()  # a stale copy in memory is not written back
    assert pages(client, author) == (["signed"], ["signed"])


def test_links_the_importer_inserts_itself_are_listed(client, author, tag):
    article = ArticleFactory(title="Sonar contract imported")

    insert_links(article.pk, [author.pk], [tag.pk])

    assert pages(client, author) == (["imported"], ["imported"])


def test_older_stories_pages_follow_the_listing_order(client, author, tag):
    now = timezone.now()
    for n, word in enumerate(["zero", *[f"n{n}" for n in range(1, 25)]]):
        article = ArticleFactory(
            title=f"Sonar contract {word}", published_at=now - timedelta(hours=n)
        )
        ArticleAuthor.objects.create(article=article, author=author)
        article.tags.add(tag)

    for url in (author.get_absolute_url(), "/tag/sonar/"):
        first = client.get(url).content.decode()
        older = re.search(r'href="(\?before=[^"]+)"', first).group(1).replace("&amp;", "&")
        assert titles(client, url)[:2] == ["zero", "n1"]
        assert titles(client, url + older) == [f"n{n}" for n in range(20, 25)]


@pytest.mark.parametrize(
    "function",
    ["articles_byline_listing_key", "articles_tagged_listing_key", "articles_article_listing_keys"],
)
def test_the_triggers_name_the_status_the_model_publishes_with(function):
    """Migration 0012's triggers spell the status as SQL text; they must keep matching
    Article.Status.PUBLISHED (and name the tables the models use)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef(%s::regproc)", [function])
        source = cursor.fetchone()[0]
    assert f"status = '{Article.Status.PUBLISHED}'" in source
    assert Article._meta.db_table in source
