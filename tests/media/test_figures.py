"""Pictures in article bodies: every <img> readers get has its real size, and figure
credits come from the media library's credit field."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from core.sanitize import clean_html
from media import figures
from media.models import Image
from tests.factories import ArticleFactory, ImageFactory, image_bytes
from tests.wordpress.exports import (
    SITE,
    frigate_attachments,
    frigate_post,
    run_import,
    write_jpeg,
    wxr,
)
from tests.workflow_helpers import new_article_data

pytestmark = pytest.mark.django_db

IMG = re.compile(r"<img\b[^>]*>")


def unsized_pictures(html):
    """The <img> tags in `html` without whole-number width and height."""
    return [
        tag
        for tag in IMG.findall(html)
        if not (re.search(r'\swidth="[1-9]\d*"', tag) and re.search(r'\sheight="[1-9]\d*"', tag))
    ]


def big_image(**kwargs):
    return ImageFactory(file=ContentFile(image_bytes(1600, 900), name="picture.jpg"), **kwargs)


def test_every_picture_on_demo_and_imported_articles_has_its_size(client, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    export = tmp_path / "export.xml"
    export.write_text(wxr(*frigate_attachments(), frigate_post()), encoding="utf-8")
    media_dir = tmp_path / "uploads"
    write_jpeg(media_dir / "2024/03/frigate.jpg", 1200, 800)
    write_jpeg(media_dir / "2024/03/crew.jpg", 640, 480, (120, 40, 40))
    run_import(export, "--media-dir", media_dir)
    imported = Article.objects.get(import_source=SITE, import_id="101")
    articles = list(Article.objects.published())
    assert (
        imported in articles and len(articles) == 42
    )  # the demo's 40 stories, its live blog and this one
    pictures = 0
    for article in articles:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert unsized_pictures(html) == [], article.get_absolute_url()
        assert 'width="None"' not in html
        pictures += len(IMG.findall(html))
    body_pictures = [a for a in articles if "<img" in a.body]
    assert len(body_pictures) >= 10 and imported in body_pictures
    assert pictures > 2 * len(articles)  # lead images, inline figures, teasers, portraits

    # Demo lead images are told apart by caption and tags in the chooser.
    leads = Image.objects.filter(import_source="demo", import_id__endswith="-lead")
    assert len({image.caption for image in leads}) == leads.count() == 41
    lead = leads.get(import_id="army-orders-tracked-howitzers-lead")
    assert sorted(lead.tags.names()) == [
        "Ammunition",
        "Artillery",
        "Illustration",
        "Land",
        "Procurement",
    ]

    # The demo's inline figures carry the image's credit field, not a credit typed in.
    article = Article.objects.get(import_source="demo", slug="army-orders-tracked-howitzers")
    figure = Image.objects.get(import_source="demo", import_id=f"{article.slug}-figure")
    assert figure.credit == "Supplied: Army"
    assert figure.caption == "A howitzer crew rehearses a fire mission during trials"
    assert (
        "<figcaption>A howitzer crew rehearses a fire mission during trials "
        '<span class="credit">(Supplied: Army)</span></figcaption>' in article.body
    )


def test_the_sanitiser_drops_sizes_that_are_not_whole_numbers():
    html = clean_html('<img src="/x.jpg" alt="" width="None" height="100%">')
    assert "width" not in html and "height" not in html
    assert 'width="640" height="360"' in clean_html(
        '<img src="/x.jpg" alt="" width="640" height="360">'
    )


def test_a_library_picture_without_a_size_gets_it_when_the_article_is_saved():
    image = big_image(credit="")
    tag = f'<img src="{image.src(settings.INLINE_IMAGE_MAX_WIDTH)}" alt="Dock" width="None">'
    article = ArticleFactory(body=f'<figure class="image">{tag}</figure>')
    article.refresh_from_db()
    assert 'width="1280" height="720"' in article.body
    assert unsized_pictures(article.body) == []


def test_a_picture_from_elsewhere_is_left_alone_and_costs_no_query(django_assert_num_queries):
    body = '<p>Text.</p><img src="https://example.org/x.jpg" alt="">'
    with django_assert_num_queries(0):
        assert figures.sync_pictures(clean_html(body)) == clean_html(body)


def test_figure_credit_comes_from_the_image_and_replaces_a_typed_one():
    image = big_image(caption="Crew on deck", credit="Supplied: Navy")
    typed = figures.figure_html(image).replace(
        '<span class="credit">(Supplied: Navy)</span>', '<span class="credit">(Old credit)</span>'
    )
    article = ArticleFactory(body=typed)
    assert (
        '<figcaption>Crew on deck <span class="credit">(Supplied: Navy)</span></figcaption>'
        in article.body
    )
    uncaptioned = re.sub(r"<figcaption>.*</figcaption>", "", figures.figure_html(image))
    article = ArticleFactory(body=uncaptioned)
    assert '<figcaption><span class="credit">(Supplied: Navy)</span></figcaption>' in article.body


def test_changing_a_credit_rewrites_the_figures_that_show_the_image(staff_client):
    image = big_image(caption="Crew on deck", credit="Supplied: Navy")
    article = ArticleFactory(body=figures.figure_html(image))
    version = Article.objects.get(pk=article.pk).version
    response = staff_client.post(
        f"/admin/media/image/{image.pk}/change/",
        {"alt_text": image.alt_text, "caption": image.caption, "credit": "Photo: Jo Smith"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert '<span class="credit">(Photo: Jo Smith)</span>' in article.body
    assert "Supplied: Navy" not in article.body
    assert article.version == version + 1


def test_alt_text_and_caption_typed_in_the_editor_enter_the_media_library(staff_client):
    """A picture uploaded from the editor arrives in the library undescribed; the alt text
    and caption typed for it in the editor are kept there when the article is saved."""
    image = ImageFactory(alt_text="", caption="", credit="")
    src = image.src(settings.INLINE_IMAGE_MAX_WIDTH)
    body = (
        f'<figure class="image"><img src="{src}" alt="A tug &amp; a frigate">'
        "<figcaption>The tug <em>Brage</em> guides the frigate in</figcaption></figure>"
    )
    data = new_article_data(body=body)
    assert staff_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "A tug & a frigate"
    assert image.caption == "The tug Brage guides the frigate in"
    html = staff_client.get(reverse("admin:media_image_change", args=[image.pk])).content
    assert b"The tug Brage guides the frigate in" in html


def test_what_the_library_says_about_a_picture_is_not_overwritten():
    image = ImageFactory(alt_text="A patrol vessel at sea", caption="On exercise", credit="Navy")
    typed = figures.figure_html(image, "Another caption").replace(
        'alt="A patrol vessel at sea"', 'alt="Something else"'
    )
    ArticleFactory(body=typed)
    image.refresh_from_db()
    assert (image.alt_text, image.caption) == ("A patrol vessel at sea", "On exercise")
