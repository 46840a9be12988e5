"""CKEditor 5 in Chromium looks like the published page (headings, tables, figure captions)
and keeps a figure's credit through an edit."""

import pytest
from django.core.files.base import ContentFile

from articles.models import Article
from media import figures
from tests.e2e.conftest import login_admin, screenshot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

STYLES = (
    "fontFamily",
    "fontSize",
    "fontWeight",
    "textAlign",
    "color",
    "backgroundColor",
    "paddingLeft",
)


def widths(page, root):
    """How wide the table and the picture are, as a share of the body's width."""
    return page.locator(root).first.evaluate(
        """el => ['figure.table table', 'figure.image img'].map(
            s => Math.round(100 * el.querySelector(s).getBoundingClientRect().width
                                / el.querySelector('p').getBoundingClientRect().width))"""
    )


def computed(page, selector):
    return page.locator(selector).first.evaluate(
        "(el, names) => Object.fromEntries(names.map(n => [n, getComputedStyle(el)[n]]))",
        list(STYLES),
    )


def test_editor_shows_the_body_as_the_page_does_and_keeps_credits(page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")
    image = ImageFactory(
        file=ContentFile(image_bytes(1280, 720), name="p.jpg"),
        caption="The crew on deck",
        credit="Supplied: Navy",
    )
    body = (
        "<p>The boats are due in 2031.</p><h2>What happens next</h2><h3>Costs</h3>"
        f"{figures.figure_html(image)}"
        '<figure class="table"><table><thead><tr><th>Item</th><th>Number</th></tr></thead>'
        "<tbody><tr><td>Boats</td><td>4</td></tr></tbody></table></figure>"
    )
    article = ArticleFactory(body=body, lead_image=image, authors=[AuthorFactory()])

    page.goto(article.get_absolute_url())
    reader = {
        name: computed(page, f".article-body {name}")
        for name in ("h2", "h3", "figure.image figcaption", "th", "td", "p")
    }

    reader_widths = widths(page, ".article-body")
    login_admin(page, "editor", "pw-editor-1")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator(".ck-content figure.image figcaption").wait_for()
    editor = {
        name: computed(page, f".ck-content {name}")
        for name in ("h2", "h3", "figure.image figcaption", "th", "td", "p")
    }
    for name, style in reader.items():
        assert editor[name] == style, name
    assert reader_widths == [100, 100]
    assert widths(page, ".ck-content") == reader_widths
    screenshot(page, "editor-content-styles")

    page.locator(".ck-content p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" Four crews are in training.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    saved = Article.objects.get(pk=article.pk).body
    assert "Four crews are in training." in saved
    assert saved.count('<span class="credit">(Supplied: Navy)</span>') == 1
    assert saved.count("Supplied: Navy") == 1
    assert not page.console_errors
