from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_reviews_archived_and_scheduled():
    live = ArticleFactory()
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    ArticleFactory(status=Article.Status.ARCHIVED)
    ArticleFactory(published_at=timezone.now() + timedelta(hours=2))

    assert list(Article.objects.published()) == [live]


def test_scheduled_article_appears_once_its_time_comes(time_machine):
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert article not in Article.objects.published()
    time_machine.move_to(timezone.now() + timedelta(hours=1, minutes=1))
    assert article in Article.objects.published()


def test_one_slug_per_publication_day_is_enforced_by_the_database():
    first = ArticleFactory(slug="tank-deal")
    with pytest.raises(IntegrityError):
        ArticleFactory(slug="tank-deal", published_at=first.published_at + timedelta(minutes=1))


def test_same_slug_on_another_day_is_allowed():
    first = ArticleFactory(slug="tank-deal")
    second = ArticleFactory(slug="tank-deal", published_at=first.published_at - timedelta(days=1))

    assert Article.objects.filter(slug="tank-deal").count() == 2
    assert second.get_absolute_url() != first.get_absolute_url()


def test_published_article_must_have_a_date():
    with pytest.raises(IntegrityError):
        ArticleFactory(published_at=None)


def test_absolute_url_is_the_dated_permalink():
    article = ArticleFactory(
        slug="radar-upgrade",
        published_at=datetime(2024, 6, 21, 9, 30, tzinfo=UTC),
    )
    assert article.get_absolute_url() == "/2024/06/21/radar-upgrade/"


def test_draft_without_date_has_a_staff_only_address():
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert draft.get_absolute_url() == f"/draft/{draft.pk}/"


def test_body_is_sanitised_on_save():
    article = ArticleFactory(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_related_prefers_shared_tags_then_section_then_recency():
    land, air = SectionFactory(), SectionFactory()
    article = ArticleFactory(section=land, tags=["Artillery", "NATO"])
    newest_other = ArticleFactory(section=air, published_at=timezone.now() - timedelta(minutes=1))
    same_section = ArticleFactory(section=land, published_at=timezone.now() - timedelta(days=3))
    one_tag = ArticleFactory(
        section=air, tags=["NATO"], published_at=timezone.now() - timedelta(days=5)
    )
    two_tags = ArticleFactory(
        section=air, tags=["NATO", "Artillery"], published_at=timezone.now() - timedelta(days=9)
    )
    ArticleFactory(
        section=land, tags=["NATO", "Artillery"], status=Article.Status.DRAFT, published_at=None
    )

    related = list(article.related(limit=4))

    assert related == [two_tags, one_tag, same_section, newest_other]


def test_image_renditions_never_claim_a_width_larger_than_the_original():
    image = ImageFactory()  # 64 × 48
    assert [w for w, _ in image.renditions()] == [64]
    assert image.srcset().endswith(" 64w")


def test_byline_authors_keep_their_order():
    first, second = AuthorFactory(name="Zoe Marsh"), AuthorFactory(name="Adam Price")
    article = ArticleFactory(authors=[first, second])
    assert Article.objects.for_listing().get(pk=article.pk).byline_authors == [first, second]


@pytest.mark.parametrize("factory", [ArticleFactory, ImageFactory])
def test_an_import_key_is_unique_but_rows_made_here_need_none(factory):
    factory(import_source="https://old.example.org", import_id="42")
    factory(import_source="", import_id="")
    factory(import_source="", import_id="")  # made on this site: no key, no clash

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(import_source="https://old.example.org", import_id="42")
    factory(import_source="https://other.example.org", import_id="42")


def test_visible_corrections_are_those_whose_time_has_come(time_machine):
    article = ArticleFactory()
    now = timezone.now()
    later = Correction.objects.create(
        article=article, text="Later.", published_at=now + timedelta(hours=1)
    )
    shown = Correction.objects.create(
        article=article, text="Now.", published_at=now - timedelta(minutes=1)
    )

    assert list(Correction.objects.visible()) == [shown]
    assert article.visible_corrections() == [shown]

    time_machine.move_to(now + timedelta(hours=2))
    assert set(Correction.objects.visible()) == {shown, later}
    assert article.visible_corrections() == [shown, later]  # oldest first


def test_the_article_page_reads_its_corrections_without_further_queries(
    django_assert_num_queries,
):
    article = ArticleFactory()
    Correction.objects.create(article=article, text="Top.", position=Correction.Position.TOP)
    Correction.objects.create(
        article=article, text="Tomorrow.", published_at=timezone.now() + timedelta(days=1)
    )
    loaded = Article.objects.for_detail().get(pk=article.pk)

    with django_assert_num_queries(0):
        assert [c.text for c in loaded.corrections_top] == ["Top."]
        assert loaded.corrections_end == []


def test_reader_tags_come_in_the_order_given_in_one_query(django_assert_num_queries):
    """Not prefetched (the page prefetches them: for_detail), still one query, not one a tag."""
    article = Article.objects.get(pk=ArticleFactory(tags=["Zulu", "Alpha", "Mike"]).pk)
    with django_assert_num_queries(1):
        assert [tag.name for tag in article.reader_tags()] == ["Zulu", "Alpha", "Mike"]
