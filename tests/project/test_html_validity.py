"""Every reader page type is valid HTML by the W3C Nu Html Checker (vnu-jar from npm, run
with the machine's Java), with content in every part a reader can see: lead image and
captioned figures, corrections, tags, co-authors, related teasers, a live blog, search
results and none, the support page, a site page, the corrections log, the forms.

The checker runs once, over all the pages written to files, and the test fails on any
error (warnings are allowed). Without Java or `make install`'s node_modules it skips
locally; in CI (CI=true) that is a failure."""

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Correction
from liveblog.models import LiveBlog, LiveUpdate
from newsletter.models import Edition
from support.models import DonationOption, Page, SupportPage
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.helpers.environment import skip_or_fail

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
FIGURE = (
    '<p>The trials began at dawn.</p><figure class="image"><img src="/media/images/x.jpg" '
    'alt="A frigate at sea" width="800" height="450"><figcaption>The frigate on its first '
    "day (Supplied: Navy)</figcaption></figure><h2>What comes next</h2><ul><li>Gunnery "
    "trials</li><li>Helicopter landings</li></ul><blockquote><p>We are on schedule.</p>"
    "</blockquote><table><tbody><tr><th>Phase</th><td>Weeks</td></tr><tr><th>Sea trials"
    "</th><td>8</td></tr></tbody></table>"
)

pytestmark = pytest.mark.django_db


def _checker():
    java = shutil.which("java")
    if java and VNU.exists():
        return java
    message = (
        "The HTML checker needs Java and vnu-jar: `make install` runs `npm ci` for "
        "node_modules/vnu-jar, and Java comes from Debian's default-jre-headless."
    )
    skip_or_fail(message)


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
    java = _checker()
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
    files = []
    for name, url in pages.items():
        response = client.get(url)
        expected = {"not-found": 404, "bad-request": 400}.get(name, 200)
        assert response.status_code == expected, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))

    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m['url']).stem}:{m.get('lastLine')}: {m['message']} — {m.get('extract', '')!r}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)
