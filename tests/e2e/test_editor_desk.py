"""The editor's desk in real Chromium: what CKEditor sends back is compared as stored, so
the history names only real changes."""

import pytest
from django.contrib.admin.models import LogEntry

from articles import figures
from tests.e2e.conftest import login_admin
from tests.factories import ArticleFactory, ImageFactory
from tests.workflow_helpers import PASSWORD, change_url, member

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/work/shots/h25"


def change_messages(article):
    entries = LogEntry.objects.filter(object_id=str(article.pk)).order_by("pk")
    return [entry.get_change_message() for entry in entries]


def test_saving_a_picture_untouched_in_ckeditor_does_not_log_a_body_change(page):
    member("Editor", "eve")
    image = ImageFactory()
    body = f"<p>The boat at sea.</p>{figures.figure_html(image, 'On trials')}<p>More.</p>"
    article = ArticleFactory(title="Boat on trials", body=body, status="draft")
    login_admin(page, "eve", PASSWORD)

    page.goto(change_url(article))
    page.wait_for_selector(".ck-editor__editable img")
    page.fill("#id_title", "Boat on sea trials")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert change_messages(article)[-1] == "Changed Title."

    editable = page.locator(".ck-editor__editable")
    editable.locator("p", has_text="More.").click()
    page.keyboard.press("End")
    page.keyboard.type(" Trials end in May.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert change_messages(article)[-1] == "Changed Body."
    assert not page.console_errors
