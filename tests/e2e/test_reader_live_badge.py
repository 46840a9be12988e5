"""The "Live" badge on a live blog's teaser, as readers see it on the front page and its
section's page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from liveblog.models import LiveBlog
from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import ArticleFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_live_blog_teasers_show_the_live_badge(page):
    naval = SectionFactory(name="Naval", slug="naval")
    ArticleFactory(
        title="Carrier group sails for the spring exercise",
        section=naval,
        featured=True,
        lead_image=ImageFactory(),
    )
    live = ArticleFactory(
        title="Harbour drill: live updates",
        section=naval,
        lead_image=ImageFactory(),
        published_at=timezone.now() - timedelta(minutes=20),
    )
    LiveBlog.objects.create(article=live, coverage_start=live.published_at)
    ArticleFactory(title="Frigate refit on schedule", section=naval)

    for url in ("/", "/section/naval/"):
        page.goto(url)
        teaser = page.locator(".teaser", has=page.get_by_role("link", name=live.title))
        badge = teaser.locator(".live-badge")
        assert badge.text_content() == "Live"  # shown in capitals by the stylesheet
        assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(179, 38, 30)"
        assert page.locator(".live-badge").count() == 1
    assert_accessible(page)
    screenshot(page, "reader-live-badge", full_page=False)
    page.goto("/")
    screenshot(page, "reader-live-badge-front", full_page=False)
