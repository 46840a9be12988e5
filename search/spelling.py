"""Spelling corrections for search ("Showing results for helicopter"), drawn from the words
published articles actually use.

The vocabulary is the `SearchTerm` table: every unstemmed, lower-cased word of the published
articles' titles, standfirsts, tag and author names and bodies (PostgreSQL's `simple` text
search configuration, which also drops the markup), with the number of articles using it.
`refresh_vocabulary()` rebuilds it (`manage.py refresh_search_terms`, run nightly);
`add_article_words()` adds a published article's words when it is saved (search/signals.py),
so a new name is known at once (counted when the article is first published; edits and
withdrawals catch up on the next rebuild).

A correction is looked up in ONE query for every word of the search: for each, the
nearest words by trigram distance (`word <-> 'helicoptr'`), answered by the GiST index
`searchterm_word_trgm_gist` as a nearest-neighbour scan that reads CANDIDATES rows per word
whatever the size of the vocabulary. Python then keeps a candidate only within a small
edit distance (a typo, not another word) and prefers the closest, then the most used.
A word the articles use often enough is never corrected.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from core.db_router import read_connection

from .models import SearchTerm

# Words shorter than this are left alone: three letters are too few to tell a typo from
# another word.
MIN_LENGTH = 4
MAX_LENGTH = SearchTerm._meta.get_field("word").max_length
# At most this many words of one search are looked up (a search is at most 200 characters).
MAX_WORDS = 8
# Nearest words read from the index for each word of the search.
CANDIDATES = 12
# A word used by at least this many published articles is taken as meant, not a typo.
KNOWN_DOCUMENTS = 3
# A rarer word is replaced only by one used at least this many times more often.
MORE_COMMON = 10

# Letters only: quotes, minus signs and spaces of web-search syntax stay as typed.
_WORD = re.compile(r"[^\W\d_]+")
# What the vocabulary keeps: words of letters (no numbers, hosts or file names).
_VOCABULARY_WORD = rf"^[[:alpha:]]{{{MIN_LENGTH - 1},{MAX_LENGTH}}}$"
_OPERATORS = {"or", "and", "not"}

_ARTICLE_TEXT = (
    "to_tsvector('simple', title || ' ' || standfirst || ' ' || search_names || ' ' || body)"
)


# For each word of the search (an array), its nearest CANDIDATES words in the vocabulary.
NEAREST_WORDS_SQL = f"""SELECT q.word, t.word, t.documents
    FROM unnest(%s::text[]) AS q(word)
    CROSS JOIN LATERAL (
        SELECT word, documents FROM {SearchTerm._meta.db_table}
        ORDER BY word <-> q.word
        LIMIT %s
    ) AS t"""  # noqa: S608  (the table name is the model's own)


@dataclass(frozen=True)
class Correction:
    """A corrected search: `text` to search for, and `parts`, the corrected text as
    (piece, was_corrected) pairs for showing which words changed."""

    text: str
    parts: tuple

    def html(self):
        """The corrected search as safe HTML, changed words in <em>."""
        return mark_safe(  # noqa: S308  (every piece is escaped)
            "".join(f"<em>{escape(p)}</em>" if changed else escape(p) for p, changed in self.parts)
        )


def edit_distance(a, b):
    """Optimal string alignment distance: insertions, deletions, substitutions and
    transpositions of neighbours each count one ("helicoptr" → "helicopter" is 1)."""
    if abs(len(a) - len(b)) > 2:
        return 3  # more than any correction allows; no need to count
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (ca != cb),
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def max_edits(word):
    """How far a typo may be from the word meant: one slip in a short word, two in a
    longer one."""
    return 1 if len(word) <= 5 else 2


def _words_to_check(text):
    """The words of a search worth correcting, as (start, end, word) spans: letters only,
    long enough, not an operator ("or") and not excluded with a minus sign."""
    spans = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        before = text[max(0, match.start() - 2) : match.start()]
        excluded = before[-1:] == "-" and (len(before) < 2 or before[0].isspace())
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and word not in _OPERATORS and not excluded:
            spans.append((match.start(), match.end(), word))
    return spans


def nearest_words(words):
    """{word: [(candidate, documents), ...]} nearest first, CANDIDATES per word, in one
    query: a LATERAL nearest-neighbour scan of the trigram GiST index for each word."""
    if not words:
        return {}
    with read_connection().cursor() as cursor:  # the replica's, for anonymous readers
        cursor.execute(NEAREST_WORDS_SQL, [list(words), CANDIDATES])
        found = {}
        for word, candidate, documents in cursor.fetchall():
            found.setdefault(word, []).append((candidate, documents))
    return found


def best_replacement(word, candidates):
    """The word meant by `word`, or None to leave it as typed."""
    used = dict(candidates).get(word, 0)
    if used >= KNOWN_DOCUMENTS:
        return None
    limit = max_edits(word)
    scored = []
    for candidate, documents in candidates:
        if candidate == word or documents < max(1, used * MORE_COMMON):
            continue
        distance = edit_distance(word, candidate)
        if distance <= limit:
            scored.append((distance, -documents, candidate))
    return min(scored)[2] if scored else None


def _same_case(typed, word):
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def correct(text):
    """A Correction for the search `text`, or None when every word looks meant (or nothing
    better is known). One query, or none when no word is worth checking."""
    spans = _words_to_check(text)
    words = list(dict.fromkeys(word for _, _, word in spans))[:MAX_WORDS]
    if not words:
        return None
    nearest = nearest_words(words)
    replacements = {}
    for word in words:
        replacement = best_replacement(word, nearest.get(word, []))
        if replacement:
            replacements[word] = replacement
    if not replacements:
        return None
    parts, position = [], 0
    for start, end, word in spans:
        if word not in replacements:
            continue
        if start > position:
            parts.append((text[position:start], False))
        parts.append((_same_case(text[start:end], replacements[word]), True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return Correction("".join(p for p, _ in parts), tuple(parts))


def refresh_vocabulary():
    """Rebuild the vocabulary from every published article, in one transaction (searches
    meanwhile use the old one), with PostgreSQL's ts_stat counting the words. Returns the
    number of words. It parses every article: 75 s for 100,000 articles on the development
    machine under load, so run it nightly (docs/deploying.md), not per request."""
    table = SearchTerm._meta.db_table
    # ts_stat takes the text of a query: Article.objects.published()'s, its values bound.
    published = (
        Article.objects.published()
        .order_by()
        .annotate(words=RawSQL(_ARTICLE_TEXT, []))  # noqa: S611  (a constant)
        .values("words")
    )
    published = connection.ops.compose_sql(*published.query.sql_with_params())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {table} (word, documents)
                SELECT word, ndoc FROM ts_stat(%s) WHERE word ~ %s""",  # noqa: S608
            [published, _VOCABULARY_WORD],
        )
        return cursor.rowcount


def add_article_words(article_id, newly_published=False):
    """Add one article's words to the vocabulary: words it lacks are added (used once);
    when the article has just been published, the words already known are counted once
    more too. Edits and withdrawals are left to the next rebuild. One statement."""
    table = SearchTerm._meta.db_table
    on_conflict = (
        f"DO UPDATE SET documents = {table}.documents + 1" if newly_published else "DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (word, documents)
                SELECT t.lexeme, 1
                FROM {Article._meta.db_table}
                CROSS JOIN LATERAL unnest({_ARTICLE_TEXT}) AS t
                WHERE id = %s AND t.lexeme ~ %s
                ON CONFLICT (word) {on_conflict}""",  # noqa: S608
            [article_id, _VOCABULARY_WORD],
        )
