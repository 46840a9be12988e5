"""The "Live" badge on live blogs' teasers: front page and section pages, while the
coverage is live, and never on an ordinary article or an ended live blog."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from liveblog.models import LiveBlog
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
BADGED = re.compile(r'<span class="live-badge">Live</span> <a href="[^"]+">([^<]+)</a>')


def badged_headlines(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BADGED.findall(response.content.decode())


@pytest.mark.parametrize("url", ["/", "/section/naval/"])
def test_live_blog_teasers_carry_the_live_badge(client, blog, url):
    ArticleFactory(title="Frigate refit", section=blog.article.section)
    assert badged_headlines(client, url) == ["Live: Harbour drill"]


@pytest.mark.parametrize("url", ["/", "/section/naval/"])
def test_ended_coverage_loses_the_badge(client, blog, url):
    blog.coverage_end = timezone.now() - timedelta(minutes=1)
    blog.save()
    html = client.get(url).content.decode()
    assert "Live: Harbour drill" in html
    assert "live-badge" not in html


def test_coverage_that_has_not_started_has_no_badge_until_it_starts(client, blog, time_machine):
    ArticleFactory(title="Frigate refit", section=blog.article.section)
    LiveBlog.objects.filter(pk=blog.pk).update(
        coverage_start=timezone.now() + timedelta(minutes=30)
    )
    blog.refresh_from_db()
    blog.save()  # a change the page cache and remembered values hear of

    assert badged_headlines(client, "/section/naval/") == []
    time_machine.move_to(timezone.now() + timedelta(hours=1))
    assert badged_headlines(client, "/section/naval/") == ["Live: Harbour drill"]
