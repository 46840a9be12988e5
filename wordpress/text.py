"""Plain text from WordPress's HTML fields (titles, excerpts, captions), and photo credits."""

from __future__ import annotations

import html
import re

_TAG_RE = re.compile(r"<[^>]*>")
_WS_RE = re.compile(r"\s+")


def plain_text(value: str) -> str:
    """HTML (a title, an excerpt) → one line of text: no tags, entities decoded."""
    value = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", value or "")
    value = html.unescape(_TAG_RE.sub(" ", value))
    return _WS_RE.sub(" ", value).strip()


def truncate_words(value: str, limit: int) -> str:
    """Cut at a word boundary so the result (with an ellipsis) fits in `limit` characters."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return (cut or value[: limit - 1]) + "…"


_CREDIT_RE = re.compile(
    r"""^(?P<caption>.*?)
        (?:^|(?<=[.!?;])\s+|\s+[-–—|/]\s+|\s*\()       # start, sentence end, separator or "("
        (?P<credit>
            (?:
                (?:Photo(?:graph)?|Image|Picture|Credit|Source|Supplied|PHOTO|CREDIT)\s*:
              | (?:Photo(?:graph)?|Picture|Image)\s+by\b
              | Courtesy(?:\s+of)?\b
            )
            \s*[^()\s][^()]*?
        )
        \s*\)?\s*\.?\s*$""",
    re.DOTALL | re.VERBOSE,
)


def split_credit(caption: str) -> tuple[str, str]:
    """'Sailors aboard HMS Example (Photo: Royal Navy)' → ('Sailors aboard HMS Example',
    'Photo: Royal Navy'). WordPress has no credit field, so a credit is recognised only when the
    caption ends with one in a standard form: "Photo: …", "Photograph: …", "Image: …",
    "Picture: …", "Credit: …", "Source: …", "Supplied: …", "Photo by …" or "Courtesy (of)
    …", optionally in parentheses or after a dash or bar. Anything else stays caption."""
    caption = (caption or "").strip()
    match = _CREDIT_RE.match(caption)
    if not match:
        return caption, ""
    rest = match.group("caption").strip().rstrip("-–—|/ ").strip()
    return rest, match.group("credit").strip()
