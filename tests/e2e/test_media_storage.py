"""With media in the bucket (MEDIA_STORAGE=s3, moto's server), a reader's Chromium loads
every picture of an article page from the bucket's public base, within the page's CSP."""

import pytest
from django.core.files.base import ContentFile

from tests.e2e.conftest import screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_sees_pictures_served_from_the_bucket(page, s3_media):
    author = AuthorFactory(name="Ines Duarte", slug="ines-duarte", short_bio="Covers the navy.")
    author.photo.save("ines.png", ContentFile(image_bytes(400, 400, "PNG", (90, 60, 40))))
    article = ArticleFactory(
        title="Navy commissions its second survey ship",
        lead_image=ImageFactory(
            file=ContentFile(image_bytes(1600, 900, color=(40, 80, 120)), name="ship.jpg"),
            alt_text="A grey survey ship alongside",
            caption="The survey ship alongside",
        ),
        authors=[author],
    )
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security" in message.text else None
        ),
    )

    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.locator("img.author-photo").scroll_into_view_if_needed()
    page.wait_for_function(
        "[...document.images].every(img => img.complete && img.naturalWidth > 0)"
    )

    sources = page.eval_on_selector_all("img", "imgs => imgs.map(img => img.currentSrc)")
    assert len(sources) >= 2
    assert all(src.startswith(s3_media.public_url + "renditions/") for src in sources), sources
    assert refused == []
    screenshot(page, "media-storage-article")
