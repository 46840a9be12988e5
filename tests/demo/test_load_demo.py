import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from articles.models import Article, Section
from authors.models import Author
from liveblog.models import LiveBlog
from media.models import Image
from newsletter.models import Edition, Subscriber
from stats.models import ArticleHour
from support.models import DonationOption, Page

pytestmark = pytest.mark.django_db


def test_demo_content_is_complete_and_loading_it_twice_adds_nothing(client):
    call_command("load_demo", stdout=io.StringIO())
    counts = (Article.objects.count(), Image.objects.count(), Author.objects.count())

    published = Article.objects.published()
    assert published.count() == 41  # 40 stories and the live blog
    assert LiveBlog.objects.get().updates.count() == 12
    assert Article.objects.filter(status="draft").count() == 1
    assert Section.objects.count() >= 4
    assert Author.objects.exclude(photo="").count() >= 3
    assert published.annotate(n=Count("bylines")).filter(n__gte=2).count() >= 5
    assert published.filter(lead_image__isnull=True).count() == 0
    assert published.filter(body__contains="<figcaption>").count() >= 10
    months = {a.published_at.strftime("%Y-%m") for a in published}
    assert len(months) >= 4
    assert all(a.tags.exists() for a in published)

    assert (Page.objects.published().count(), DonationOption.objects.active().count()) == (10, 4)

    edition = Edition.objects.sent().get()
    assert edition.items.count() == 5 and edition.html
    assert Subscriber.objects.confirmed().count() == 3
    assert ArticleHour.objects.filter(views__gt=0).count() > 1000  # the Audience's demo
    assert client.get(edition.get_absolute_url()).status_code == 200

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Article.objects.count(), Image.objects.count(), Author.objects.count()) == counts
    assert (Page.objects.count(), DonationOption.objects.count()) == (10, 4)
    assert (
        "Demo content ready (created 0 sections, 0 authors, 0 articles, 0 images, "
        "0 live updates, 0 options, 0 pages, 0 editions, 0 subscribers, 0 planned stories, "
        "0 diary events, 0 tips, 0 audience hours)." in out.getvalue()
    )

    article = published.first()
    assert client.get(article.get_absolute_url()).status_code == 200
