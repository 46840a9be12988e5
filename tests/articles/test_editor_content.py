"""CKEditor 5 shows the article as readers will see it (one content stylesheet shared with
the article page), and a read-only article in the admin is rendered, not raw HTML."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CONTENT_CSS = Path(settings.BASE_DIR) / "static" / settings.CKEDITOR_5_CUSTOM_CSS
BODY = (
    "<h2>What happens next</h2><p>The first boat is due in <strong>2031</strong>.</p>"
    '<figure class="table"><table><tbody><tr><td>Boats</td><td>4</td></tr></tbody></table>'
    "</figure>"
)


def test_the_editor_and_the_article_page_load_the_same_content_stylesheet(staff_client):
    article = ArticleFactory(body=BODY)
    form = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    page = staff_client.get(article.get_absolute_url())
    sheet = f"/static/{settings.CKEDITOR_5_CUSTOM_CSS}"
    assert f'href="{sheet}"' in form.content.decode()
    assert f'href="{sheet}"' in page.content.decode()


def test_the_content_stylesheet_styles_the_page_and_the_editor_alike():
    """Every rule for the article body has its CKEditor twin, for headings, quotes, figures,
    captions, credits and tables (editor-only rules just undo CKEditor's own styles)."""
    css = re.sub(r"/\*.*?\*/", "", CONTENT_CSS.read_text(), flags=re.DOTALL)
    for selector in re.findall(r"([^{}]+)\{", css):
        parts = [part.strip() for part in selector.split(",") if part.strip()]
        page = [p for p in parts if p.startswith(".article-body")]
        editor = [p for p in parts if p.startswith(".ck-content")]
        assert editor or not page, selector
    for element in ("h2", "h3", "blockquote", "figcaption", ".credit", "table", "th"):
        assert re.search(rf"\.article-body [^{{]*{re.escape(element)}", css), element
        assert re.search(rf"\.ck-content [^{{]*{re.escape(element)}", css), element


def test_editor_keeps_figure_credits_and_offers_the_site_headings():
    config = settings.CKEDITOR_5_CONFIGS["default"]
    assert {"name": "span", "classes": ["credit"]} in config["htmlSupport"]["allow"]
    views = [option.get("view") for option in config["heading"]["options"]]
    assert views == [None, "h2", "h3"]  # paragraph, and the two heading levels the site styles


def test_a_submitted_article_reads_rendered_for_its_contributor(client, contributor):
    article = ArticleFactory(status="review", published_at=None, created_by=contributor, body=BODY)
    client.force_login(contributor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="_save"' not in html
    assert '<div class="article-body admin-article-body"><h2>What happens next</h2>' in html
    assert "<strong>2031</strong>" in html and "<td>Boats</td>" in html
    assert "&lt;h2&gt;" not in html and "&lt;p&gt;" not in html
    assert "css/article-content.css" in html


def test_an_editable_form_keeps_the_editor_not_the_rendered_body(staff_client):
    article = ArticleFactory(body=BODY)
    html = staff_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"admin-article-body" not in html and b'class="django_ckeditor_5"' in html
