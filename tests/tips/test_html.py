"""The tip line's pages are valid HTML by the W3C Nu Html Checker (as every reader page
type is, tests/project/test_html_validity.py): the form, the form with errors, the sent
page with the codename, the conversation and the closed page."""

import pytest
from django.urls import reverse

from tests.helpers.html import html_errors
from tips import desk
from tips.models import Source

from .helpers import tip_data

pytestmark = pytest.mark.django_db


def test_tip_line_pages_are_valid_html(client, settings, tmp_path):
    index = reverse("tips:index")
    pages = {"form": client.get(index)}
    pages["form-errors"] = client.post(index, tip_data(""))
    pages["sent"] = client.post(index, tip_data("A valid message"))
    words = pages["sent"].context["codename"]
    desk.reply(Source.objects.get(), "Thank you.\n\nWhich unit?")
    pages["conversation"] = client.post(reverse("tips:return"), {"codename": words})
    settings.TIPS_PUBLIC_KEY_FILES = []
    pages["closed"] = client.get(index)
    errors = html_errors({name: r.content for name, r in pages.items()}, tmp_path)
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)
