"""An editor fixes an imported article's headline in the admin, in real Chromium; the last
WordPress re-import keeps it; forced with --overwrite-edited it replaces it, and the
article's History brings the editor's headline back."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.e2e.conftest import login_admin, screenshot
from tests.wordpress.exports import counts_line, frigate_post, item, wxr

pytestmark = pytest.mark.django_db(transaction=True)


def reimport(export, title, *options):
    export.write_text(wxr(frigate_post(title=title, status="draft", meta={}), item(102)))
    out = io.StringIO()
    call_command(
        "import_wordpress",
        str(export),
        "--section-map",
        "defence=News",
        *options,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_an_edit_survives_a_reimport_and_an_overwrite_can_be_undone(
    page, tmp_path, django_user_model
):
    export = tmp_path / "export.xml"
    reimport(export, "Frigate leaves harbour")
    article = Article.objects.get(import_id="101")
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")
    login_admin(page, "editor", "pw-editor-1")

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_title", "HMS Example leaves harbour for the Gulf")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    report = reimport(export, "Frigate sails for the Gulf")
    article.refresh_from_db()
    assert article.title == "HMS Example leaves harbour for the Gulf"
    assert counts_line(report, "posts")[:3] == [0, 0, 1]

    report = reimport(export, "Frigate sails for the Gulf", "--overwrite-edited")
    article.refresh_from_db()
    assert article.title == "Frigate sails for the Gulf"
    assert "the edited version is saved as a revision in its History" in report

    page.goto(f"/admin/articles/article/{article.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    assert "WordPress's version" in rows.nth(0).inner_text()
    edited = rows.filter(has_text="Before a WordPress re-import (--overwrite-edited)")
    screenshot(page, "wordpress-reimport-history")
    edited.get_by_role("link", name="Restore…").click()
    assert page.locator("#id_title").input_value() == "HMS Example leaves harbour for the Gulf"
    screenshot(page, "wordpress-reimport-restore")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.title == "HMS Example leaves harbour for the Gulf"
