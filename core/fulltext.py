"""What a reader typed, made into a safe PostgreSQL full-text query. It knows no model:
`Article.objects.matching()` (articles/models.py, the one full-text match, which the admin's
search box uses too) and the search app's page, headlines and suggestions all start here.

Readers type web-search syntax: "quoted phrases", -excluded words and `or`. Any text is
safe: `clean_query` drops control characters (NUL included) and caps the length,
`bounded_operators` reads a run of hyphens as one exclusion (PostgreSQL refuses a query
with too many operators in a row), and `websearch_to_tsquery` never raises a syntax error.
"""

import re

from django.contrib.postgres.search import SearchQuery

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200

# Private-use characters that mark highlighted words in search headlines (search/headlines.py).
MARK_START, MARK_STOP = "\ue000", "\ue001"
# Control characters (NUL included), lone surrogates and the highlight marks never reach
# the database.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ue000\ue001]")


def clean_query(text):
    """What the reader typed, made safe to search for: no control characters, whitespace
    collapsed, at most MAX_QUERY_LENGTH characters (cut at a word boundary)."""
    text = " ".join(_UNSAFE.sub(" ", text or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


# A run of hyphens among spaces and punctuation (quotes apart, which open and close
# phrases): each hyphen there is one more "not" waiting for a word, and PostgreSQL stops
# with "tsquery stack too small" after 32 of them.
_EXCLUSION_RUN = re.compile(r'[^\w"]*-[^\w"]*')


def bounded_operators(text):
    """`text` with every run of hyphens between words read as one: "drone - - -(-sea" is
    "drone -sea", "F-35" stays "F-35". The query means what the reader meant, with at
    most one "not" per word, so PostgreSQL's operator stack stays small."""

    def one(match):
        spaced = any(character.isspace() for character in match.group(0))
        return " -" if spaced else "-"

    return _EXCLUSION_RUN.sub(one, text)


def query_text(text):
    """What websearch_to_tsquery is given for `text` ("" when there is nothing to search
    for)."""
    text = clean_query(text)
    return bounded_operators(text) if text else ""


def search_query(text):
    """A websearch_to_tsquery for `text`, or None when there is nothing to search for."""
    text = query_text(text)
    if not text:
        return None
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
