"""Every reader page type is valid HTML by the W3C Nu Html Checker (vnu-jar from npm, run
with the machine's Java), with content in every part a reader can see: lead image and
captioned figures, corrections, tags, co-authors, related teasers, a live blog, search
results and none, the support page, a site page, the corrections log, the forms.

The checker runs once, over all the pages written to files, and the test fails on any
error (warnings are allowed). Without Java or `make install`'s node_modules it skips
locally; in CI (CI=true) that is a failure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction
from liveblog.models import LiveBlog, LiveUpdate
from newsletter.models import Edition
from support.models import DonationOption, Page, SupportPage
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.helpers.html import html_errors

FIGURE = (
    '<p>The trials began at dawn.</p><figure class="image"><img src="/media/images/x.jpg" '
    'alt="A frigate at sea" width="800" height="450"><figcaption>The frigate on its first '
    "day (Supplied: Navy)</figcaption></figure><h2>What comes next</h2><ul><li>Gunnery "
    "trials</li><li>Helicopter landings</li></ul><blockquote><p>We are on schedule.</p>"
    "</blockquote><table><tbody><tr><th>Phase</th><td>Weeks</td></tr><tr><th>Sea trials"
    "</th><td>8</td></tr></tbody></table>"
)

pytestmark = pytest.mark.django_db


def _site():
    naval = SectionFactory(name="Naval", slug="naval")
    mira = AuthorFactory(name="Mira Lindqvist", slug="mira-lindqvist", long_bio="Covers the fleet.")
    tomas = AuthorFactory(name="Tomas Reyes", slug="tomas-reyes")
    article = ArticleFactory(
        title="Second frigate starts sea trials",
        section=naval,
        body=FIGURE,
        lead_image=ImageFactory(caption="The frigate leaves harbour", credit="Supplied: Navy"),
        authors=[mira, tomas],
        tags=["Frigates", "Sea trials"],
    )
    Correction.objects.create(
        article=article,
        text="An earlier version gave the wrong number of weeks.",
        published_at=timezone.now() - timedelta(minutes=5),
    )
    for n in range(4):
        ArticleFactory(
            section=naval,
            authors=[mira],
            tags=["Frigates"],
            lead_image=ImageFactory(),
            title=f"Frigate programme update {n}",
        )
    live = ArticleFactory(title="Live: Harbour drill", section=naval, authors=[tomas])
    blog = LiveBlog.objects.create(article=live, coverage_start=live.published_at)
    for minutes, key in ((30, True), (10, False)):
        LiveUpdate.objects.create(
            live_blog=blog,
            body=f"<p>Update from {minutes} minutes ago.</p>",
            published_at=timezone.now() - timedelta(minutes=minutes),
            key_event=key,
            headline="Tugs in position" if key else "",
        )
    Page.objects.create(title="About us", slug="about", body="<p>An independent desk.</p>")
    SupportPage.load()
    DonationOption.objects.create(
        label="Give once", slug="give-once", url="https://payments.example.org/once"
    )
    Edition.objects.create(
        subject="The week at sea",
        intro="Three stories from the fleet.",
        status=Edition.Status.SENT,
        sent_at=timezone.now(),
    )
    return article, live, mira


def test_every_reader_page_type_is_valid_html(client, tmp_path, stripe_local):
    article, live, author = _site()
    pages = {
        "front": "/",
        "section": "/section/naval/",
        "article": article.get_absolute_url(),
        "live-blog": live.get_absolute_url(),
        "author": author.get_absolute_url(),
        "authors": "/authors/",
        "tag": "/tag/frigates/",
        "search": "/search/?q=frigate",
        "search-empty": "/search/?q=zzyzx",
        "support": "/support/",
        "page": "/about/",
        "corrections": "/corrections/",
        "report-error": f"/feedback/report/?article={article.pk}",
        "newsletter": "/newsletter/",
        "newsletter-archive": "/newsletter/archive/",
        "donate": f"/support/donate/?from={article.pk}",
        "donate-thanks": "/support/donate/thanks/",
        "supporter-sign-in": "/supporter/sign-in/",
        "not-found": "/no-such-page/",
        "bad-request": "/search/?q=frigate%00",
    }
    contents = {}
    for name, url in pages.items():
        response = client.get(url)
        expected = {"not-found": 404, "bad-request": 400}.get(name, 200)
        assert response.status_code == expected, url
        contents[name] = response.content
    errors = html_errors(contents, tmp_path)
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)
