"""The W3C Nu Html Checker (vnu-jar from package-lock.json, run with Java) over saved pages."""

import json
import shutil
import subprocess
from pathlib import Path

from tests.helpers.environment import skip_or_fail

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def html_errors(pages, folder):
    """The checker's errors for `pages` ({name: HTML bytes}), written into `folder`, as
    "name:line: message — extract" lines; an empty list when every page is valid."""
    java = shutil.which("java")
    if not (java and VNU.exists()):
        skip_or_fail(
            "The HTML checker needs Java and vnu-jar: `make install` runs `npm ci` for "
            "node_modules/vnu-jar, and Java comes from Debian's default-jre-headless."
        )
    files = []
    for name, content in pages.items():
        path = Path(folder) / f"{name}.html"
        path.write_bytes(content)
        files.append(str(path))
    result = subprocess.run(  # noqa: S603 — Java and the checker's jar, fixed arguments
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m['url']).stem}:{m.get('lastLine')}: {m['message']} — {m.get('extract', '')!r}"
        for m in messages
        if m.get("type") == "error"
    ]
