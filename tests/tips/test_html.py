"""The tip line's pages are valid HTML by the W3C Nu Html Checker (as every reader page
type is, tests/project/test_html_validity.py): the form, the form with errors, the sent
page with the codename, the conversation and the closed page."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tips import desk
from tips.models import Source

from .helpers import tip_data

pytestmark = pytest.mark.django_db

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def _checker():
    java = shutil.which("java")
    if java and VNU.exists():
        return java
    if os.environ.get("CI"):
        pytest.fail("Java and node_modules/vnu-jar are needed (default-jre-headless; make install)")
    pytest.skip("Java or vnu-jar missing")


def test_tip_line_pages_are_valid_html(client, settings, tmp_path):
    java = _checker()
    index = reverse("tips:index")
    pages = {"form": client.get(index)}
    pages["form-errors"] = client.post(index, tip_data(""))
    pages["sent"] = client.post(index, tip_data("A valid message"))
    words = pages["sent"].context["codename"]
    desk.reply(Source.objects.get(), "Thank you.\n\nWhich unit?")
    pages["conversation"] = client.post(reverse("tips:return"), {"codename": words})
    settings.TIPS_PUBLIC_KEY_FILES = []
    pages["closed"] = client.get(index)
    files = []
    for name, response in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(  # noqa: S603
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m['url']).stem}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)
